using Jiayi.Data;
using Jiayi.Data.Access;
using Jiayi.Engine.Forms;
using Jiayi.Host.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Access;

/// <summary>A member of a group as the caller may see them.</summary>
public sealed record GroupMember(Guid Id, string UserName, string DisplayName);

/// <summary>A user group: its roles, the members in the caller's scope, and how many members it has in all.</summary>
public sealed record UserGroupView(Guid Id, string Name, string? Description, IReadOnlyList<NamedRef> Roles, IReadOnlyList<GroupMember> Members, int MemberCount);

/// <summary>What a client sends to create or change a group (roles and members are replaced as a whole).</summary>
public sealed record UserGroupInput(string? Name, string? Description, IReadOnlyList<Guid>? RoleIds, IReadOnlyList<Guid>? UserIds);

/// <summary>
/// User groups (W6.1): every member holds the group's roles (the access service unions them with the member's
/// own). A caller names members from their scope only; members outside it stay as they are, and a group that
/// has any cannot have its roles changed or be deleted by that caller. Granting follows the rule for users:
/// nobody hands out a permission they lack.
/// </summary>
public sealed class UserGroupService(IDbContextFactory<JiayiDbContext> databases)
{
    public async Task<IReadOnlyList<UserGroupView>> ListAsync(AccessInfo access, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var groups = await db.UserGroups.AsNoTracking().OrderBy(g => g.Name).ToListAsync(cancellationToken);
        return await ViewsAsync(db, access, groups, cancellationToken);
    }

    public async Task<UserGroupView> CreateAsync(AccessInfo access, UserGroupInput input, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var (name, roles, members) = await CheckAsync(db, access, input, cancellationToken);
        if (members.Count > 0)
        {
            RoleService.EnsureGrantable(access, roles);
        }

        var group = new UserGroup { Name = name, Description = Description(input) };
        db.UserGroups.Add(group);
        db.UserGroupRoles.AddRange(roles.Select(r => new UserGroupRole { GroupId = group.Id, RoleId = r.Id }));
        db.UserGroupMembers.AddRange(members.Select(u => new UserGroupMember { GroupId = group.Id, UserId = u }));
        await SaveUniqueAsync(db, group, cancellationToken);
        return (await ViewsAsync(db, access, [group], cancellationToken))[0];
    }

    public async Task<UserGroupView> UpdateAsync(AccessInfo access, Guid id, UserGroupInput input, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var group = await db.UserGroups.SingleOrDefaultAsync(g => g.Id == id, cancellationToken) ?? throw NotFound(id);
        var (name, roles, members) = await CheckAsync(db, access, input, cancellationToken);
        var currentRoles = await db.UserGroupRoles.Where(r => r.GroupId == id).ToListAsync(cancellationToken);
        var currentMembers = await db.UserGroupMembers.Where(m => m.GroupId == id).ToListAsync(cancellationToken);
        var currentIds = currentMembers.Select(m => m.UserId).ToList();
        var inScope = await MembersInScope(db, access).Where(u => currentIds.Contains(u.Id)).Select(u => u.Id).ToListAsync(cancellationToken);
        var roleIds = roles.Select(r => r.Id).ToHashSet();
        var removedRoles = currentRoles.Where(r => !roleIds.Contains(r.RoleId)).ToList();
        var addedRoles = roles.Where(r => !currentRoles.Exists(c => c.RoleId == r.Id)).ToList();
        var removedMembers = currentMembers.Where(m => inScope.Contains(m.UserId) && !members.Contains(m.UserId)).ToList();
        var addedMembers = members.Where(u => !currentMembers.Exists(m => m.UserId == u)).ToList();
        if ((removedRoles.Count > 0 || addedRoles.Count > 0) && currentMembers.Exists(m => !inScope.Contains(m.UserId)))
        {
            throw OutOfScope(group.Name, "修改其角色");
        }

        RoleService.EnsureGrantable(access, addedMembers.Count > 0 ? roles : addedRoles);
        group.Name = name;
        group.Description = Description(input);
        db.UserGroupRoles.RemoveRange(removedRoles);
        db.UserGroupRoles.AddRange(addedRoles.Select(r => new UserGroupRole { GroupId = id, RoleId = r.Id }));
        db.UserGroupMembers.RemoveRange(removedMembers);
        db.UserGroupMembers.AddRange(addedMembers.Select(u => new UserGroupMember { GroupId = id, UserId = u }));
        await SaveUniqueAsync(db, group, cancellationToken);
        return (await ViewsAsync(db, access, [group], cancellationToken))[0];
    }

