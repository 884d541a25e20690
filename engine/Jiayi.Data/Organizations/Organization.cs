namespace Jiayi.Data.Organizations;

/// <summary>
/// A node of the organisation tree: administrative divisions, health departments, institutions and
/// their teams. <see cref="Path"/> is the materialised path of codes (<c>/61/6104/610402/…/</c>), indexed,
/// so that data scope is a prefix filter.
/// </summary>
public sealed class Organization
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Code { get; set; }

    public required string Name { get; set; }

    /// <summary>See <see cref="OrganizationKinds"/>.</summary>
    public required string Kind { get; set; }

    public Guid? ParentId { get; set; }

    public required string Path { get; set; }
}

public static class OrganizationKinds
{
    public const string Division = "division";
    public const string HealthDepartment = "health-department";
    public const string Institution = "institution";
    public const string Team = "team";
}
