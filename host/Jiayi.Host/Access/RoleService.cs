using Jiayi.Data;
using Jiayi.Data.Access;
using Jiayi.Engine.Forms;
using Jiayi.Host.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Access;

/// <summary>A role with its permissions (codes and Chinese names) and how many users and groups hold it directly.</summary>
public sealed record RoleView(Guid Id, string Name, string? Description, IReadOnlyList<string> Permissions, IReadOnlyList<string> PermissionNames, bool RequiresTwoFactor, bool IsSystem, int UserCount, int GroupCount);

/// <summary>What a client sends to create or change a role; a missing <c>RequiresTwoFactor</c> keeps the current setting.</summary>
public sealed record RoleInput(string? Name, string? Description, IReadOnlyList<string>? Permissions, bool? RequiresTwoFactor);

public sealed record PermissionItem(string Code, string Name);

/// <summary>The permissions of one feature, as the role editor lists them.</summary>
public sealed record PermissionFeature(string Feature, IReadOnlyList<PermissionItem> Permissions);

/// <summary>
/// Roles (W6.1): named sets of permissions from the catalogue, global rather than scoped, changed by holders of
/// <see cref="AccessPermissions.RolesWrite"/> only. A change applies at the holders' next request.
/// Built-in roles keep their names (start-up finds them by name) and cannot be deleted.
/// </summary>
public sealed class RoleService(IDbContextFactory<JiayiDbContext> databases)
{
    public static IReadOnlyList<PermissionFeature> Catalogue() =>
    [
        .. PermissionCatalog.All.GroupBy(p => p.Feature).Select(g => new PermissionFeature(g.Key, [.. g.Select(p => new PermissionItem(p.Code, p.Name))])),
    ];

    /// <summary>
    /// Refuses (403) to grant roles — to a user or, through a group, to its members — that hold a permission the
    /// caller lacks: nobody hands out more than they have.
    /// </summary>
    public static void EnsureGrantable(AccessInfo access, IEnumerable<Role> roles)
    {
        ArgumentNullException.ThrowIfNull(access);
        var beyond = roles.Where(r => r.Permissions.Exists(p => !access.Has(p))).ToList();
        if (beyond.Count > 0)
        {
            var missing = beyond.SelectMany(r => r.Permissions).Where(p => !access.Has(p)).Distinct().Select(PermissionCatalog.NameOf);
            throw new ProblemException(StatusCodes.Status403Forbidden, "grant-exceeds-own", "不能授予超出自己权限的角色",
                $"角色“{string.Join("、", beyond.Select(r => r.Name))}”含有您没有的权限：{string.Join("、", missing)}");
        }
    }

    public async Task<IReadOnlyList<RoleView>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var roles = await db.Roles.AsNoTracking().OrderBy(r => r.Name).ToListAsync(cancellationToken);
        var users = await db.UserRoles.GroupBy(r => r.RoleId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var groups = await db.UserGroupRoles.GroupBy(r => r.RoleId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        return [.. roles.Select(r => View(r, users.GetValueOrDefault(r.Id), groups.GetValueOrDefault(r.Id)))];
    }

    public async Task<RoleView> CreateAsync(RoleInput input, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var (name, permissions) = Check(input);
        var role = new Role { Name = name, Description = Description(input), Permissions = permissions, RequiresTwoFactor = input.RequiresTwoFactor ?? false };
        db.Roles.Add(role);
        await SaveUniqueAsync(db, role, cancellationToken);
        return View(role, 0, 0);
    }

    public async Task<RoleView> UpdateAsync(Guid id, RoleInput input, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var role = await db.Roles.SingleOrDefaultAsync(r => r.Id == id, cancellationToken) ?? throw NotFound(id);
        var (name, permissions) = Check(input);
        if (role.IsSystem && name != role.Name)
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "system-role-name", "不能修改内置角色的名称", $"“{role.Name}”是内置角色，可以修改权限和说明，但不能改名",
                [new ValidationError("/name", "system-role", "内置角色不能改名")]);
        }

