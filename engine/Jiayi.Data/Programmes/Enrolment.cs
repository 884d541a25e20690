namespace Jiayi.Data.Programmes;

/// <summary>
/// A resident's enrolment in a public-health programme (高血压、孕产妇 …) from a start date until stopped, with
/// the attributes the programme records (e.g. 末次月经). The follow-up plan is computed from it and the records.
/// </summary>
public sealed class Enrolment
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required Guid ResidentId { get; init; }

    public required string ProgrammeId { get; init; }

    public required DateOnly StartedOn { get; set; }

    public DateOnly? StoppedOn { get; set; }

    public string? StopReason { get; set; }

    /// <summary>manual, age or record (see <see cref="EnrolmentSources"/>).</summary>
    public required string Source { get; init; }

    /// <summary>The record whose saving enrolled the resident (source record).</summary>
    public Guid? SourceRecordId { get; init; }

    /// <summary>The programme's enrolment attributes as a JSON object (jsonb on PostgreSQL).</summary>
    public string Attributes { get; set; } = "{}";

    public string? Note { get; set; }

    /// <summary>The resident's managing organisation path when enrolled: data scope.</summary>
    public required string OrgPath { get; set; }

    public Guid? CreatedBy { get; init; }

    public string? CreatedByName { get; init; }

    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;

    public DateTime UpdatedAt { get; set; } = DateTime.UtcNow;
}

public static class EnrolmentSources
{
    public const string Manual = "manual";
    public const string Age = "age";
    public const string Record = "record";
}
