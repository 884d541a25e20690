using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms;

namespace Jiayi.Host.Components.Forms;

/// <summary>
/// What a page holds while a form is filled: the answers as JSON (exactly what the API would receive, so
/// the page and the API are validated by the same path), which fields the user has touched, and the
/// latest evaluation.
/// </summary>
public sealed class FormState(CompiledForm form, JsonObject data)
{
    public CompiledForm Form { get; } = form;

    public JsonObject Data { get; } = data;

    public HashSet<string> Touched { get; } = new(StringComparer.Ordinal);

    public bool ShowAllErrors { get; set; }

    public EvaluationResult? Result { get; private set; }

    public void Evaluate(EvaluationContext context) => Result = Form.Evaluate(JsonSerializer.SerializeToElement(Data), context);

    public IEnumerable<ValidationError> ErrorsAt(string path) =>
        Result?.Errors.Where(e => e.Path == path || e.Path.StartsWith(path + "/", StringComparison.Ordinal)) ?? [];

    public bool ShowErrorsOf(string key) => ShowAllErrors || Touched.Contains(key);

    public static string CodeKey(Value code) => code.ToString();

    /// <summary>The JSON form of a value, as the API expects it.</summary>
    public static JsonNode? ToJson(Value value) => JsonValues.ToNode(value);

    public static string? CodeKey(JsonNode? node) => node switch
    {
        null => null,
        JsonValue value when value.TryGetValue<decimal>(out var number) => Value.Number(number).ToString(),
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => node.ToJsonString(),
    };

    public static decimal? Number(JsonNode? node) => node is JsonValue value && value.TryGetValue<decimal>(out var number) ? number : null;

    public static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static DateOnly? Date(JsonNode? node) => JsonValues.TryParseDate(Text(node), out var date) ? date : null;

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
