namespace Jiayi.Data.Residents;

/// <summary>A resident, the subject of most records. Identifiers and contact details arrive with the residents module.</summary>
public sealed class Resident
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Name { get; set; }

    /// <summary>男 or 女.</summary>
    public required string Sex { get; set; }

    public required DateOnly BirthDate { get; set; }

    /// <summary>The managing institution or team.</summary>
    public required Guid OrgId { get; set; }

    public required string OrgPath { get; set; }

    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;
}
