namespace Jiayi.Data.Workflows;

/// <summary>
/// One stored version of a workflow definition; like forms, a published version never changes and every
/// instance stays on the version it started with.
/// </summary>
public sealed class WorkflowDefinitionVersion
{
    public required string WorkflowId { get; init; }

    public required int Version { get; init; }

    public required string Title { get; init; }

    /// <summary>The canonical definition text (see <c>WorkflowLoader.ToCanonicalJson</c>).</summary>
    public required string Content { get; init; }

    public required string ContentHash { get; init; }

    public required string Status { get; init; }

    public required string Source { get; init; }

    public required DateTime CreatedAt { get; init; }
}

/// <summary>
/// A running (or finished) workflow about one subject. The state lives here, in the row;
/// <see cref="Revision"/> is the optimistic-concurrency token, so of two fires at once exactly one commits.
/// </summary>
public sealed class WorkflowInstance
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string WorkflowId { get; init; }

    public required int WorkflowVersion { get; set; }

    public required string State { get; set; }

    /// <summary>What the instance is about, e.g. <c>contract</c>, and which one.</summary>
    public required string SubjectType { get; init; }

    public required Guid SubjectId { get; init; }

    /// <summary>A short Chinese description for lists (e.g. the resident and team of a contract).</summary>
    public required string Title { get; set; }

    /// <summary>Where the subject belongs: data scope applies to instances, their history and their work items.</summary>
    public required Guid OrgId { get; init; }

    public required string OrgPath { get; init; }

    /// <summary>False once a terminal state is reached.</summary>
    public bool IsOpen { get; set; } = true;

    public int Revision { get; set; }

    public DateTime StartedAt { get; init; } = DateTime.UtcNow;

    public DateTime UpdatedAt { get; set; } = DateTime.UtcNow;

    public DateTime? CompletedAt { get; set; }
}

/// <summary>One step of an instance: who fired what, when, from which state to which, with what comment and data.</summary>
public sealed class WorkflowHistoryEntry
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required Guid InstanceId { get; init; }

    public required int WorkflowVersion { get; init; }

    public required DateTime At { get; init; }

    /// <summary>Null when the system fired it (a timer).</summary>
    public Guid? UserId { get; init; }

    public required string UserName { get; init; }

    /// <summary>The actor's organisation (for the signing staff log by institution); null for the system.</summary>
    public Guid? ActorOrgId { get; init; }

    public string? ActorOrgPath { get; init; }

    /// <summary>The instance's organisation path, so that logs are scoped without a join.</summary>
    public required string OrgPath { get; init; }

    public required string SubjectType { get; init; }

    public required Guid SubjectId { get; init; }

    /// <summary>Null for the start of the instance.</summary>
    public string? FromState { get; init; }

    public required string ToState { get; init; }

    public required string Trigger { get; init; }

    /// <summary>The trigger's label at the time (e.g. 初审通过), so history reads the same after definitions change.</summary>
    public required string Label { get; init; }

    public string? FromName { get; init; }

    public required string ToName { get; init; }

    public string? Comment { get; init; }

    /// <summary>Answers of the transition's form (JSON), when it asks for one.</summary>
    public string? Data { get; init; }
}

/// <summary>
/// A to-do in someone's inbox (待办): created when an instance enters a state that waits for a person, for
/// the users who may fire its triggers; done (已办) when one of them fires, or cancelled when the instance
/// moves on otherwise.
/// </summary>
public sealed class WorkItem
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required Guid InstanceId { get; init; }

    public required string WorkflowId { get; init; }

    public required string State { get; init; }

    public required string Title { get; init; }

    /// <summary>The triggers that resolve it.</summary>
    public required List<string> Triggers { get; init; }

    public required string SubjectType { get; init; }

    public required Guid SubjectId { get; init; }

    public required string OrgPath { get; init; }

    /// <summary>pending, done or cancelled (see <see cref="WorkItemStatus"/>).</summary>
    public required string Status { get; set; }

    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;

    public DateTime? CompletedAt { get; set; }

    public Guid? CompletedBy { get; set; }

    public string? CompletedByName { get; set; }

    /// <summary>The label of the trigger that resolved it.</summary>
    public string? Outcome { get; set; }

    public string? Comment { get; set; }
}

public static class WorkItemStatus
{
    public const string Pending = "pending";
    public const string Done = "done";
    public const string Cancelled = "cancelled";
}

/// <summary>Who may act on a work item: resolved when it is created (role × data scope × approver expression).</summary>
public sealed class WorkItemAssignee
{
    public required Guid WorkItemId { get; init; }

    public required Guid UserId { get; init; }
}

/// <summary>A timer of an instance: fires its trigger once, at <see cref="DueAt"/>, unless the state it waits in is left first.</summary>
public sealed class WorkflowTimer
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required Guid InstanceId { get; init; }

    public required string TimerKey { get; init; }

    public required string Trigger { get; init; }

    /// <summary>The state the timer was started in; leaving it cancels the timer.</summary>
    public required string State { get; init; }

    public required DateTime DueAt { get; set; }

    /// <summary>scheduled, firing, fired, cancelled or failed (see <see cref="WorkflowTimerStatus"/>).</summary>
    public required string Status { get; set; }

    public DateTime? FiredAt { get; set; }

    public string? Message { get; set; }
}

public static class WorkflowTimerStatus
{
    public const string Scheduled = "scheduled";
    public const string Fired = "fired";
    public const string Cancelled = "cancelled";
    public const string Failed = "failed";
}

/// <summary>A message to one user (e.g. 续约提醒), shown in the web platform and pushed in real time.</summary>
public sealed class Notification
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required Guid UserId { get; init; }

    public required string Title { get; init; }

    public string? Message { get; init; }

    public string? Link { get; init; }

    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;

    public DateTime? ReadAt { get; set; }
}
