using System.Text.Json;
using System.Text.Json.Serialization;

namespace Jiayi.Engine.Forms;

// The friendly field list a configurator writes (definitions/forms/*.json), as checked by
// definitions/schemas/form.schema.json. Property order here is the canonical order of a stored
// definition; defaults (false, null) are never written.

public sealed record FormDefinition
{
    [JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    public required string Id { get; init; }

    public required string Title { get; init; }

    public string? Standard { get; init; }

    public string? Description { get; init; }

    public string? Subject { get; init; }

    /// <summary><c>record</c> (default) or <c>workflow</c>: see <see cref="FormPurposes"/>.</summary>
    public string? Purpose { get; init; }

    /// <summary>
    /// <c>true</c>: a large form the fill page shows one section at a time, with a section navigator;
    /// not set (the default): all sections on one page. Only how the form is shown, never what it records.
    /// </summary>
    public bool? Paged { get; init; }

    public string? OccurredOn { get; init; }

    public IReadOnlyList<string>? Notes { get; init; }

    public IReadOnlyList<ParameterDefinition>? Parameters { get; init; }

    public required IReadOnlyList<SectionDefinition> Sections { get; init; }

    public IReadOnlyList<ValidationDefinition>? Validations { get; init; }

    public IReadOnlyList<ScoreDefinition>? Scores { get; init; }

    public IReadOnlyList<OutcomeDefinition>? Outcomes { get; init; }

    public ScheduleDefinition? Schedule { get; init; }
}

public sealed record ParameterDefinition
{
    public required string Key { get; init; }

    public required string Label { get; init; }

    /// <summary><c>number</c>, <c>text</c>, <c>date</c> or <c>boolean</c>.</summary>
    public required string Type { get; init; }

    public required JsonElement Value { get; init; }

    public string? Unit { get; init; }

    /// <summary>A system parameter (e.g. <c>bp.sbp_target</c>) whose current value replaces <see cref="Value"/>.</summary>
    public string? System { get; init; }

    public string? Description { get; init; }
}

public sealed record SectionDefinition
{
    public required string Key { get; init; }

    public required string Title { get; init; }

    public string? Description { get; init; }

    public string? VisibleWhen { get; init; }

    public required IReadOnlyList<FieldDefinition> Fields { get; init; }
}

/// <summary>A field of a form, or a column of a repeating table (which has no columns of its own).</summary>
public sealed record FieldDefinition
{
    public required string Key { get; init; }

    public required string Label { get; init; }

    /// <summary>A field-type alias registered in <see cref="FieldTypes"/>.</summary>
    public required string Type { get; init; }

    public string? Unit { get; init; }

    public string? Help { get; init; }

    public string? Placeholder { get; init; }

    public string? Note { get; init; }

    public bool Required { get; init; }

    public string? VisibleWhen { get; init; }

    public string? RequiredWhen { get; init; }

    public string? Calculate { get; init; }

    public IReadOnlyList<FieldRuleDefinition>? Validate { get; init; }

    public decimal? Min { get; init; }

    public decimal? Max { get; init; }

    public int? Decimals { get; init; }

    public int? MaxLength { get; init; }

    public bool Multiline { get; init; }

    public IReadOnlyList<OptionDefinition>? Options { get; init; }

    public string? Display { get; init; }

    public IReadOnlyList<FieldDefinition>? Columns { get; init; }

    public int? MinRows { get; init; }

    public int? MaxRows { get; init; }
}

public sealed record OptionDefinition
{
    /// <summary>The national code printed on the paper form: a JSON integer or string.</summary>
    public required JsonElement Code { get; init; }

    public required string Label { get; init; }

    public decimal? Score { get; init; }

    public bool Exclusive { get; init; }

    public string? Help { get; init; }
}

public sealed record FieldRuleDefinition
{
    public string? Key { get; init; }

    public required string Rule { get; init; }

    public required string Message { get; init; }
}

public sealed record ValidationDefinition
{
    public required string Key { get; init; }

    public required string Rule { get; init; }

    public required string Message { get; init; }

    public required string Path { get; init; }
}

public sealed record ScoreDefinition
{
    public required string Key { get; init; }

    public required string Label { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<string>? Items { get; init; }

    public IReadOnlyList<string>? Reversed { get; init; }

    public string? Expression { get; init; }
}

public sealed record OutcomeDefinition
{
    public required string Key { get; init; }

    public required string Label { get; init; }

    public string? Description { get; init; }

    public string? Field { get; init; }

    public string? Score { get; init; }

    public IReadOnlyList<BandDefinition>? Bands { get; init; }

    public IReadOnlyList<CaseDefinition>? Cases { get; init; }

    public JsonElement? Otherwise { get; init; }

    public string? Expression { get; init; }
}

public sealed record BandDefinition
{
    /// <summary>Inclusive lower bound: a number or an expression such as <c>params.yes_min</c>.</summary>
    public JsonElement? Min { get; init; }

    /// <summary>Inclusive upper bound: a number or an expression.</summary>
    public JsonElement? Max { get; init; }

    public required JsonElement Value { get; init; }

    public string? Description { get; init; }
}

public sealed record CaseDefinition
{
    public required string When { get; init; }

    public required JsonElement Value { get; init; }

    public string? Description { get; init; }
}

public sealed record ScheduleDefinition
{
    public required string Key { get; init; }

    public required string Label { get; init; }

    public string? Field { get; init; }

    public required string From { get; init; }

    public required IReadOnlyList<IntervalDefinition> Intervals { get; init; }
}

public sealed record IntervalDefinition
{
    public string? When { get; init; }

    public JsonElement? Days { get; init; }

    public JsonElement? Months { get; init; }

    public required string Label { get; init; }
}

/// <summary>What a form is for: a service record of its own, or the form of a workflow transition only.</summary>
public static class FormPurposes
{
    public const string Record = "record";
    public const string Workflow = "workflow";

    public static bool IsRecord(FormDefinition definition) => definition?.Purpose is null or Record;
}

/// <summary>Source-generated (de)serialisation of definitions: trimming-safe for the WebAssembly apps.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    WriteIndented = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(FormDefinition))]
public sealed partial class DefinitionJsonContext : JsonSerializerContext;