    public async Task DeleteAsync(AccessInfo access, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var group = await db.UserGroups.SingleOrDefaultAsync(g => g.Id == id, cancellationToken) ?? throw NotFound(id);
        var members = await db.UserGroupMembers.Where(m => m.GroupId == id).ToListAsync(cancellationToken);
        var memberIds = members.Select(m => m.UserId).ToList();
        if (await MembersInScope(db, access).CountAsync(u => memberIds.Contains(u.Id), cancellationToken) < members.Count)
        {
            throw OutOfScope(group.Name, "删除");
        }

        db.UserGroupMembers.RemoveRange(members);
        db.UserGroupRoles.RemoveRange(await db.UserGroupRoles.Where(r => r.GroupId == id).ToListAsync(cancellationToken));
        db.UserGroups.Remove(group);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static IQueryable<AppUser> MembersInScope(JiayiDbContext db, AccessInfo access)
    {
        var scope = access.ScopePath;
        return db.Users.Where(u => db.Organizations.Any(o => o.Id == u.OrgId && o.Path.StartsWith(scope)));
    }

    private static async Task<(string Name, List<Role> Roles, List<Guid> Members)> CheckAsync(JiayiDbContext db, AccessInfo access, UserGroupInput input, CancellationToken cancellationToken)
    {
        var errors = new List<ValidationError>();
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors.Add(new ValidationError("/name", ErrorCodes.Required, "请填写用户组名称"));
        }
        else if (name.Length > 50)
        {
            errors.Add(new ValidationError("/name", ErrorCodes.MaxLength, "用户组名称不能超过 50 个字"));
        }

        if (input.Description is { Length: > 200 })
        {
            errors.Add(new ValidationError("/description", ErrorCodes.MaxLength, "说明不能超过 200 个字"));
        }

        var roles = await RoleService.FindAsync(db, input.RoleIds ?? [], errors, cancellationToken);

        var userIds = input.UserIds ?? [];
        var visible = await MembersInScope(db, access).Where(u => userIds.Contains(u.Id)).Select(u => u.Id).ToListAsync(cancellationToken);
        for (var i = 0; i < userIds.Count; i++)
        {
            if (!visible.Contains(userIds[i]))
            {
                errors.Add(new ValidationError($"/userIds/{i}", "not-found", $"用户“{userIds[i]}”不存在或不在您的管辖范围内"));
            }
        }

        if (errors.Count > 0)
        {
            throw ProblemException.Invalid(errors);
        }

        return (name!, roles, [.. userIds.Distinct()]);
    }

    private static async Task<IReadOnlyList<UserGroupView>> ViewsAsync(JiayiDbContext db, AccessInfo access, IReadOnlyList<UserGroup> groups, CancellationToken cancellationToken)
    {
        var ids = groups.Select(g => g.Id).ToList();
        var roles = await (from gr in db.UserGroupRoles
                           where ids.Contains(gr.GroupId)
                           join r in db.Roles on gr.RoleId equals r.Id
                           select new { gr.GroupId, r.Id, r.Name }).ToListAsync(cancellationToken);
        var counts = await db.UserGroupMembers.Where(m => ids.Contains(m.GroupId)).GroupBy(m => m.GroupId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var members = await (from m in db.UserGroupMembers
                             where ids.Contains(m.GroupId)
                             join u in MembersInScope(db, access) on m.UserId equals u.Id
                             orderby u.UserName
                             select new { m.GroupId, u.Id, u.UserName, u.DisplayName }).ToListAsync(cancellationToken);
        return [.. groups.Select(g => new UserGroupView(
            g.Id,
            g.Name,
            g.Description,
            [.. roles.Where(r => r.GroupId == g.Id).OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => new NamedRef(r.Id, r.Name))],
            [.. members.Where(m => m.GroupId == g.Id).Select(m => new GroupMember(m.Id, m.UserName ?? "", m.DisplayName))],
            counts.GetValueOrDefault(g.Id)))];
    }

    private static string? Description(UserGroupInput input) => string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim();

    private static async Task SaveUniqueAsync(JiayiDbContext db, UserGroup group, CancellationToken cancellationToken)
    {
        var name = group.Name;
        var id = group.Id;
        if (await db.UserGroups.AnyAsync(g => g.Name == name && g.Id != id, cancellationToken))
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

    private static ProblemException OutOfScope(string name, string what) =>
        new(StatusCodes.Status403Forbidden, "group-out-of-scope", "不能修改该用户组", $"用户组“{name}”有不在您管辖范围内的成员，您不能{what}");

    private static ProblemException Duplicate(string name) =>
        new(StatusCodes.Status409Conflict, "duplicate-group-name", "用户组名称已存在", $"已有名为“{name}”的用户组", [new ValidationError("/name", "duplicate", "该名称已被使用")]);

    internal static ProblemException NotFound(object id) =>
        new(StatusCodes.Status404NotFound, "user-group-not-found", "用户组不存在", $"没有编号为“{id}”的用户组");
}
