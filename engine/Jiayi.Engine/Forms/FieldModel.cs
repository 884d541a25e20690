using System.Collections.Frozen;
using System.Collections.Immutable;
using Jiayi.Engine.Expressions;

namespace Jiayi.Engine.Forms;

/// <summary>A choice option, compiled: its code as a <see cref="Value"/>.</summary>
public sealed record OptionModel(Value Code, string Label, decimal? Score, bool Exclusive, string? Help)
{
    /// <summary>The list holding only this code: what a multi-choice answer with one tick is.</summary>
    internal Value AsList { get; } = Value.List([Code]);
}

/// <summary>
/// A rule that must hold, with the Chinese message shown at <paramref name="Field"/> when it does not;
/// <paramref name="DefinitionPointer"/> locates it in the definition file.
/// </summary>
public sealed record RuleModel(string Key, CompiledExpression<FormScope> Rule, string Message, FieldModel Field, string DefinitionPointer);

/// <summary>A field (or a table column) of a compiled form. Immutable; shared by every evaluation.</summary>
public sealed class FieldModel
{
    public required string Key { get; init; }

    public required string Label { get; init; }

    public required FieldType Type { get; init; }

    /// <summary>Slot in <see cref="FormScope.Fields"/> (or in the row, for a column).</summary>
    public required int Index { get; init; }

    /// <summary>JSON pointer of the value in the data, e.g. <c>/sbp</c>; for a column, relative to its row.</summary>
    public required string Path { get; init; }

    /// <summary>Where the field is written in the definition file, for error messages.</summary>
    public required string DefinitionPointer { get; init; }

    public required FieldDefinition Definition { get; init; }

    public SectionModel? Section { get; init; }

    public string? Unit => Definition.Unit;

    public bool Required => Definition.Required;

    public decimal? Min => Definition.Min;

    public decimal? Max => Definition.Max;

    public int? Decimals => Definition.Decimals;

    public int MaxLength { get; init; }

    public ImmutableArray<OptionModel> Options { get; init; } = [];

    public FrozenDictionary<Value, OptionModel> OptionsByCode { get; init; } = FrozenDictionary<Value, OptionModel>.Empty;

    /// <summary>The type of the option codes (number or text) for choice fields.</summary>
    public ExprType CodeType { get; init; }

    public ChoiceInfo? Choice { get; init; }

    public ImmutableArray<FieldModel> Columns { get; init; } = [];

    public int? MinRows => Definition.MinRows;

    public int MaxRows { get; init; }

    public CompiledExpression<FormScope>? VisibleWhen { get; internal set; }

    public CompiledExpression<FormScope>? RequiredWhen { get; internal set; }

    public CompiledExpression<FormScope>? Calculate { get; internal set; }

    public ImmutableArray<RuleModel> Rules { get; internal set; } = [];

    public bool IsCalculated { get; init; }

    /// <summary>
    /// Required whatever the other answers are: always visible and required. Only these appear in the
    /// JSON Schema's <c>required</c>; every other requirement is a rule, checked after visibility.
    /// </summary>
    public bool StructurallyRequired { get; init; }

    public ExprType ExprType => Type.ExprTypeOf(this);

    /// <summary>The key as UTF-8, to match JSON property names without decoding them.</summary>
    internal byte[] Utf8Key => _utf8Key ??= System.Text.Encoding.UTF8.GetBytes(Key);

    private byte[]? _utf8Key;

    /// <summary><c>"key":</c> as UTF-8, as compact JSON writes the property name.</summary>
    internal byte[] QuotedKey => _quotedKey ??= System.Text.Encoding.UTF8.GetBytes($"\"{Key}\":");

    private byte[]? _quotedKey;

    internal FieldMessages Messages => _messages ??= new FieldMessages(this);

    private FieldMessages? _messages;

    /// <summary>
    /// For option codes that are small non-negative integers (nearly all national forms): the code's
    /// value by its number, Null where there is no such option. Lets the binder skip decimal parsing
    /// and hashing. Null when the codes do not allow it.
    /// </summary>
    internal Value[]? SmallCodes { get; init; }

    /// <summary>The binder's dispatch key (set from <see cref="Type"/>).</summary>
    internal FieldKind Kind { get; init; }

    /// <summary>Min and max when both are whole numbers in int range: lets the binder compare plain integers.</summary>
    internal (int Low, int High)? WholeBounds { get; init; }

    /// <summary>Whether a number must be whole (integer fields).</summary>
    internal bool IntegerOnly { get; init; }

    /// <summary>"收缩压（mmHg）" style text for messages that cite a bound.</summary>
    internal string WithUnit(decimal number) => Unit is null ? Format(number) : $"{Format(number)} {Unit}";

    internal static string Format(decimal number) => number.ToString("0.############", System.Globalization.CultureInfo.InvariantCulture);

    public override string ToString() => $"{Key} ({Label})";
}

public sealed class SectionModel
{
    public required string Key { get; init; }

    public required string Title { get; init; }

    public required int Index { get; init; }

    public required SectionDefinition Definition { get; init; }

    public ImmutableArray<FieldModel> Fields { get; internal set; } = [];

    public CompiledExpression<FormScope>? VisibleWhen { get; internal set; }
}

public sealed class ParameterModel
{
    public required string Key { get; init; }

    public required string Label { get; init; }

    public required ExprType Type { get; init; }

    public required Value Value { get; init; }

    public required int Index { get; init; }

    public required ParameterDefinition Definition { get; init; }
}

public sealed class ScoreModel
{
    public required string Key { get; init; }

    public required string Label { get; init; }

    public required int Index { get; init; }

    public required ScoreDefinition Definition { get; init; }

    /// <summary>Items summed, each with whether it is reverse-scored.</summary>
    public ImmutableArray<(FieldModel Field, bool Reversed, decimal Low, decimal High)> Items { get; internal set; } = [];

    public CompiledExpression<FormScope>? Expression { get; internal set; }
}

public sealed class OutcomeModel
{
    public required string Key { get; init; }

    public required string Label { get; init; }

    public required int Index { get; init; }

    /// <summary>Null for the outcome a schedule produces.</summary>
    public OutcomeDefinition? Definition { get; init; }

    public ExprType Type { get; internal set; }

    internal bool TypeKnown { get; set; }

    /// <summary>The field this outcome suggests a value for, and how each outcome value maps to the field's value.</summary>
    public FieldModel? SuggestsField { get; internal set; }

    public FrozenDictionary<Value, Value> SuggestionByValue { get; internal set; } = FrozenDictionary<Value, Value>.Empty;

    /// <summary>Computes the outcome; built by the compiler from bands, cases, an expression or a schedule.</summary>
    internal Func<FormScope, Value> Compute { get; set; } = _ => Value.Null;

    /// <summary>Every expression the outcome evaluates, for ordering.</summary>
    internal List<CompiledExpression<FormScope>> Expressions { get; } = [];

    /// <summary>For the schedule's outcome: the date field it counts from.</summary>
    internal string? ScheduleFrom { get; set; }
}
