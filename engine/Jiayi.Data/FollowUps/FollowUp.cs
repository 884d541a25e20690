namespace Jiayi.Data.FollowUps;

/// <summary>
/// A follow-up due for a resident with a given form (e.g. the first hypertension visit after signing),
/// scheduled by a workflow's <c>followup</c> action; done when a record of that form for that resident is saved.
/// </summary>
public sealed class FollowUp
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required Guid ResidentId { get; init; }

    public required string FormId { get; init; }

    public required DateOnly DueOn { get; init; }

    public required string Title { get; init; }

    /// <summary>The resident's managing organisation path: data scope.</summary>
    public required string OrgPath { get; init; }

    /// <summary>pending, done or cancelled (see <see cref="FollowUpStatus"/>).</summary>
    public required string Status { get; set; }

    /// <summary>The workflow instance whose step scheduled it.</summary>
    public Guid? SourceInstanceId { get; init; }

    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;

    public Guid? DoneRecordId { get; set; }

    public DateTime? CompletedAt { get; set; }
}

public static class FollowUpStatus
{
    public const string Pending = "pending";
    public const string Done = "done";
    public const string Cancelled = "cancelled";
}
