using System.Text.Json;
using System.Text.Json.Nodes;
using Jiayi.Engine.Expressions;

namespace Jiayi.Engine.Forms.FieldTypes;

/// <summary>Shared by integer and decimal fields: a JSON number within [min, max].</summary>
internal abstract class NumberFieldType : FieldType
{
    protected abstract bool IntegerOnly { get; }

    public override ExprType ExprTypeOf(FieldModel field) => ExprType.Number;

    internal override Value Bind(JsonElement json, FieldModel field, string path, ErrorCollector errors)
    {
        if (json.ValueKind != JsonValueKind.Number)
        {
            errors.Add(path, ErrorCodes.Type, FormMessages.Type(field));
            return Value.Null;
        }

        decimal number;
        if (json.TryGetInt64(out var whole))
        {
            number = whole;
        }
        else if (!json.TryGetDecimal(out number))
        {
            // Beyond decimal's range: necessarily beyond the field's bounds, which every number field has.
            var negative = json.GetRawText().StartsWith('-');
            if (negative && field.Min is { } low)
            {
                errors.Add(path, ErrorCodes.Minimum, FormMessages.Minimum(field, low));
            }
            else if (!negative && field.Max is { } high)
            {
                errors.Add(path, ErrorCodes.Maximum, FormMessages.Maximum(field, high));
            }

            return Value.Null;
        }
        else if (IntegerOnly && number != decimal.Truncate(number))
        {
            errors.Add(path, ErrorCodes.Type, FormMessages.Type(field));
            return Value.Null;
        }

        if (field.Min is { } min && number < min)
        {
            errors.Add(path, ErrorCodes.Minimum, FormMessages.Minimum(field, min));
            return Value.Null;
        }

        if (field.Max is { } max && number > max)
        {
            errors.Add(path, ErrorCodes.Maximum, FormMessages.Maximum(field, max));
            return Value.Null;
        }

        return Value.Number(number);
    }

    internal override JsonObject Schema(FieldModel field)
    {
        var schema = new JsonObject { ["type"] = IntegerOnly ? "integer" : "number" };
        if (field.Min is { } min)
        {
            schema["minimum"] = min;
        }

        if (field.Max is { } max)
        {
            schema["maximum"] = max;
        }

        return schema;
    }

    internal override void Write(Utf8JsonWriter writer, Value value, FieldModel field) => JsonValues.WriteNumber(writer, value.AsNumber);
}

internal sealed class IntegerFieldType : NumberFieldType
{
    public override string Key => "integer";

    public override string DisplayName => "整数";

    public override string ValueDescription => "整数";

    protected override bool IntegerOnly => true;
}

internal sealed class DecimalFieldType : NumberFieldType
{
    public override string Key => "decimal";

    public override string DisplayName => "小数";

    public override string ValueDescription => "数值";

    protected override bool IntegerOnly => false;
}
