using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms.FieldTypes;

namespace Jiayi.Engine.Forms;

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

    /// <summary>Checks one non-null JSON value and converts it; on failure adds errors and returns null.</summary>
    internal abstract Value Bind(JsonElement json, FieldModel field, string path, ErrorCollector errors);

    /// <summary>
    /// A calculated field's incoming value is replaced by the calculation; it is only checked for its JSON
    /// type so that the data still conforms to the published schema.
    /// </summary>
    internal virtual bool AcceptsCalculatedInput(JsonElement json) => json.ValueKind == JsonValueKind.Number;

    /// <summary>The JSON Schema of one value, without nullability.</summary>
    internal abstract JsonObject Schema(FieldModel field);

    internal virtual JsonObject CalculatedSchema(FieldModel field) => new() { ["type"] = "number" };

    internal abstract void Write(Utf8JsonWriter writer, Value value, FieldModel field);

    public override string ToString() => Key;

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
