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

    internal override FieldKind Kind => FieldKind.Text;

    internal static Value Read<TMode>(ref JsonScanner json, FieldModel field, string path, ErrorCollector errors)
        where TMode : struct, IBindMode
    {
        if (json.Kind() != JsonValueKind.String)
        {
            return WrongType(ref json, field, path, errors);
        }

        var raw = json.ReadString(out var escaped, out var nul);
        // Each character takes at least one byte: short raw text needs no counting (or decoding).
        if (raw.Length > field.MaxLength && Functions.CountCodePoints(JsonScanner.Decode(raw, escaped)) > field.MaxLength)
        {
            errors.Add(path, ErrorCodes.MaxLength, field.Messages.MaxLength);
            return Value.Null;
        }

        // U+0000 can only arrive escaped; PostgreSQL cannot store it in text or jsonb, and no answer needs it.
        if (nul)
        {
            errors.Add(path, ErrorCodes.Pattern, field.Messages.Nul);
            return Value.Null;
        }

        if (raw.Length == 0)
        {
            if (field.StructurallyRequired)
            {
                errors.Add(path, ErrorCodes.Required, field.Messages.Required);
            }

            return Value.Null;
        }

        return TMode.Materialize ? Value.Text(JsonScanner.Decode(raw, escaped)) : Value.True;
    }

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
