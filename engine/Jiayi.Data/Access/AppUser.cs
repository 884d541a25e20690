using Microsoft.AspNetCore.Identity;

namespace Jiayi.Data.Access;

/// <summary>A user account (ASP.NET Core Identity), placed in the organisation tree.</summary>
public sealed class AppUser : IdentityUser<Guid>
{
    public AppUser()
    {
        Id = Guid.CreateVersion7();
        SecurityStamp = Guid.NewGuid().ToString("N");
    }

    public required string DisplayName { get; set; }

    /// <summary>See <see cref="UserTypes"/>.</summary>
    public required string UserType { get; set; }

    /// <summary>The organisation node the user belongs to (a health department, institution …).</summary>
    public required Guid OrgId { get; set; }

    /// <summary>The family-doctor team, for team members: their data scope is the team.</summary>
    public Guid? TeamId { get; set; }

    public bool IsActive { get; set; } = true;

    public DateTime? PasswordChangedAt { get; set; }

    /// <summary>Set by an administrator's reset: the user must choose a new password at next login.</summary>
    public bool MustChangePassword { get; set; }

    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;
}

public static class UserTypes
{
    public const string Supervisor = "supervisor";
    public const string Service = "service";
    public const string Operations = "operations";

    public static readonly IReadOnlyDictionary<string, string> Names = new Dictionary<string, string>
    {
        [Supervisor] = "监管用户",
        [Service] = "服务用户",
        [Operations] = "运维用户",
    };
}

/// <summary>A role: a named set of permissions from the catalogue, editable at run time.</summary>
public sealed class Role
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Name { get; set; }

    public string? Description { get; set; }

    public List<string> Permissions { get; set; } = [];

    /// <summary>Holders must sign in with a second factor (TOTP), as 等保 level 3 asks of administrators.</summary>
    public bool RequiresTwoFactor { get; set; }

    /// <summary>Built in (e.g. 系统管理员): can be edited but not deleted.</summary>
    public bool IsSystem { get; set; }
}

public sealed class UserRole
{
    public required Guid UserId { get; init; }

    public required Guid RoleId { get; init; }
}

/// <summary>A group of users that receives roles together.</summary>
public sealed class UserGroup
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Name { get; set; }

    public string? Description { get; set; }
}

public sealed class UserGroupMember
{
    public required Guid GroupId { get; init; }

    public required Guid UserId { get; init; }
}

public sealed class UserGroupRole
{
    public required Guid GroupId { get; init; }

    public required Guid RoleId { get; init; }
}
