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

    internal override FieldKind Kind => FieldKind.Date;

    internal static Value Read(ref JsonScanner json, FieldModel field, string path, ErrorCollector errors)
    {
        if (json.Kind() != JsonValueKind.String)
        {
            return WrongType(ref json, field, path, errors);
        }

        if (!TryRead(ref json, out var date))
        {
            errors.Add(path, ErrorCodes.Format, field.Messages.Date);
            return Value.Null;
        }

        return Value.Date(date);
    }

    /// <summary>Reads "yyyy-MM-dd" straight from the UTF-8 token (no string), decoding only escaped text.</summary>
    internal static bool TryRead(ref JsonScanner json, out DateOnly date)
    {
        var raw = json.ReadString(out var escaped);
        if (escaped)
        {
            return JsonValues.TryParseDate(JsonScanner.Decode(raw, escaped), out date);
        }

        date = default;
        if (raw.Length != 10 || raw[4] != (byte)'-' || raw[7] != (byte)'-')
        {
            return false;
        }

        var year = Digits(raw[..4]);
        var month = Digits(raw.Slice(5, 2));
        var day = Digits(raw.Slice(8, 2));
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        date = new DateOnly(year, month, day);
        return true;
    }

    /// <summary>The number written by ASCII digits, or -1.</summary>
    private static int Digits(ReadOnlySpan<byte> text)
    {
        var value = 0;
        foreach (var b in text)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return -1;
            }

            value = (value * 10) + (b - '0');
        }

        return value;
    }

    internal override JsonObject Schema(FieldModel field) => new() { ["type"] = "string", ["format"] = "date" };

    internal override JsonObject CalculatedSchema(FieldModel field) => Schema(field);

    internal override void Write(Utf8JsonWriter writer, Value value, FieldModel field) =>
        writer.WriteStringValue(value.AsDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
}
