using System.Collections.Frozen;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms;

namespace Jiayi.Engine.Programmes;

/// <summary>
/// A saved record as a plan sees it: its form, date, answers and outcomes. Values are read on demand, so a
/// host can evaluate a stored record only when a plan rule reads it.
/// </summary>
public sealed class PlanRecord(Guid id, string formId, DateOnly date, Func<string, Value> field, Func<string, Value> outcome)
{
    public Guid Id { get; } = id;

    public string FormId { get; } = formId;

    public DateOnly Date { get; } = date;

    public Value Field(string key) => field(key);

    public Value Outcome(string key) => outcome(key);

    /// <summary>A record from an evaluation of its answers (fields and outcomes as the engine computed them).</summary>
    public static PlanRecord From(Guid id, DateOnly date, EvaluationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new PlanRecord(id, result.Form.Id, date,
            key => result.Form.FindField(key) is { } f ? result.Value(f) : Value.Null,
            key => result.Form.Outcomes.Any(o => o.Key == key) ? result.Outcome(key) : Value.Null);
    }

    /// <summary>A record whose answers are produced only when first read (e.g. by evaluating its stored JSON).</summary>
    public static PlanRecord Lazy(Guid id, string formId, DateOnly date, Func<EvaluationResult?> evaluate)
    {
        var result = new Lazy<EvaluationResult?>(evaluate);
        return new PlanRecord(id, formId, date,
            key => result.Value is { } r && r.Form.FindField(key) is { } f ? r.Value(f) : Value.Null,
            key => result.Value is { } r && r.Form.Outcomes.Any(o => o.Key == key) ? r.Outcome(key) : Value.Null);
    }
}

/// <summary>The resident a plan is computed for.</summary>
public sealed record PlanSubject(DateOnly BirthDate, string? Sex);

/// <summary>An enrolment: its dates and the attributes typed on it (by key).</summary>
public sealed record PlanEnrolment(DateOnly Start, DateOnly? Stop, IReadOnlyDictionary<string, Value>? Attributes = null);

/// <summary>What plan expressions read: subject.*, enrolment.*, params.*, and for rules about a record record.*, outcomes.* and record_date.</summary>
public sealed class PlanScope : IExpressionScope
{
    public required DateOnly Today { get; init; }

    public required Value[] Subject { get; init; }

    public required Value[] Enrolment { get; init; }

    public required Value[] Parameters { get; init; }

    public PlanRecord? Record { get; init; }

    public PlanScope With(PlanRecord record) => new() { Today = Today, Subject = Subject, Enrolment = Enrolment, Parameters = Parameters, Record = record };
}

/// <summary>Resolves plan names; one instance per set of forms whose records a rule may read.</summary>
internal sealed class PlanSymbolResolver : ISymbolResolver<PlanScope>
{
    public static readonly (string Name, string Label, ExprType Type)[] SubjectAttributes =
    [
        ("birth_date", "出生日期", ExprType.Date),
        ("sex", "性别", ExprType.Text),
        ("age", "年龄（周岁，按计算日期）", ExprType.Number),
    ];

    private readonly FrozenDictionary<string, Symbol<PlanScope>> _symbols;

    public PlanSymbolResolver(IReadOnlyList<(string Key, string Label, ExprType Type)> enrolment, IEnumerable<ParameterModel> parameters, IEnumerable<CompiledForm> recordForms)
    {
        var symbols = new Dictionary<string, Symbol<PlanScope>>(StringComparer.Ordinal);
        for (var i = 0; i < SubjectAttributes.Length; i++)
        {
            var (name, label, type) = SubjectAttributes[i];
            var index = i;
            symbols["subject." + name] = new Symbol<PlanScope>("subject." + name, label, type, s => s.Subject[index]);
        }

        for (var i = 0; i < enrolment.Count; i++)
        {
            var (key, label, type) = enrolment[i];
            var index = i;
            symbols["enrolment." + key] = new Symbol<PlanScope>("enrolment." + key, label, type, s => s.Enrolment[index]);
        }

        foreach (var parameter in parameters)
        {
            var index = parameter.Index;
            symbols["params." + parameter.Key] = new Symbol<PlanScope>("params." + parameter.Key, parameter.Label, parameter.Type, s => s.Parameters[index], parameter);
        }

        var any = false;
        foreach (var form in recordForms)
        {
            any = true;
            foreach (var field in form.Fields)
            {
                var key = field.Key;
                symbols.TryAdd("record." + key, new Symbol<PlanScope>("record." + key, field.Label, field.ExprType, s => s.Record?.Field(key) ?? Value.Null, field, field.Choice));
            }

            foreach (var outcome in form.Outcomes)
            {
                var key = outcome.Key;
                symbols.TryAdd("outcomes." + key, new Symbol<PlanScope>("outcomes." + key, outcome.Label, outcome.Type, s => s.Record?.Outcome(key) ?? Value.Null, outcome));
            }
        }

        if (any)
        {
            symbols["record_date"] = new Symbol<PlanScope>("record_date", "记录日期", ExprType.Date, s => s.Record is { } r ? Value.Date(r.Date) : Value.Null);
        }

        _symbols = symbols.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public Symbol<PlanScope>? Resolve(string name) => _symbols.GetValueOrDefault(name);

    public string UnknownNameHint(string name)
    {
        var candidates = FormSymbolResolver.Closest(name, _symbols.Keys);
        return candidates.Count > 0
            ? $"是否想写：{string.Join("、", candidates)}？"
            : $"可用的名称：{string.Join("、", _symbols.Keys.Order(StringComparer.Ordinal))}。";
    }
}
