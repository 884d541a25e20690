namespace Jiayi.Data.Organizations;

/// <summary>
/// A node of the organisation tree: administrative divisions (province → city → county → township →
/// village), health departments, medical institutions and their family-doctor teams. <see cref="Path"/> is
/// the materialised path of codes (<c>/61/6104/610402/…/</c>), indexed, so that data scope is a prefix filter.
/// </summary>
public sealed class Organization
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>Administrative division code (GB/T 2260, GB/T 10114), institution code, or a team's own code.</summary>
    public required string Code { get; set; }

    public required string Name { get; set; }

    /// <summary>See <see cref="OrganizationKinds"/>.</summary>
    public required string Kind { get; set; }

    /// <summary>Division level (省/市/县/乡/村), department level, or institution grade (三级/二级/一级/未定级).</summary>
    public string? Level { get; set; }

    /// <summary>Institution type (社区卫生服务中心, 乡镇卫生院, 村卫生室 …) or department type.</summary>
    public string? Category { get; set; }

    public int? Beds { get; set; }

    public string? Address { get; set; }

    public string? ContactPerson { get; set; }

    public string? ContactPhone { get; set; }

    public Guid? ParentId { get; set; }

    public required string Path { get; set; }

    public bool IsActive { get; set; } = true;

    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;

    public DateTime UpdatedAt { get; set; } = DateTime.UtcNow;
}

public static class OrganizationKinds
{
    public const string Division = "division";
    public const string HealthDepartment = "health-department";
    public const string Institution = "institution";
    public const string Team = "team";

    public static readonly IReadOnlyDictionary<string, string> Names = new Dictionary<string, string>
    {
        [Division] = "行政区划",
        [HealthDepartment] = "卫生部门",
        [Institution] = "医疗机构",
        [Team] = "家庭医生团队",
    };
}

/// <summary>A member of a family-doctor team; may have a user account.</summary>
public sealed class TeamMember
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required Guid TeamId { get; set; }

    public Guid? UserId { get; set; }

    public required string Name { get; set; }

    /// <summary>家庭医生, 护士, 公共卫生人员, 专科医生, 药师, 健康管理师, 其他 (see <see cref="TeamRoles"/>).</summary>
    public required string Role { get; set; }

    public bool IsLeader { get; set; }

    public string? Phone { get; set; }
}

public static class TeamRoles
{
    public static readonly IReadOnlyList<string> All = ["家庭医生", "护士", "公共卫生人员", "专科医生", "药师", "健康管理师", "心理咨询师", "社工", "其他"];
}
