namespace Jiayi.Data.Records;

/// <summary>
/// A filled form: typed header columns for the queries every screen and report needs, the answers as a
/// JSON document (jsonb on PostgreSQL), and the scores and outcomes computed when it was saved.
/// </summary>
public sealed class FormRecord
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string FormId { get; init; }

    /// <summary>The definition version the record was filled in; it is always shown and validated with it.</summary>
    public required int FormVersion { get; init; }

    public Guid? SubjectId { get; init; }

    public Guid? OrgId { get; init; }

    public string? OrgPath { get; init; }

    public Guid? AuthorId { get; init; }

    public string? AuthorName { get; init; }

    public DateOnly? OccurredOn { get; set; }

    public required string Status { get; set; }

    public required string Data { get; set; }

    public required string Scores { get; set; }

    public required string Outcomes { get; set; }

    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;

    public DateTime UpdatedAt { get; set; } = DateTime.UtcNow;
}

public static class RecordStatus
{
    public const string Submitted = "submitted";
}
