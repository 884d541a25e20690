using System.Text.Json;
using System.Text.Json.Nodes;
using Jiayi.Engine.Expressions;

namespace Jiayi.Engine.Forms.FieldTypes;

/// <summary>Shared by integer and decimal fields: a JSON number within [min, max].</summary>
internal abstract class NumberFieldType : FieldType
{
    internal abstract bool IntegerOnly { get; }

    public override ExprType ExprTypeOf(FieldModel field) => ExprType.Number;

    internal override FieldKind Kind => FieldKind.Number;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static Value Read(ref JsonScanner json, FieldModel field, string path, ErrorCollector errors)
    {
        if (json.Kind() != JsonValueKind.Number)
        {
            return WrongType(ref json, field, path, errors);
        }

        var text = json.ReadNumber();
        decimal number;
        if (JsonScanner.TryInt32(text, out var small))
        {
            // Whole numbers against whole bounds (the usual case): no decimal arithmetic.
            if (field.WholeBounds is var (low, high))
            {
                if (small < low)
                {
                    errors.Add(path, ErrorCodes.Minimum, field.Messages.Minimum);
                    return Value.Null;
                }

                if (small > high)
                {
                    errors.Add(path, ErrorCodes.Maximum, field.Messages.Maximum);
                    return Value.Null;
                }

                return Value.Number(small);
            }

            number = small;
        }
        else if (JsonScanner.TryInt64(text, out var whole))
        {
            number = whole;
        }
        else if (!JsonScanner.TryDecimal(text, out number))
        {
            // Beyond decimal's range: necessarily beyond the field's bounds, which every number field has.
            var negative = text[0] == (byte)'-';
            if (negative && field.Min is not null)
            {
                errors.Add(path, ErrorCodes.Minimum, field.Messages.Minimum);
            }
            else if (!negative && field.Max is not null)
            {
                errors.Add(path, ErrorCodes.Maximum, field.Messages.Maximum);
            }

            return Value.Null;
        }
        else if (field.IntegerOnly && number != decimal.Truncate(number))
        {
            errors.Add(path, ErrorCodes.Type, field.Messages.Type);
            return Value.Null;
        }

        if (field.Min is { } min && number < min)
        {
            errors.Add(path, ErrorCodes.Minimum, field.Messages.Minimum);
            return Value.Null;
        }

        if (field.Max is { } max && number > max)
        {
            errors.Add(path, ErrorCodes.Maximum, field.Messages.Maximum);
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

    internal override bool IntegerOnly => true;
}

internal sealed class DecimalFieldType : NumberFieldType
{
    public override string Key => "decimal";

    public override string DisplayName => "小数";

    public override string ValueDescription => "数值";

    internal override bool IntegerOnly => false;
}
