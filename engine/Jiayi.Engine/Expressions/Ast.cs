using System.Collections.Immutable;

namespace Jiayi.Engine.Expressions;

/// <summary>
/// The parsed form of an expression. Nodes are immutable; <see cref="Start"/> and
/// <see cref="Length"/> locate each node in the source text for error messages.
/// </summary>
public abstract record ExprNode(int Start, int Length);

public sealed record LiteralNode(Value Value, int Start, int Length) : ExprNode(Start, Length);

/// <summary>A name such as <c>sbp</c>, <c>scores.total</c> or <c>[params.sbp_target]</c>.</summary>
public sealed record IdentifierNode(string Name, int Start, int Length) : ExprNode(Start, Length);

public enum UnaryOperator
{
    Not,
    Negate,
}

public sealed record UnaryNode(UnaryOperator Operator, ExprNode Operand, int Start, int Length) : ExprNode(Start, Length);

public enum BinaryOperator
{
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    And,
    Or,
}

public sealed record BinaryNode(BinaryOperator Operator, ExprNode Left, ExprNode Right, int Start, int Length) : ExprNode(Start, Length);

public sealed record ConditionalNode(ExprNode Condition, ExprNode WhenTrue, ExprNode WhenFalse, int Start, int Length) : ExprNode(Start, Length);

/// <summary><c>x in (a, b, c)</c> or <c>x not in (a, b, c)</c>.</summary>
public sealed record InNode(ExprNode Operand, ImmutableArray<ExprNode> Items, bool Negated, int Start, int Length) : ExprNode(Start, Length);

public sealed record CallNode(string Function, ImmutableArray<ExprNode> Arguments, int Start, int Length) : ExprNode(Start, Length);

internal static class BinaryOperators
{
    public static string Symbol(this BinaryOperator op) => op switch
    {
        BinaryOperator.Add => "+",
        BinaryOperator.Subtract => "-",
        BinaryOperator.Multiply => "*",
        BinaryOperator.Divide => "/",
        BinaryOperator.Modulo => "%",
        BinaryOperator.Equal => "==",
        BinaryOperator.NotEqual => "!=",
        BinaryOperator.Less => "<",
        BinaryOperator.LessOrEqual => "<=",
        BinaryOperator.Greater => ">",
        BinaryOperator.GreaterOrEqual => ">=",
        BinaryOperator.And => "and",
        BinaryOperator.Or => "or",
        _ => op.ToString(),
    };
}
