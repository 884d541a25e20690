using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Jiayi.Engine.Definitions;

/// <summary>
/// One of the engine's own definition schemas (definitions/schemas/*.schema.json, embedded in this
/// assembly), with JsonSchema.Net as the checker and Chinese, located messages for configurators.
/// Messages come from the schema itself (<c>x-message</c> beside a rule) or are built from the failed keyword.
/// </summary>
public sealed class DefinitionSchema
{
    private readonly JsonSchema _schema;
    private readonly JsonNode _document;

    private DefinitionSchema(string name, string text)
    {
        Name = name;
        _document = JsonNode.Parse(text) ?? throw new InvalidOperationException($"Schema {name} is empty.");
        _schema = JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
    }

    public string Name { get; }

    public static DefinitionSchema Form { get; } = Load("form");

    public static DefinitionSchema Parameters { get; } = Load("parameters");

    public static DefinitionSchema Divisions { get; } = Load("divisions");

    public static DefinitionSchema Workflow { get; } = Load("workflow");

    public static DefinitionSchema Programme { get; } = Load("programme");

    public static DefinitionSchema ServiceTypes { get; } = Load("service-types");

    private static DefinitionSchema Load(string name)
    {
        var resource = $"Jiayi.Schemas.{name}.schema.json";
        using var stream = typeof(DefinitionSchema).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded schema {resource} is missing.");
        using var reader = new StreamReader(stream);
        return new DefinitionSchema(name, reader.ReadToEnd());
    }

    /// <summary>Every problem of <paramref name="instance"/> against this schema; empty when it conforms.</summary>
    public IReadOnlyList<DefinitionError> Check(JsonElement instance, string source)
    {
        var results = _schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        if (results.IsValid)
        {
            return [];
        }

        var errors = new List<DefinitionError>();
        Collect(results, instance, source, errors);
        return [.. errors.Distinct()];
    }

    private void Collect(EvaluationResults node, JsonElement root, string source, List<DefinitionError> errors)
    {
        if (node.IsValid)
        {
            return;
        }

        var segments = Segments(node.EvaluationPath.ToString());
        var last = segments.Count > 0 ? segments[^1] : "";
        if (last is "if" or "not")
        {
            // A failed "if" only selects "else"; a "not" subschema that fails is the "not" passing.
            return;
        }

        var failingChildren = (node.Details ?? []).Where(child => !child.IsValid && !EndsWith(child, "if") && !EndsWith(child, "not")).ToList();
        var instance = node.InstanceLocation.ToString();
        if (node.Errors is { Count: > 0 })
        {
            foreach (var (keyword, _) in node.Errors)
            {
                errors.Add(new DefinitionError(source, instance, Explain(segments, keyword, instance, root)));
            }
        }
        else if (failingChildren.Count == 0)
        {
            errors.Add(new DefinitionError(source, instance, Explain(segments, "", instance, root)));
        }

        foreach (var child in failingChildren)
        {
            Collect(child, root, source, errors);
        }
    }

    private static bool EndsWith(EvaluationResults node, string segment) =>
        node.EvaluationPath.ToString().EndsWith("/" + segment, StringComparison.Ordinal);

    private static List<string> Segments(string pointer) =>
        [.. pointer.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];

    private string Explain(List<string> evaluationPath, string keyword, string instance, JsonElement root)
    {
        var trail = Walk(evaluationPath);
        // A message written beside the rule, nearest first, without leaving the current instance location.
        foreach (var (schemaNode, segment) in Enumerable.Reverse(trail))
        {
            if (schemaNode is JsonObject obj && obj["x-message"] is JsonValue message)
            {
                return message.GetValue<string>();
            }

            if (segment is "properties" or "items" or "additionalProperties" or "prefixItems")
            {
                break;
            }
        }

        var here = trail.Count > 0 ? trail[^1].Node as JsonObject : null;
        if (evaluationPath.Count > 0 && evaluationPath[^1] == "additionalProperties")
        {
            var name = instance[(instance.LastIndexOf('/') + 1)..];
            return $"不允许的属性“{name}”";
        }

        return keyword switch
        {
            "required" => $"缺少必填属性：{string.Join("、", Missing(here?["required"] as JsonArray, At(root, instance)))}",
            "type" => $"类型应为{TypeNames(here?["type"])}",
            "enum" => $"取值应为以下之一：{string.Join("、", (here?["enum"] as JsonArray ?? []).Select(n => n!.ToJsonString()))}",
            "const" => $"取值应为 {here?["const"]?.ToJsonString()}",
            "pattern" => "格式不正确",
            "minLength" => $"长度至少为 {here?["minLength"]}",
            "maxLength" => $"长度不能超过 {here?["maxLength"]}",
            "minimum" => $"不能小于 {here?["minimum"]}",
            "maximum" => $"不能大于 {here?["maximum"]}",
            "minItems" => $"至少需要 {here?["minItems"]} 项",
            "maxItems" => $"最多 {here?["maxItems"]} 项",
            "uniqueItems" => "不能有重复项",
            "oneOf" or "anyOf" => "不符合任何一种允许的写法",
            "not" => "不允许这种属性组合",
            _ => "不符合定义格式",
        };
    }

    private static IEnumerable<string> Missing(JsonArray? required, JsonElement? instance) =>
        (required ?? []).Select(n => n!.GetValue<string>())
            .Where(name => instance is not { ValueKind: JsonValueKind.Object } obj || !obj.TryGetProperty(name, out _));

    private static JsonElement? At(JsonElement root, string pointer)
    {
        JsonElement? current = root;
        foreach (var part in Segments(pointer))
        {
            current = current switch
            {
                { ValueKind: JsonValueKind.Object } obj when obj.TryGetProperty(part, out var child) => child,
                { ValueKind: JsonValueKind.Array } array when int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < array.GetArrayLength() => array[i],
                _ => null,
            };
        }

        return current;
    }

    private static string TypeNames(JsonNode? type)
    {
        IEnumerable<string> names = type switch
        {
            JsonArray array => array.Select(n => n!.GetValue<string>()),
            JsonValue value => [value.GetValue<string>()],
            _ => [],
        };
        return string.Join("或", names.Select(n => n switch
        {
            "string" => "文本",
            "integer" => "整数",
            "number" => "数值",
            "boolean" => "true/false",
            "array" => "数组",
            "object" => "对象",
            "null" => "null",
            _ => n,
        }));
    }

    /// <summary>
    /// Follows an evaluation path through the schema document, resolving local <c>$ref</c>s, and returns
    /// each schema node reached with the keyword that led to it.
    /// </summary>
    private List<(JsonNode? Node, string Segment)> Walk(List<string> path)
    {
        var trail = new List<(JsonNode?, string)>();
        JsonNode? current = _document;
        trail.Add((current, ""));
        for (var i = 0; i < path.Count && current is not null; i++)
        {
            var segment = path[i];
            if (segment == "$ref" && current["$ref"] is JsonValue reference)
            {
                current = Resolve(reference.GetValue<string>());
            }
            else if (current is JsonObject obj && obj.ContainsKey(segment))
            {
                current = obj[segment];
            }
            else if (current is JsonArray array && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < array.Count)
            {
                current = array[index];
            }
            else
            {
                // JsonSchema.Net repeats some applicator names (".../items/items/..."): stay where we are.
                continue;
            }

            trail.Add((current, segment));
        }

        return trail;
    }

    private JsonNode? Resolve(string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            return null;
        }

        JsonNode? node = _document;
        foreach (var part in Segments(reference[1..]))
        {
            node = node?[part];
        }

        return node;
    }
}
