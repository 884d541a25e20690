using System.Collections.Frozen;
using Jiayi.Engine.Expressions;

namespace Jiayi.Engine.Forms;

/// <summary>
/// Resolves the names a form's expressions use: field keys (and, inside a table's column rules, the
/// row's column keys), <c>scores.*</c>, <c>outcomes.*</c>, <c>params.*</c> and <c>subject.*</c>.
/// </summary>
internal sealed class FormSymbolResolver : ISymbolResolver<FormScope>
{
    private readonly FrozenDictionary<string, Symbol<FormScope>> _symbols;
    private readonly FrozenDictionary<string, Symbol<FormScope>> _rowSymbols;
    private readonly FrozenDictionary<string, OutcomeModel> _outcomes;

    private FormSymbolResolver(
        FrozenDictionary<string, Symbol<FormScope>> symbols,
        FrozenDictionary<string, Symbol<FormScope>> rowSymbols,
        FrozenDictionary<string, OutcomeModel> outcomes)
    {
        _symbols = symbols;
        _rowSymbols = rowSymbols;
        _outcomes = outcomes;
    }

    public static FormSymbolResolver Create(
        IEnumerable<FieldModel> fields,
        IEnumerable<ScoreModel> scores,
        IEnumerable<OutcomeModel> outcomes,
        IEnumerable<ParameterModel> parameters)
    {
        var symbols = new Dictionary<string, Symbol<FormScope>>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            var index = field.Index;
            symbols[field.Key] = new Symbol<FormScope>(field.Key, field.Label, field.ExprType, s => s.Fields[index], field, field.Choice);
        }

        foreach (var score in scores)
        {
            var index = score.Index;
            symbols["scores." + score.Key] = new Symbol<FormScope>("scores." + score.Key, score.Label, ExprType.Number, s => s.Scores[index], score);
        }


        foreach (var parameter in parameters)
        {
            var index = parameter.Index;
            symbols["params." + parameter.Key] = new Symbol<FormScope>("params." + parameter.Key, parameter.Label, parameter.Type, s => s.Parameters[index], parameter);
        }

        for (var i = 0; i < SubjectAttributes.All.Length; i++)
        {
            var (name, label, type) = SubjectAttributes.All[i];
            var index = i;
            symbols["subject." + name] = new Symbol<FormScope>("subject." + name, label, type, s => s.Subject[index]);
        }

        return new FormSymbolResolver(
            symbols.ToFrozenDictionary(StringComparer.Ordinal),
            FrozenDictionary<string, Symbol<FormScope>>.Empty,
            outcomes.ToFrozenDictionary(o => "outcomes." + o.Key, StringComparer.Ordinal));
    }

    /// <summary>A resolver for a table's column rules: the row's columns first, then the form's names.</summary>
    public FormSymbolResolver ForRow(FieldModel table)
    {
        var row = table.Columns.ToFrozenDictionary(
            c => c.Key,
            c =>
            {
                var index = c.Index;
                return new Symbol<FormScope>(c.Key, c.Label, c.ExprType, s => s.Row.IsDefault ? Value.Null : s.Row[index], c, c.Choice);
            },
            StringComparer.Ordinal);
        return new FormSymbolResolver(_symbols, row, _outcomes);
    }

    public Symbol<FormScope>? Resolve(string name)
    {
        if ((_rowSymbols.GetValueOrDefault(name) ?? _symbols.GetValueOrDefault(name)) is { } symbol)
        {
            return symbol;
        }

        if (!_outcomes.TryGetValue(name, out var outcome))
        {
            return null;
        }

        // An outcome's type is known once its values or expression are compiled; expression outcomes
        // may therefore only read outcomes declared before them.
        if (!outcome.TypeKnown)
        {
            throw new ExpressionException($"结果“{outcome.Key}”在此之后才定义，请把它移到前面");
        }

        var index = outcome.Index;
        return new Symbol<FormScope>(name, outcome.Label, outcome.Type, s => s.Outcomes[index], outcome);
    }

    public string UnknownNameHint(string name)
    {
        var candidates = Closest(name, _rowSymbols.Keys.Concat(_symbols.Keys).Concat(_outcomes.Keys));
        return candidates.Count > 0
            ? $"是否想写：{string.Join("、", candidates)}？"
            : "可用的名称：本表单的字段代码，以及 scores.*、outcomes.*、params.*、subject.birth_date、subject.sex、subject.age。";
    }

    /// <summary>Up to three names close to a mistyped one (edit distance), closest first.</summary>
    internal static List<string> Closest(string name, IEnumerable<string> names) =>
        [.. names
            .Select(key => (key, distance: Distance(name, key)))
            .Where(c => c.distance <= Math.Max(2, name.Length / 4))
            .OrderBy(c => c.distance)
            .Take(3)
            .Select(c => c.key)];

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
