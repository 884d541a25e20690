using System.Text.Json.Serialization;
using Jiayi.Engine.Forms;

namespace Jiayi.Engine.Workflows;

/// <summary>
/// A workflow as written in <c>definitions/workflows/*.json</c> (checked against
/// <c>definitions/schemas/workflow.schema.json</c>): a state machine whose transitions say who may fire
/// them, and whose states and transitions carry actions (work items, notifications, timers, host handlers).
/// See docs/definitions/workflows.md.
/// </summary>
public sealed record WorkflowDefinition
{
    [JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    public required string Id { get; init; }

    public required string Title { get; init; }

    public string? Description { get; init; }

    /// <summary>What an instance is about (see <see cref="WorkflowSubjects"/>).</summary>
    public required string Subject { get; init; }

    public required string Initial { get; init; }

    public IReadOnlyList<string>? Notes { get; init; }

    public IReadOnlyList<ParameterDefinition>? Parameters { get; init; }

    public required IReadOnlyList<StateDefinition> States { get; init; }

    public required IReadOnlyList<TransitionDefinition> Transitions { get; init; }

    public IReadOnlyList<TimerDefinition>? Timers { get; init; }
}

public sealed record StateDefinition
{
    public required string Key { get; init; }

    public required string Name { get; init; }

    public string? Description { get; init; }

    public bool Terminal { get; init; }

    public IReadOnlyList<ActionDefinition>? OnEnter { get; init; }
}

public sealed record TransitionDefinition
{
    public required string Trigger { get; init; }

    public required string Label { get; init; }

    public required IReadOnlyList<string> From { get; init; }

    public string? To { get; init; }

    public bool Internal { get; init; }

    public bool System { get; init; }

    public IReadOnlyList<string>? Roles { get; init; }

    public string? Approver { get; init; }

    public string? Guard { get; init; }

    public string? GuardMessage { get; init; }

    public bool CommentRequired { get; init; }

    public string? Form { get; init; }

    public string? Style { get; init; }

    public IReadOnlyList<ActionDefinition>? Actions { get; init; }
}

public sealed record ActionDefinition
{
    /// <summary><c>workItem</c>, <c>notify</c>, <c>timer</c>, <c>invoke</c>, <c>send</c> or <c>followup</c>.</summary>
    public required string Type { get; init; }

    public string? Title { get; init; }

    public IReadOnlyList<string>? Triggers { get; init; }

    public string? To { get; init; }

    public string? Message { get; init; }

    public string? Timer { get; init; }

    public string? Handler { get; init; }

    public string? Integration { get; init; }

    public string? Form { get; init; }

    public string? Resident { get; init; }

    public string? Due { get; init; }
}

public sealed record TimerDefinition
{
    public required string Key { get; init; }

    public required string Label { get; init; }

    public required string At { get; init; }

    public required string Trigger { get; init; }
}

/// <summary>Source-generated (de)serialisation of workflow definitions.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    WriteIndented = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(WorkflowDefinition))]
public sealed partial class WorkflowJsonContext : JsonSerializerContext;