        role.Name = name;
        role.Description = Description(input);
        role.Permissions = permissions;
        role.RequiresTwoFactor = input.RequiresTwoFactor ?? role.RequiresTwoFactor;
        await SaveUniqueAsync(db, role, cancellationToken);
        return View(role, await db.UserRoles.CountAsync(r => r.RoleId == id, cancellationToken), await db.UserGroupRoles.CountAsync(r => r.RoleId == id, cancellationToken));
    }

    public async Task DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var role = await db.Roles.SingleOrDefaultAsync(r => r.Id == id, cancellationToken) ?? throw NotFound(id);
        if (role.IsSystem)
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "system-role", "不能删除内置角色", $"“{role.Name}”是内置角色，不能删除");
        }

        var users = await db.UserRoles.CountAsync(r => r.RoleId == id, cancellationToken);
        var groups = await db.UserGroupRoles.CountAsync(r => r.RoleId == id, cancellationToken);
        if (users + groups > 0)
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "role-in-use", "角色仍在使用", $"角色“{role.Name}”仍授予 {users} 个用户、{groups} 个用户组：请先收回再删除");
        }

        db.Roles.Remove(role);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static (string Name, List<string> Permissions) Check(RoleInput input)
    {
        var errors = new List<ValidationError>();
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors.Add(new ValidationError("/name", ErrorCodes.Required, "请填写角色名称"));
        }
        else if (name.Length > 50)
        {
            errors.Add(new ValidationError("/name", ErrorCodes.MaxLength, "角色名称不能超过 50 个字"));
        }

        if (input.Description is { Length: > 200 })
        {
            errors.Add(new ValidationError("/description", ErrorCodes.MaxLength, "说明不能超过 200 个字"));
        }

        var permissions = new List<string>();
        if (input.Permissions is not { } codes)
        {
            errors.Add(new ValidationError("/permissions", ErrorCodes.Required, "请选择权限（permissions，可为空数组）"));
        }
        else
        {
            for (var i = 0; i < codes.Count; i++)
            {
                if (!PermissionCatalog.Codes.Contains(codes[i]))
                {
                    errors.Add(new ValidationError($"/permissions/{i}", ErrorCodes.Enum, $"未知的权限代码“{codes[i]}”"));
                }
                else if (!permissions.Contains(codes[i]))
                {
                    permissions.Add(codes[i]);
                }
            }
        }

        if (errors.Count > 0)
        {
            throw ProblemException.Invalid(errors);
        }

        permissions.Sort(StringComparer.Ordinal);
        return (name!, permissions);
    }

    /// <summary>The roles named by id, each once; an unknown id is an error at its index (<c>/roleIds/{i}</c>).</summary>
    internal static async Task<List<Role>> FindAsync(JiayiDbContext db, IReadOnlyList<Guid> roleIds, List<ValidationError> errors, CancellationToken cancellationToken)
    {
        var roles = new List<Role>();
        var found = await db.Roles.AsNoTracking().Where(r => roleIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, cancellationToken);
        for (var i = 0; i < roleIds.Count; i++)
        {
            if (!found.TryGetValue(roleIds[i], out var role))
            {
                errors.Add(new ValidationError($"/roleIds/{i}", "not-found", $"角色“{roleIds[i]}”不存在"));
            }
            else if (!roles.Contains(role))
            {
                roles.Add(role);
            }
        }

        return roles;
    }

    private static string? Description(RoleInput input) => string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim();

    /// <summary>Saves, turning a clash on the unique name (checked first, or raced) into a 409.</summary>
    private static async Task SaveUniqueAsync(JiayiDbContext db, Role role, CancellationToken cancellationToken)
    {
        var name = role.Name;
        var id = role.Id;
        if (await db.Roles.AnyAsync(r => r.Name == name && r.Id != id, cancellationToken))
        {
            throw Duplicate(name);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw Duplicate(name);
        }
    }

    private static ProblemException Duplicate(string name) =>
        new(StatusCodes.Status409Conflict, "duplicate-role-name", "角色名称已存在", $"已有名为“{name}”的角色", [new ValidationError("/name", "duplicate", "该名称已被使用")]);

    internal static ProblemException NotFound(object id) =>
        new(StatusCodes.Status404NotFound, "role-not-found", "角色不存在", $"没有编号为“{id}”的角色");

    private static RoleView View(Role r, int users, int groups) =>
        new(r.Id, r.Name, r.Description, r.Permissions, [.. r.Permissions.Select(PermissionCatalog.NameOf)], r.RequiresTwoFactor, r.IsSystem, users, groups);
}
