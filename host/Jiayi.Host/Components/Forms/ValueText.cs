using System.Globalization;
using System.Text.Json.Nodes;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms;

namespace Jiayi.Host.Components.Forms;

/// <summary>How answers and results read on screen and in print: option labels, units, dates as yyyy-MM-dd.</summary>
public static class ValueText
{
    public static string Of(Value value, FieldModel? field = null)
    {
        if (value.IsNull)
        {
            return "—";
        }

        if (field is not null && field.OptionsByCode.Count > 0)
        {
            return value.Kind == ValueKind.List
                ? string.Join("、", value.AsList.Select(c => field.OptionsByCode.TryGetValue(c, out var o) ? o.Label : c.ToString()))
                : field.OptionsByCode.TryGetValue(value, out var option) ? option.Label : value.ToString();
        }

        return value.Kind switch
        {
            ValueKind.Boolean => value.AsBoolean ? "是" : "否",
            ValueKind.Number => Number(value.AsNumber) + (field?.Unit is { } unit ? " " + unit : ""),
            _ => value.ToString(),
        };
    }

    /// <summary>A stored answer (JSON) as text, for the read-only view of a saved record.</summary>
    public static string Of(JsonNode? node, FieldModel field)
    {
        if (node is null)
        {
            return "—";
        }

        if (field.OptionsByCode.Count > 0)
        {
            IEnumerable<JsonNode?> codes = node is JsonArray array ? array : new[] { node };
            return string.Join("、", codes.Select(c => field.Options.FirstOrDefault(o => FormState.CodeKey(o.Code) == FormState.CodeKey(c))?.Label ?? c?.ToJsonString()));
        }

        return node switch
        {
            JsonValue v when v.TryGetValue<bool>(out var b) => b ? "是" : "否",
            JsonValue v when v.TryGetValue<decimal>(out var d) => Number(d) + (field.Unit is { } unit ? " " + unit : ""),
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => node.ToJsonString(),
        };
    }

    public static string Number(decimal number) => JsonValues.Normalize(number).ToString("#,0.##########", CultureInfo.InvariantCulture);
}
