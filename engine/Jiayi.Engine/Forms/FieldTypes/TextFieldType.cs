using System.Text.Json;
using System.Text.Json.Nodes;
using Jiayi.Engine.Expressions;

namespace Jiayi.Engine.Forms.FieldTypes;

/// <summary>Free text; at most <see cref="FieldModel.MaxLength"/> characters (code points, as JSON Schema counts).</summary>
internal sealed class TextFieldType : FieldType
{
    public const int DefaultMaxLength = 500;
    public const int DefaultMultilineMaxLength = 2000;

    /// <summary>JSON Schema pattern refusing U+0000, in ECMAScript and .NET regular expression syntax alike.</summary>
    internal const string NoNul = "^[^\\u0000]*$";

    public override string Key => "text";

    public override string DisplayName => "文本";

    public override string ValueDescription => "文本";

    public override ExprType ExprTypeOf(FieldModel field) => ExprType.Text;

    internal override Value Bind(JsonElement json, FieldModel field, string path, ErrorCollector errors)
    {
        if (json.ValueKind != JsonValueKind.String)
        {
            errors.Add(path, ErrorCodes.Type, FormMessages.Type(field));
            return Value.Null;
        }

        var text = json.GetString()!;
        if (text.Length > field.MaxLength && Functions.CountCodePoints(text) > field.MaxLength)
        {
            errors.Add(path, ErrorCodes.MaxLength, FormMessages.MaxLength(field));
            return Value.Null;
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            // PostgreSQL cannot store U+0000 in text or jsonb; no form answer needs it.
            errors.Add(path, ErrorCodes.Pattern, FormMessages.NulCharacter(field));
            return Value.Null;
        }

        if (text.Length == 0)
        {
            if (field.StructurallyRequired)
            {
                errors.Add(path, ErrorCodes.Required, FormMessages.Required(field));
            }

            return Value.Null;
        }

        return Value.Text(text);
    }

    internal override bool AcceptsCalculatedInput(JsonElement json) => json.ValueKind == JsonValueKind.String;

    internal override JsonObject Schema(FieldModel field)
    {
        var schema = new JsonObject { ["type"] = "string", ["maxLength"] = field.MaxLength, ["pattern"] = NoNul };
        if (field.StructurallyRequired)
        {
            schema["minLength"] = 1;
        }

        return schema;
    }

    internal override JsonObject CalculatedSchema(FieldModel field) => new() { ["type"] = "string" };

    internal override void Write(Utf8JsonWriter writer, Value value, FieldModel field) => writer.WriteStringValue(value.AsText);
}
