using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Jiayi.Engine.Definitions;
using Jiayi.Engine.Expressions;

namespace Jiayi.Engine.Parameters;

/// <summary>One declared system parameter: what it is, its type, range and default.</summary>
public sealed record ParameterDeclaration
{
    public required string Key { get; init; }

    public required string Label { get; init; }

    public string? Description { get; init; }

    /// <summary><c>integer</c>, <c>number</c>, <c>text</c> or <c>boolean</c>.</summary>
    public required string Type { get; init; }

    public string? Unit { get; init; }

    public required JsonElement Default { get; init; }

    public decimal? Min { get; init; }

    public decimal? Max { get; init; }

    public int? MaxLength { get; init; }

    public bool Multiline { get; init; }

    /// <summary>The group it is shown in (set from the file's groups).</summary>
    [JsonIgnore]
    public string Group { get; init; } = "";
}

internal sealed record ParameterGroupDefinition
{
    public required string Key { get; init; }

    public required string Title { get; init; }

    public required IReadOnlyList<ParameterDeclaration> Parameters { get; init; }
}

internal sealed record ParameterFile
{
    [JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    public required IReadOnlyList<ParameterGroupDefinition> Groups { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(ParameterFile))]
internal sealed partial class ParameterJsonContext : JsonSerializerContext;

/// <summary>
/// The catalogue of system parameters (definitions/parameters/*.json): checked against
/// definitions/schemas/parameters.schema.json, keys unique, defaults within range. Values are checked
/// against it before they are stored.
/// </summary>
public sealed class ParameterCatalog
{
    private ParameterCatalog(IReadOnlyList<ParameterDeclaration> parameters, IReadOnlyList<(string Key, string Title)> groups)
    {
        Parameters = parameters;
        Groups = groups;
        ByKey = parameters.ToFrozenDictionary(p => p.Key, StringComparer.Ordinal);
    }

    public IReadOnlyList<ParameterDeclaration> Parameters { get; }

    public IReadOnlyList<(string Key, string Title)> Groups { get; }

    public FrozenDictionary<string, ParameterDeclaration> ByKey { get; }

    /// <summary>Loads catalogue files; throws <see cref="DefinitionException"/> listing every problem.</summary>
    public static ParameterCatalog Load(IEnumerable<(string Json, string Source)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var errors = new List<DefinitionError>();
        var parameters = new List<ParameterDeclaration>();
        var groups = new List<(string, string)>();
        foreach (var (json, source) in files)
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(json);
            }
            catch (JsonException e)
            {
                errors.Add(new DefinitionError(source, "", $"不是有效的 JSON（第 {e.LineNumber + 1} 行）：{e.Message}"));
                continue;
            }

            using (document)
            {
                var problems = DefinitionSchema.Parameters.Check(document.RootElement, source);
                if (problems.Count > 0)
                {
                    errors.AddRange(problems);
                    continue;
                }

                var file = document.RootElement.Deserialize(ParameterJsonContext.Default.ParameterFile)!;
                for (var g = 0; g < file.Groups.Count; g++)
                {
                    var group = file.Groups[g];
                    groups.Add((group.Key, group.Title));
                    for (var i = 0; i < group.Parameters.Count; i++)
                    {
                        var p = group.Parameters[i] with { Group = group.Key };
                        var pointer = $"/groups/{g}/parameters/{i}";
                        if (parameters.Exists(x => x.Key == p.Key))
                        {
                            errors.Add(new DefinitionError(source, pointer + "/key", $"参数代码“{p.Key}”重复"));
                            continue;
                        }

                        if (Check(p, p.Default) is { } problem)
                        {
                            errors.Add(new DefinitionError(source, pointer + "/default", $"默认值不合格：{problem}"));
                            continue;
                        }

                        parameters.Add(p);
                    }
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new DefinitionException(errors);
        }

        return new ParameterCatalog(parameters, groups);
    }

    /// <summary>Why a value does not fit the declaration (Chinese), or null when it fits.</summary>
    public static string? Check(ParameterDeclaration declaration, JsonElement value)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        switch (declaration.Type)
        {
            case "integer" or "number":
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var number))
                {
                    return $"“{declaration.Label}”应为数值";
                }

                if (declaration.Type == "integer" && number != decimal.Truncate(number))
                {
                    return $"“{declaration.Label}”应为整数";
                }

                if ((declaration.Min is { } min && number < min) || (declaration.Max is { } max && number > max))
                {
                    return string.Create(CultureInfo.InvariantCulture, $"“{declaration.Label}”应在 {declaration.Min}～{declaration.Max}{declaration.Unit} 之间");
                }

                return null;
            case "text":
                if (value.ValueKind != JsonValueKind.String)
                {
                    return $"“{declaration.Label}”应为文本";
                }

                var text = value.GetString()!;
                if (text.Length == 0)
                {
                    return $"“{declaration.Label}”不能为空";
                }

                return declaration.MaxLength is { } length && text.Length > length ? $"“{declaration.Label}”不能超过 {length} 个字" : null;
            case "boolean":
                return value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : $"“{declaration.Label}”应为 true 或 false";
            default:
                return $"未知的参数类型 {declaration.Type}";
        }
    }

    /// <summary>A stored JSON value as an engine value, for expressions.</summary>
    public static Value ToValue(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Number => Value.Number(json.GetDecimal()),
        JsonValueKind.String => Value.Text(json.GetString()),
        JsonValueKind.True => Value.True,
        JsonValueKind.False => Value.False,
        _ => Value.Null,
    };
}
