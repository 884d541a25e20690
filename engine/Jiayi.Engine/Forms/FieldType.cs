using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms.FieldTypes;

namespace Jiayi.Engine.Forms;

/// <summary>The field types the binder knows how to read.</summary>
internal enum FieldKind : byte
{
    Text,
    Number,
    Date,
    Boolean,
    Choice,
    MultiChoice,
    Table,
}

/// <summary>
/// A field type, registered under a stable alias used in definitions (<c>"type": "integer"</c>). Each type
/// knows how to check and read a JSON value, how to describe itself in JSON Schema and how to write a
/// value back, so the binder, the schema builder and the designer are built from these descriptors.
/// </summary>
public abstract class FieldType
{
    /// <summary>The alias written in definitions.</summary>
    public abstract string Key { get; }

    /// <summary>The type's Chinese name, for the designer.</summary>
    public abstract string DisplayName { get; }

    /// <summary>What a value must be, completing "X应为…", e.g. "整数".</summary>
    public abstract string ValueDescription { get; }

    public abstract ExprType ExprTypeOf(FieldModel field);

    /// <summary>Which reader the binder dispatches to (a switch, not a virtual call, on the hot path).</summary>
    internal abstract FieldKind Kind { get; }

    /// <summary>The JSON Schema of one value, without nullability.</summary>
    internal abstract JsonObject Schema(FieldModel field);

    internal virtual JsonObject CalculatedSchema(FieldModel field) => new() { ["type"] = "number" };

    internal abstract void Write(Utf8JsonWriter writer, Value value, FieldModel field);

    public override string ToString() => Key;

    /// <summary>A value of the wrong JSON type: reported, stepped over.</summary>
    internal static Value WrongType(ref JsonScanner json, FieldModel field, string path, ErrorCollector errors)
    {
        json.Skip();
        errors.Add(path, ErrorCodes.Type, field.Messages.Type);
        return Value.Null;
    }

    /// <summary>Every field type, by alias. An unknown alias is a definition error.</summary>
    public static FrozenDictionary<string, FieldType> Registry { get; } = new FieldType[]
    {
        new TextFieldType(),
        new IntegerFieldType(),
        new DecimalFieldType(),
        new DateFieldType(),
        new BooleanFieldType(),
        new ChoiceFieldType(),
        new MultiChoiceFieldType(),
        new TableFieldType(),
    }.ToFrozenDictionary(t => t.Key, StringComparer.Ordinal);
}
