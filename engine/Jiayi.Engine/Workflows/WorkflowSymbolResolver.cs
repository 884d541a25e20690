using System.Collections.Frozen;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms;

namespace Jiayi.Engine.Workflows;

/// <summary>Resolves the names a workflow's expressions use: <c>subject.*</c>, <c>user.*</c> and <c>params.*</c>.</summary>
internal sealed class WorkflowSymbolResolver : ISymbolResolver<WorkflowScope>
{
    private readonly FrozenDictionary<string, Symbol<WorkflowScope>> _symbols;

    public WorkflowSymbolResolver(WorkflowSubjectType subject, IEnumerable<ParameterModel> parameters)
    {
        var symbols = new Dictionary<string, Symbol<WorkflowScope>>(StringComparer.Ordinal);
        for (var i = 0; i < subject.Attributes.Length; i++)
        {
            var (key, label, type) = subject.Attributes[i];
            var index = i;
            symbols["subject." + key] = new Symbol<WorkflowScope>("subject." + key, label, type, s => s.Subject[index]);
        }

        for (var i = 0; i < WorkflowSubjects.UserAttributes.Length; i++)
        {
            var (key, label, type) = WorkflowSubjects.UserAttributes[i];
            var index = i;
            symbols["user." + key] = new Symbol<WorkflowScope>("user." + key, label, type, s => s.User[index]);
        }

        foreach (var parameter in parameters)
        {
            var index = parameter.Index;
            symbols["params." + parameter.Key] = new Symbol<WorkflowScope>("params." + parameter.Key, parameter.Label, parameter.Type, s => s.Parameters[index], parameter);
        }

        _symbols = symbols.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IEnumerable<string> Names => _symbols.Keys;

    public Symbol<WorkflowScope>? Resolve(string name) => _symbols.GetValueOrDefault(name);

    public string UnknownNameHint(string name)
    {
        var candidates = FormSymbolResolver.Closest(name, _symbols.Keys);
        return candidates.Count > 0
            ? $"是否想写：{string.Join("、", candidates)}？"
            : $"可用的名称：{string.Join("、", _symbols.Keys.Order(StringComparer.Ordinal))}。";
    }
}
