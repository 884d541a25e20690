using System.Text.Json;
using System.Text.Json.Nodes;
using Jiayi.Engine.Expressions;

namespace Jiayi.Engine.Forms.FieldTypes;

/// <summary>One option out of a list, stored as its national code (a JSON integer or string).</summary>
internal sealed class ChoiceFieldType : FieldType
{
    public override string Key => "choice";

    public override string DisplayName => "单选";

    public override string ValueDescription => "选项代码";

    public override ExprType ExprTypeOf(FieldModel field) => field.CodeType;

    internal override Value Bind(JsonElement json, FieldModel field, string path, ErrorCollector errors)
    {
        var code = ReadCode(json, field);
        if (code.IsNull || !field.OptionsByCode.ContainsKey(code))
        {
            errors.Add(path, ErrorCodes.Enum, FormMessages.Enum(field));
            return Value.Null;
        }

        return code;
    }

    /// <summary>Reads a JSON value as a code of the field's code type, or null when it cannot be one.</summary>
    internal static Value ReadCode(JsonElement json, FieldModel field)
    {
        if (field.CodeType == ExprType.Number)
        {
            return json.ValueKind == JsonValueKind.Number && json.TryGetDecimal(out var number) ? Value.Number(number) : Value.Null;
        }

        return json.ValueKind == JsonValueKind.String ? Value.Text(json.GetString()) : Value.Null;
    }

    internal override bool AcceptsCalculatedInput(JsonElement json) => json.ValueKind is JsonValueKind.Number or JsonValueKind.String;

    internal override JsonObject Schema(FieldModel field) => new() { ["enum"] = Codes(field) };

    internal override JsonObject CalculatedSchema(FieldModel field) => Schema(field);

    internal static JsonArray Codes(FieldModel field) =>
        [.. field.Options.Select(o => o.Code.Kind == ValueKind.Number ? JsonValue.Create(o.Code.AsNumber) : (JsonNode)JsonValue.Create(o.Code.AsText))];

    internal override void Write(Utf8JsonWriter writer, Value value, FieldModel field) => JsonValues.Write(writer, value);
}
