using System.Text.Json;
using System.Text.Json.Serialization;
using Jiayi.Engine.Definitions;

namespace Jiayi.Engine.Integrations;

/// <summary>
/// The service types package items name (<c>definitions/reference/service-types.json</c>) and how each is
/// fulfilled: by HIS visits of given kinds and ICD-10 diagnosis prefixes, or by hand.
/// </summary>
public sealed record ServiceTypesDefinition
{
    [JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    public required string Id { get; init; }

    public required string Title { get; init; }

    public IReadOnlyList<string>? Notes { get; init; }

    public required IReadOnlyList<ServiceType> Types { get; init; }

    public static ServiceTypesDefinition Parse(string json, string source)
    {
        var definition = DefinitionDocument.Parse(json, source, DefinitionSchema.ServiceTypes, ServiceTypesJsonContext.Default.ServiceTypesDefinition);
        var errors = definition.Types.Select((t, i) => (t, i)).GroupBy(x => x.t.Name, StringComparer.Ordinal).Where(g => g.Count() > 1)
            .Select(g => new DefinitionError(source, $"/types/{g.Last().i}/name", $"服务类型“{g.Key}”重复")).ToList();
        errors.AddRange(definition.Types.Select((t, i) => (t, i)).Where(x => x.t.Source == ServiceType.His && x.t.VisitKinds is not { Count: > 0 })
            .Select(x => new DefinitionError(source, $"/types/{x.i}/visitKinds", $"来源为 his 的服务类型“{x.t.Name}”须给出就诊类型 visitKinds")));
        return errors.Count > 0 ? throw new DefinitionException(errors) : definition;
    }

    public string ToCanonicalJson() => JsonSerializer.Serialize(this with { Schema = null }, Canonical.ServiceTypesDefinition);

    private static readonly ServiceTypesJsonContext Canonical = new(DefinitionDocument.CanonicalOptions(ServiceTypesJsonContext.Default.Options));

    public ServiceType? Find(string? name) => name is null ? null : Types.FirstOrDefault(t => t.Name == name);
}

public sealed record ServiceType
{
    public const string His = "his";
    public const string Manual = "manual";

    public required string Name { get; init; }

    public string? Description { get; init; }

    public required string Source { get; init; }

    public IReadOnlyList<string>? VisitKinds { get; init; }

    public IReadOnlyList<string>? Diagnoses { get; init; }

    /// <summary>Whether a HIS visit of this kind with these ICD-10 codes fulfils the type.</summary>
    public bool Matches(string visitKind, IEnumerable<string> diagnosisCodes)
    {
        ArgumentNullException.ThrowIfNull(diagnosisCodes);
        return Source == His
            && VisitKinds is { } kinds && kinds.Contains(visitKind)
            && (Diagnoses is not { Count: > 0 } prefixes || diagnosisCodes.Any(code => prefixes.Any(p => code.StartsWith(p, StringComparison.OrdinalIgnoreCase))));
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    WriteIndented = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(ServiceTypesDefinition))]
public sealed partial class ServiceTypesJsonContext : JsonSerializerContext;
