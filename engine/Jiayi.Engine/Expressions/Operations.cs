namespace Jiayi.Engine.Expressions;

/// <summary>
/// Run-time semantics of the operators. Unknown (null) propagates as in SQL: arithmetic and
/// comparison with null give null; <c>and</c> is false if either side is false, <c>or</c> is true
/// if either side is true. Division by zero and overflow give null rather than an exception.
/// </summary>
internal static class Operations
{
    public static int Compare(Value left, Value right) => left.Kind switch
    {
        ValueKind.Number => left.AsNumber.CompareTo(right.AsNumber),
        ValueKind.Date => left.AsDate.CompareTo(right.AsDate),
        ValueKind.Text => string.CompareOrdinal(left.AsText, right.AsText),
        ValueKind.Boolean => left.AsBoolean.CompareTo(right.AsBoolean),
        _ => 0,
    };

    public static Value Arithmetic(BinaryOperator op, Value left, Value right)
    {
        if (left.IsNull || right.IsNull)
        {
            return Value.Null;
        }

        if (op == BinaryOperator.Add && left.Kind == ValueKind.Text)
        {
            return Value.Text(left.AsText + right.AsText);
        }

        var a = left.AsNumber;
        var b = right.AsNumber;
        try
        {
            return op switch
            {
                BinaryOperator.Add => Value.Number(a + b),
                BinaryOperator.Subtract => Value.Number(a - b),
                BinaryOperator.Multiply => Value.Number(a * b),
                BinaryOperator.Divide => b == 0m ? Value.Null : Value.Number(a / b),
                BinaryOperator.Modulo => b == 0m ? Value.Null : Value.Number(a % b),
                _ => throw new InvalidOperationException($"{op} is not arithmetic."),
            };
        }
        catch (OverflowException)
        {
            return Value.Null;
        }
    }

    public static Value Relational(BinaryOperator op, Value left, Value right)
    {
        if (left.IsNull || right.IsNull)
        {
            return Value.Null;
        }

        return op switch
        {
            BinaryOperator.Equal => Value.Boolean(left.Equals(right)),
            BinaryOperator.NotEqual => Value.Boolean(!left.Equals(right)),
            BinaryOperator.Less => Value.Boolean(Compare(left, right) < 0),
            BinaryOperator.LessOrEqual => Value.Boolean(Compare(left, right) <= 0),
            BinaryOperator.Greater => Value.Boolean(Compare(left, right) > 0),
            BinaryOperator.GreaterOrEqual => Value.Boolean(Compare(left, right) >= 0),
            _ => throw new InvalidOperationException($"{op} is not relational."),
        };
    }
}
