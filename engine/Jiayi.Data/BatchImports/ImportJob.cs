namespace Jiayi.Data.BatchImports;

/// <summary>A batch import running in the background, with the progress a page shows and its per-row errors.</summary>
public sealed class ImportJob
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>residents, institutions …</summary>
    public required string Kind { get; init; }

    public required string FileName { get; init; }

    /// <summary>queued, running, completed, failed.</summary>
    public required string Status { get; set; }

    public int Total { get; set; }

    public int Processed { get; set; }

    public int Imported { get; set; }

    public int Skipped { get; set; }

    public int Failed { get; set; }

    public string? Message { get; set; }

    public Guid? CreatedBy { get; init; }

    /// <summary>The scope the rows are imported into (the importing user's).</summary>
    public required string OrgPath { get; init; }

    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;

    public DateTime? FinishedAt { get; set; }
}

/// <summary>One refused (or skipped) row of an import: which row, which column, why.</summary>
public sealed class ImportJobError
{
    public long Id { get; init; }

    public required Guid JobId { get; init; }

    public required int Row { get; init; }

    public required string Column { get; init; }

    public required string Reason { get; init; }
}

public static class ImportStatus
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
}
