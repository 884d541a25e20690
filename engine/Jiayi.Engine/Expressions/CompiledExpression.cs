using System.Collections.Immutable;

namespace Jiayi.Engine.Expressions;

/// <summary>An expression parsed, type-checked and turned into a delegate once; safe to share between threads.</summary>
public sealed class CompiledExpression<TScope>(string source, ExprNode tree, ExprType type, Func<TScope, Value> evaluate, ImmutableArray<Symbol<TScope>> references)
{
    public string Source { get; } = source;

    public ExprNode Tree { get; } = tree;

    public ExprType Type { get; } = type;

    public Func<TScope, Value> Evaluate { get; } = evaluate;

    /// <summary>Every symbol the expression reads, once each.</summary>
    public ImmutableArray<Symbol<TScope>> References { get; } = references;

    public override string ToString() => Source;
}
