using System.Collections.Immutable;
using System.Globalization;

namespace Jiayi.Engine.Expressions;

/// <summary>
/// One value of a form answer or of an expression: a number (decimal, so that 7.0 mmol/L and
/// 24.0 kg/m² boundaries compare exactly), text, a yes/no, a date, a list of codes or table rows.
/// Immutable and allocation-free for numbers, booleans and dates.
/// </summary>
public readonly struct Value : IEquatable<Value>
{
    private readonly decimal _number;
    private readonly object? _ref;

    public ValueKind Kind { get; }

    private Value(ValueKind kind, decimal number, object? reference)
    {
        Kind = kind;
        _number = number;
        _ref = reference;
    }

    public static readonly Value Null;
    public static readonly Value True = new(ValueKind.Boolean, 1m, null);
    public static readonly Value False = new(ValueKind.Boolean, 0m, null);

    public static Value Number(decimal number) => new(ValueKind.Number, number, null);

    public static Value Text(string? text) => text is null ? Null : new(ValueKind.Text, 0m, text);

    public static Value Boolean(bool value) => value ? True : False;

    public static Value Date(DateOnly date) => new(ValueKind.Date, date.DayNumber, null);

    public static Value List(ImmutableArray<Value> items) => new(ValueKind.List, 0m, items);

    public static Value Rows(ImmutableArray<ImmutableArray<Value>> rows) => new(ValueKind.Rows, 0m, rows);

    public bool IsNull => Kind == ValueKind.Null;

    public decimal AsNumber => Kind == ValueKind.Number ? _number : throw WrongKind(ValueKind.Number);

    public string AsText => Kind == ValueKind.Text ? (string)_ref! : throw WrongKind(ValueKind.Text);

    public bool AsBoolean => Kind == ValueKind.Boolean ? _number != 0m : throw WrongKind(ValueKind.Boolean);

    public DateOnly AsDate => Kind == ValueKind.Date ? DateOnly.FromDayNumber((int)_number) : throw WrongKind(ValueKind.Date);

    public ImmutableArray<Value> AsList => Kind == ValueKind.List ? (ImmutableArray<Value>)_ref! : throw WrongKind(ValueKind.List);

    public ImmutableArray<ImmutableArray<Value>> AsRows =>
        Kind == ValueKind.Rows ? (ImmutableArray<ImmutableArray<Value>>)_ref! : throw WrongKind(ValueKind.Rows);

    /// <summary>True only for the boolean true: null (unknown) and false are not.</summary>
    public bool IsTrue => Kind == ValueKind.Boolean && _number != 0m;

    /// <summary>True only for the boolean false.</summary>
    public bool IsFalse => Kind == ValueKind.Boolean && _number == 0m;

    private InvalidOperationException WrongKind(ValueKind wanted) =>
        new($"Value is {Kind}, not {wanted}.");

    public bool Equals(Value other)
    {
        if (Kind != other.Kind)
        {
            return false;
        }

        return Kind switch
        {
            ValueKind.Null => true,
            ValueKind.Number or ValueKind.Boolean or ValueKind.Date => _number == other._number,
            ValueKind.Text => string.Equals((string)_ref!, (string)other._ref!, StringComparison.Ordinal),
            ValueKind.List => AsList.SequenceEqual(other.AsList),
            ValueKind.Rows => AsRows.Length == other.AsRows.Length
                && AsRows.Zip(other.AsRows).All(pair => pair.First.SequenceEqual(pair.Second)),
            _ => false,
        };
    }

    public override bool Equals(object? obj) => obj is Value other && Equals(other);

    public override int GetHashCode() => Kind switch
    {
        ValueKind.Null => 0,
        ValueKind.Number or ValueKind.Boolean or ValueKind.Date => HashCode.Combine(Kind, _number),
        ValueKind.Text => HashCode.Combine(Kind, StringComparer.Ordinal.GetHashCode((string)_ref!)),
        ValueKind.List => AsList.Aggregate((int)Kind, (hash, item) => HashCode.Combine(hash, item)),
        _ => (int)Kind,
    };

    public static bool operator ==(Value left, Value right) => left.Equals(right);

    public static bool operator !=(Value left, Value right) => !left.Equals(right);

    /// <summary>Invariant text, as written into JSON and shown in diagnostics.</summary>
    public override string ToString() => Kind switch
    {
        ValueKind.Null => "null",
        ValueKind.Number => (_number / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture),
        ValueKind.Text => (string)_ref!,
        ValueKind.Boolean => AsBoolean ? "true" : "false",
        ValueKind.Date => AsDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ValueKind.List => "[" + string.Join(", ", AsList) + "]",
        ValueKind.Rows => $"[{AsRows.Length} rows]",
        _ => Kind.ToString(),
    };
}
