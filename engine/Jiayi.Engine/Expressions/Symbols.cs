using System.Collections.Frozen;

namespace Jiayi.Engine.Expressions;

/// <summary>What every evaluation scope offers the expression language, whatever else it holds.</summary>
public interface IExpressionScope
{
    /// <summary>"Today" for this evaluation: passed per call, never read from a static clock.</summary>
    DateOnly Today { get; }
}

/// <summary>The codes of a choice field, with their labels and (for questionnaires) item scores.</summary>
public sealed class ChoiceInfo
{
    public ChoiceInfo(IEnumerable<(Value Code, string Label, decimal? Score)> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var list = options.ToList();
        Labels = list.ToFrozenDictionary(o => o.Code, o => o.Label);
        Scores = list.Where(o => o.Score.HasValue).ToFrozenDictionary(o => o.Code, o => o.Score!.Value);
    }

    public FrozenDictionary<Value, string> Labels { get; }

    public FrozenDictionary<Value, decimal> Scores { get; }

    public string Describe() => string.Join("，", Labels.Select(pair => $"{pair.Key} {pair.Value}"));
}

/// <summary>A name an expression may read: a field, a score, an outcome, a parameter, a subject attribute.</summary>
public sealed class Symbol<TScope>(string name, string label, ExprType type, Func<TScope, Value> read, object? tag = null, ChoiceInfo? choice = null)
{
    public string Name { get; } = name;

    /// <summary>The Chinese label, for messages.</summary>
    public string Label { get; } = label;

    public ExprType Type { get; } = type;

    public Func<TScope, Value> Read { get; } = read;

    /// <summary>Whatever the resolver needs to know this symbol again (dependency ordering).</summary>
    public object? Tag { get; } = tag;

    public ChoiceInfo? Choice { get; } = choice;
}

/// <summary>Resolves the names used in an expression.</summary>
public interface ISymbolResolver<TScope>
{
    Symbol<TScope>? Resolve(string name);

    /// <summary>A Chinese hint listing what may be meant when <paramref name="name"/> is unknown.</summary>
    string UnknownNameHint(string name);
}
