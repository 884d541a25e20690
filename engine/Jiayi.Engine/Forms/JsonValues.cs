using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jiayi.Engine.Expressions;

namespace Jiayi.Engine.Forms;

/// <summary>Writes engine values as JSON: numbers without trailing zeros, dates as yyyy-MM-dd.</summary>
public static class JsonValues
{
    public static decimal Normalize(decimal number) => number / 1.000000000000000000000000000000000m;

    public static void WriteNumber(Utf8JsonWriter writer, decimal number)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteNumberValue(Normalize(number));
    }

    /// <summary>Writes any value by its kind (outcomes, scores, parameters).</summary>
    public static void Write(Utf8JsonWriter writer, Value value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (value.Kind)
        {
            case ValueKind.Null:
                writer.WriteNullValue();
                break;
            case ValueKind.Number:
                WriteNumber(writer, value.AsNumber);
                break;
            case ValueKind.Text:
                writer.WriteStringValue(value.AsText);
                break;
            case ValueKind.Boolean:
                writer.WriteBooleanValue(value.AsBoolean);
                break;
            case ValueKind.Date:
                writer.WriteStringValue(value.AsDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                break;
            case ValueKind.List:
                writer.WriteStartArray();
                foreach (var item in value.AsList)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new InvalidOperationException($"{value.Kind} values are written by their field type.");
        }
    }

    /// <summary>A value as a JSON node, as the API expects it (codes as integers or text, dates as yyyy-MM-dd).</summary>
    public static JsonNode? ToNode(Value value) => value.Kind switch
    {
        ValueKind.Null => null,
        ValueKind.Number => JsonValue.Create(Normalize(value.AsNumber)),
        ValueKind.Boolean => JsonValue.Create(value.AsBoolean),
        ValueKind.List => new JsonArray([.. value.AsList.Select(ToNode)]),
        ValueKind.Rows => throw new InvalidOperationException("Table rows are written by their field type."),
        _ => JsonValue.Create(value.ToString()),
    };

    /// <summary>Reads a scalar JSON value (a definition's literal) as an engine value.</summary>
    public static Value FromJson(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Number => Value.Number(json.GetDecimal()),
        JsonValueKind.String => Value.Text(json.GetString()),
        JsonValueKind.True => Value.True,
        JsonValueKind.False => Value.False,
        _ => Value.Null,
    };

    public static bool TryParseDate(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}
