using System.Text.Json;
using System.Text.Json.Serialization;
using Jiayi.Engine.Forms;

namespace Jiayi.Engine.Programmes;

/// <summary>
/// A public-health programme (管理项目) as written in <c>definitions/programmes/*.json</c> (checked against
/// <c>definitions/schemas/programme.schema.json</c>): who is enrolled, what is recorded on the enrolment, and the
/// follow-up plan — each service, the form that fulfils it and when it is due. See docs/definitions/programmes.md.
/// </summary>
public sealed record ProgrammeDefinition
{
    [JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    public required string Id { get; init; }

    public required string Title { get; init; }

    public string? Standard { get; init; }

    public string? Description { get; init; }

    /// <summary>The key-population tag (十类重点人群) the programme manages.</summary>
    public string? Population { get; init; }

    /// <summary>Where the programme appears in lists.</summary>
    public int Order { get; init; }

    public IReadOnlyList<string>? Notes { get; init; }

    public IReadOnlyList<ParameterDefinition>? Parameters { get; init; }

    public required EnrolmentDefinition Enrolment { get; init; }

    public IReadOnlyList<AttributeDefinition>? Attributes { get; init; }

    public required IReadOnlyList<ServiceDefinition> Services { get; init; }
}

public sealed record EnrolmentDefinition
{
    /// <summary><c>manual</c> or <c>age</c> (see <see cref="EnrolmentModes"/>).</summary>
    public required string Mode { get; init; }

    public JsonElement? MinAge { get; init; }

    public JsonElement? MaxAge { get; init; }

    public IReadOnlyList<string>? EnrolOn { get; init; }

    public IReadOnlyList<string>? StopReasons { get; init; }
}

public static class EnrolmentModes
{
    public const string Manual = "manual";
    public const string Age = "age";
}

/// <summary>Something recorded on an enrolment (e.g. 末次月经), typed, possibly filled from a record.</summary>
public sealed record AttributeDefinition
{
    public required string Key { get; init; }

    public required string Label { get; init; }

    /// <summary>date, number or text.</summary>
    public required string Type { get; init; }

    public string? Help { get; init; }

    public bool Required { get; init; }

    public AttributeSource? From { get; init; }
}

public sealed record AttributeSource
{
    public required string Form { get; init; }

    public required string Field { get; init; }
}

/// <summary>One service of the plan: the form that fulfils it and exactly one way of scheduling it.</summary>
public sealed record ServiceDefinition
{
    public required string Key { get; init; }

    public required string Label { get; init; }

    public string? Description { get; init; }

    public required string Form { get; init; }

    /// <summary>The date the plan counts from (an expression); default <c>enrolment.start</c>.</summary>
    public string? Anchor { get; init; }

    public WindowDefinition? Window { get; init; }

    public RepeatDefinition? Repeat { get; init; }

    public IReadOnlyList<PointDefinition>? Points { get; init; }

    public PeriodicDefinition? Periodic { get; init; }
}

public sealed record WindowDefinition
{
    public int? Before { get; init; }

    public int? After { get; init; }
}

/// <summary>Years, months, weeks and days (each a number or an expression), added in that order.</summary>
public sealed record OffsetDefinition
{
    public JsonElement? Years { get; init; }

    public JsonElement? Months { get; init; }

    public JsonElement? Weeks { get; init; }

    public JsonElement? Days { get; init; }
}

/// <summary>A visit due again after each record: the first matching case sets the next date.</summary>
public sealed record RepeatDefinition
{
    public OffsetDefinition? First { get; init; }

    public required IReadOnlyList<NextDefinition> Next { get; init; }

    public string? StopWhen { get; init; }

    public IReadOnlyList<string>? Follows { get; init; }
}

public sealed record NextDefinition
{
    public string? When { get; init; }

    public required string Label { get; init; }

    public JsonElement? Years { get; init; }

    public JsonElement? Months { get; init; }

    public JsonElement? Weeks { get; init; }

    public JsonElement? Days { get; init; }

    /// <summary>A date field of the record that gives the due date (e.g. next_visit_date).</summary>
    public string? Field { get; init; }
}

/// <summary>A fixed point counted from the anchor (e.g. the 3-month child check).</summary>
public sealed record PointDefinition
{
    public required string Key { get; init; }

    public required string Label { get; init; }

    public string? Form { get; init; }

    public required OffsetDefinition At { get; init; }

    public WindowDefinition? Window { get; init; }

    public string? Match { get; init; }
}

/// <summary>So many records in every calendar year, quarter or month (e.g. the yearly elderly check).</summary>
public sealed record PeriodicDefinition
{
    /// <summary>year, quarter or month.</summary>
    public required string Period { get; init; }

    public int? Times { get; init; }
}

/// <summary>Source-generated (de)serialisation of programme definitions.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    WriteIndented = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(ProgrammeDefinition))]
public sealed partial class ProgrammeJsonContext : JsonSerializerContext;
