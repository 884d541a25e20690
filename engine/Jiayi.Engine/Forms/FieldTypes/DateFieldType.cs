using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jiayi.Engine.Expressions;

namespace Jiayi.Engine.Forms.FieldTypes;

/// <summary>A calendar date written as yyyy-MM-dd (JSON Schema <c>format: date</c>).</summary>
internal sealed class DateFieldType : FieldType
{
    public override string Key => "date";

    public override string DisplayName => "日期";

    public override string ValueDescription => "日期（yyyy-MM-dd）";

    public override ExprType ExprTypeOf(FieldModel field) => ExprType.Date;

    internal override Value Bind(JsonElement json, FieldModel field, string path, ErrorCollector errors)
    {
        if (json.ValueKind != JsonValueKind.String)
        {
            errors.Add(path, ErrorCodes.Type, FormMessages.Type(field));
            return Value.Null;
        }

        if (!JsonValues.TryParseDate(json.GetString(), out var date))
        {
            errors.Add(path, ErrorCodes.Format, FormMessages.Date(field));
            return Value.Null;
        }

        return Value.Date(date);
    }

    internal override bool AcceptsCalculatedInput(JsonElement json) => json.ValueKind == JsonValueKind.String && JsonValues.TryParseDate(json.GetString(), out _);

    internal override JsonObject Schema(FieldModel field) => new() { ["type"] = "string", ["format"] = "date" };

    internal override JsonObject CalculatedSchema(FieldModel field) => Schema(field);

    internal override void Write(Utf8JsonWriter writer, Value value, FieldModel field) =>
        writer.WriteStringValue(value.AsDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
}
