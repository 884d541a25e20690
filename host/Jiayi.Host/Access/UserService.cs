using System.Text.RegularExpressions;
using Jiayi.Data;
using Jiayi.Data.Access;
using Jiayi.Data.Audit;
using Jiayi.Data.Organizations;
using Jiayi.Engine.Forms;
using Jiayi.Host.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Access;

/// <summary>A role or group as a user's detail names it.</summary>
public sealed record NamedRef(Guid Id, string Name);

/// <summary>A user account as lists and detail pages show it (never the password or keys).</summary>
public sealed record UserView(
    Guid Id,
    string UserName,
    string DisplayName,
    string UserType,
    string UserTypeName,
    Guid OrgId,
    string OrgName,
    Guid? TeamId,
    string? TeamName,
    bool IsActive,
    bool TwoFactorEnabled,
    bool LockedOut,
    bool MustChangePassword,
    IReadOnlyList<NamedRef> Roles,
    IReadOnlyList<NamedRef> Groups,
    DateTime? PasswordChangedAt);

public sealed record UserPage(IReadOnlyList<UserView> Items, int Total, int Page, int PageSize);

/// <summary>What a client sends to create (<c>UserName</c>, <c>Password</c>) or change (<c>IsActive</c>) a user.</summary>
public sealed record UserInput(string? UserName, string? DisplayName, string? UserType, Guid? OrgId, Guid? TeamId, IReadOnlyList<Guid>? RoleIds, string? Password = null, bool? IsActive = null);

/// <summary>A new user, with the generated password when none was given (shown this once only).</summary>
public sealed record CreatedUser(UserView User, string? InitialPassword);

/// <summary>
/// User accounts (W6.1) within the caller's data scope (the subtree of their organisation). Nobody grants
/// a role holding permissions they lack, or manages an account that can do more than they can; nobody
/// disables or demotes themself. Every change is one save, so it and its log entry stand or fall together,
/// and it applies at the user's next request (permissions are read per request).
/// </summary>
public sealed partial class UserService(IDbContextFactory<JiayiDbContext> databases, UserManager<AppUser> users, Clock clock)
{
    public async Task<UserPage> ListAsync(AccessInfo access, string? q, Guid? orgId, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var scope = access.ScopePath;
        var subtree = scope;
        if (orgId is { } filter)
        {
            subtree = await db.Organizations.Where(o => o.Id == filter && o.Path.StartsWith(scope)).Select(o => o.Path).SingleOrDefaultAsync(cancellationToken)
                ?? throw ProblemException.Invalid("/orgId", "not-found", "机构不存在或不在您的管辖范围内");
        }

        var rows = from u in db.Users.AsNoTracking()
                   join o in db.Organizations on u.OrgId equals o.Id
                   where o.Path.StartsWith(subtree)
                   select new UserRow { User = u, OrgName = o.Name };
        if (q is { Length: > 0 })
        {
            var upper = q.ToUpperInvariant();
            rows = rows.Where(r => r.User.NormalizedUserName!.Contains(upper) || r.User.DisplayName.Contains(q));
        }

        var total = await rows.CountAsync(cancellationToken);
        var items = await rows.OrderBy(r => r.User.UserName).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return new UserPage(await ViewsAsync(db, items, cancellationToken), total, page, pageSize);
    }

    public async Task<UserView> GetAsync(AccessInfo access, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var row = await InScope(db, access).AsNoTracking().SingleOrDefaultAsync(r => r.User.Id == id, cancellationToken) ?? throw NotFound(id);
        return (await ViewsAsync(db, [row], cancellationToken))[0];
    }

    public async Task<CreatedUser> CreateAsync(AccessInfo access, UserInput input, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var errors = new List<ValidationError>();
        var userName = input.UserName?.Trim();
        if (string.IsNullOrEmpty(userName))
        {
            errors.Add(new ValidationError("/userName", ErrorCodes.Required, "请填写用户名"));
        }
        else if (!UserNamePattern().IsMatch(userName))
        {
            errors.Add(new ValidationError("/userName", ErrorCodes.Pattern, "用户名应为 3～32 位字母、数字或 . _ @ -"));
        }

        var user = new AppUser { UserName = userName, DisplayName = "", UserType = "", OrgId = Guid.Empty, PasswordChangedAt = clock.UtcNow };
        var checkedInput = await CheckAsync(db, access, input, errors, cancellationToken);
        if (input.Password is { } given)
        {
            foreach (var validator in users.PasswordValidators)
            {
                var result = await validator.ValidateAsync(users, user, given);
                foreach (var reason in result.Errors.Select(e => new ValidationError("/password", "password-policy", e.Description)))
                {
                    if (!errors.Contains(reason))
                    {
                        errors.Add(reason);
                    }
                }
            }
        }

        if (errors.Count > 0)
        {
            throw ProblemException.Invalid(errors);
        }

        RoleService.EnsureGrantable(access, checkedInput.Roles);
        var normalized = users.NormalizeName(userName);
        if (await db.Users.AnyAsync(u => u.NormalizedUserName == normalized, cancellationToken))
        {
            throw Duplicate(userName!);
        }

        var password = input.Password ?? AccessBootstrap.RandomPassword();
        user.NormalizedUserName = normalized;
        user.MustChangePassword = input.Password is null;
        user.PasswordHash = users.PasswordHasher.HashPassword(user, password);
        Apply(user, checkedInput);
        db.Users.Add(user);
        db.UserRoles.AddRange(checkedInput.Roles.Select(r => new UserRole { UserId = user.Id, RoleId = r.Id }));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw Duplicate(userName!);
        }

        return new CreatedUser(await GetAsync(access, user.Id, cancellationToken), input.Password is null ? password : null);
    }

    public async Task<UserView> UpdateAsync(AccessInfo access, Guid id, UserInput input, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var user = await ManageableAsync(db, access, id, cancellationToken);
        var errors = new List<ValidationError>();
        var checkedInput = await CheckAsync(db, access, input, errors, cancellationToken);
        if (errors.Count > 0)
        {
            throw ProblemException.Invalid(errors);
        }

        var current = await db.UserRoles.Where(r => r.UserId == id).ToListAsync(cancellationToken);
        var wanted = checkedInput.Roles.Select(r => r.Id).ToHashSet();
        var removed = current.Where(r => !wanted.Contains(r.RoleId)).ToList();
        var added = checkedInput.Roles.Where(r => !current.Exists(c => c.RoleId == r.Id)).ToList();
        var active = input.IsActive ?? user.IsActive;
        if (id == access.UserId && !active)
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "self-disable", "不能停用自己的账号", "不能停用自己的账号：请由其他管理员操作");
        }

        if (id == access.UserId && removed.Count > 0)
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "self-demote", "不能移除自己的角色", "不能移除自己的角色：请由其他管理员操作");
        }

        RoleService.EnsureGrantable(access, added);
        if (user.IsActive && !active)
        {
            Invalidate(user);
        }

        user.IsActive = active;
        Apply(user, checkedInput);
        db.UserRoles.RemoveRange(removed);
        db.UserRoles.AddRange(added.Select(r => new UserRole { UserId = id, RoleId = r.Id }));
        await db.SaveChangesAsync(cancellationToken);
        return await GetAsync(access, id, cancellationToken);
    }

    /// <summary>Sets a new random password that must be changed at the next sign-in; ends the user's sessions and any lockout.</summary>
    public async Task<string> ResetPasswordAsync(AccessInfo access, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var user = await ManageableAsync(db, access, id, cancellationToken);
        var password = AccessBootstrap.RandomPassword();
        user.PasswordHash = users.PasswordHasher.HashPassword(user, password);
        user.PasswordChangedAt = clock.UtcNow;
        user.MustChangePassword = true;
        user.AccessFailedCount = 0;
        user.LockoutEnd = null;
        Invalidate(user);
        await db.SaveChangesAsync(cancellationToken);
        return password;
    }

    public async Task<UserView> UnlockAsync(AccessInfo access, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var user = await ManageableAsync(db, access, id, cancellationToken);
        user.AccessFailedCount = 0;
        user.LockoutEnd = null;
        // Lockout counters alone are not logged as a change (sign-ins touch them): the unlock is named here.
        db.AuditDrafts.Add(new AuditDraft(AuditActions.Update, "user", id.ToString(), $"解除用户“{user.UserName}”的登录锁定"));
        await db.SaveChangesAsync(cancellationToken);
        return await GetAsync(access, id, cancellationToken);
    }

    /// <summary>Turns two-factor sign-in off and deletes the authenticator key and recovery codes: the user binds an authenticator again.</summary>
    public async Task<UserView> ResetTwoFactorAsync(AccessInfo access, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var user = await ManageableAsync(db, access, id, cancellationToken);
        user.TwoFactorEnabled = false;
        Invalidate(user);
        db.Set<IdentityUserToken<Guid>>().RemoveRange(await db.Set<IdentityUserToken<Guid>>().Where(t => t.UserId == id).ToListAsync(cancellationToken));
        await db.SaveChangesAsync(cancellationToken);
        return await GetAsync(access, id, cancellationToken);
    }

    /// <summary>
    /// Ends every cookie and token of the user at their next request. The same as UserManager.UpdateSecurityStampAsync,
    /// but inside this save: Identity's own update would mark every column changed and log them all.
    /// </summary>
    private static void Invalidate(AppUser user) => user.SecurityStamp = Guid.NewGuid().ToString("N");

    /// <summary>A user with their organisation's name (member-initialised, so that queries can go on filtering it).</summary>
    private sealed class UserRow
    {
        public required AppUser User { get; init; }

        public required string OrgName { get; init; }
    }

    private sealed record CheckedUser(string DisplayName, string UserType, Guid OrgId, Guid? TeamId, List<Role> Roles);

    private static IQueryable<UserRow> InScope(JiayiDbContext db, AccessInfo access)
    {
        var scope = access.ScopePath;
        return from u in db.Users
               join o in db.Organizations on u.OrgId equals o.Id
               where o.Path.StartsWith(scope)
               select new UserRow { User = u, OrgName = o.Name };
    }

    /// <summary>A user in scope (tracked) whose permissions the caller holds all of; else 404 or 403.</summary>
    private static async Task<AppUser> ManageableAsync(JiayiDbContext db, AccessInfo access, Guid id, CancellationToken cancellationToken)
    {
        var row = await InScope(db, access).SingleOrDefaultAsync(r => r.User.Id == id, cancellationToken) ?? throw NotFound(id);
        var roleIds = db.UserRoles.Where(r => r.UserId == id).Select(r => r.RoleId)
            .Union(db.UserGroupMembers.Where(m => m.UserId == id).Join(db.UserGroupRoles, m => m.GroupId, r => r.GroupId, (m, r) => r.RoleId));
        var permissions = await db.Roles.AsNoTracking().Where(r => roleIds.Contains(r.Id)).Select(r => r.Permissions).ToListAsync(cancellationToken);
        if (permissions.SelectMany(p => p).Any(p => !access.Has(p)))
        {
            throw new ProblemException(StatusCodes.Status403Forbidden, "user-outranks", "不能管理该用户", $"用户“{row.User.UserName}”拥有您没有的权限，只能由权限更高的管理员维护");
        }

        return row.User;
    }

    /// <summary>Checks the fields shared by create and update, adding every problem to <paramref name="errors"/>.</summary>
    private static async Task<CheckedUser> CheckAsync(JiayiDbContext db, AccessInfo access, UserInput input, List<ValidationError> errors, CancellationToken cancellationToken)
    {
        var displayName = input.DisplayName?.Trim();
        if (string.IsNullOrEmpty(displayName))
        {
            errors.Add(new ValidationError("/displayName", ErrorCodes.Required, "请填写姓名"));
        }
        else if (displayName.Length > 50)
        {
            errors.Add(new ValidationError("/displayName", ErrorCodes.MaxLength, "姓名不能超过 50 个字"));
        }

        if (input.UserType is null)
        {
            errors.Add(new ValidationError("/userType", ErrorCodes.Required, "请选择用户类型"));
        }
        else if (!UserTypes.Names.ContainsKey(input.UserType))
        {
            errors.Add(new ValidationError("/userType", ErrorCodes.Enum, $"用户类型应为：{string.Join("、", UserTypes.Names.Select(t => $"{t.Key}（{t.Value}）"))}"));
        }

        Organization? org = null;
        if (input.OrgId is not { } orgId)
        {
            errors.Add(new ValidationError("/orgId", ErrorCodes.Required, "请选择所属机构"));
        }
        else
        {
            org = await db.Organizations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == orgId, cancellationToken);
            if (org is null || !access.InScope(org.Path))
            {
                errors.Add(new ValidationError("/orgId", "not-found", "所属机构不存在或不在您的管辖范围内"));
                org = null;
            }
            else if (org.Kind == OrganizationKinds.Team)
            {
                errors.Add(new ValidationError("/orgId", ErrorCodes.Enum, $"“{org.Name}”是家庭医生团队：所属机构填其上级机构，团队填在 teamId"));
                org = null;
            }
        }

        if (input.TeamId is { } teamId && org is not null)
        {
            var orgPath = org.Path;
            if (!await db.Organizations.AnyAsync(o => o.Id == teamId && o.Kind == OrganizationKinds.Team && o.Path.StartsWith(orgPath), cancellationToken))
            {
                errors.Add(new ValidationError("/teamId", "not-found", $"团队不存在或不属于“{org.Name}”"));
            }
        }

        var roles = new List<Role>();
        if (input.RoleIds is not { } roleIds)
        {
            errors.Add(new ValidationError("/roleIds", ErrorCodes.Required, "请选择角色（roleIds，可为空数组）"));
        }
        else
        {
            roles.AddRange(await RoleService.FindAsync(db, roleIds, errors, cancellationToken));
        }

        return new CheckedUser(displayName ?? "", input.UserType ?? "", org?.Id ?? Guid.Empty, input.TeamId, roles);
    }

    private static void Apply(AppUser user, CheckedUser input)
    {
        user.DisplayName = input.DisplayName;
        user.UserType = input.UserType;
        user.OrgId = input.OrgId;
        user.TeamId = input.TeamId;
    }

    private async Task<IReadOnlyList<UserView>> ViewsAsync(JiayiDbContext db, IReadOnlyList<UserRow> rows, CancellationToken cancellationToken)
    {
        var ids = rows.Select(r => r.User.Id).ToList();
        var teamIds = rows.Where(r => r.User.TeamId is not null).Select(r => r.User.TeamId!.Value).Distinct().ToList();
        var teams = await db.Organizations.AsNoTracking().Where(o => teamIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, cancellationToken);
        var roles = await (from ur in db.UserRoles
                           where ids.Contains(ur.UserId)
                           join r in db.Roles on ur.RoleId equals r.Id
                           select new { ur.UserId, r.Id, r.Name }).ToListAsync(cancellationToken);
        var groups = await (from m in db.UserGroupMembers
                            where ids.Contains(m.UserId)
                            join g in db.UserGroups on m.GroupId equals g.Id
                            select new { m.UserId, g.Id, g.Name }).ToListAsync(cancellationToken);
        var now = clock.UtcNow;
        return [.. rows.Select(row =>
        {
            var u = row.User;
            return new UserView(
                u.Id,
                u.UserName ?? "",
                u.DisplayName,
                u.UserType,
                UserTypes.Names.GetValueOrDefault(u.UserType, u.UserType),
                u.OrgId,
                row.OrgName,
                u.TeamId,
                u.TeamId is { } team ? teams.GetValueOrDefault(team) : null,
                u.IsActive,
                u.TwoFactorEnabled,
                u.LockoutEnd is { } end && end.UtcDateTime > now,
                u.MustChangePassword,
                [.. roles.Where(r => r.UserId == u.Id).OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => new NamedRef(r.Id, r.Name))],
                [.. groups.Where(g => g.UserId == u.Id).OrderBy(g => g.Name, StringComparer.Ordinal).Select(g => new NamedRef(g.Id, g.Name))],
                u.PasswordChangedAt is { } changed ? DateTime.SpecifyKind(changed, DateTimeKind.Utc) : null);
        })];
    }

    internal static ProblemException NotFound(object id) =>
        new(StatusCodes.Status404NotFound, "user-not-found", "用户不存在", $"没有编号为“{id}”的用户，或不在您的管辖范围内");

    private static ProblemException Duplicate(string userName) =>
        new(StatusCodes.Status409Conflict, "duplicate-user-name", "用户名已被使用", $"用户名“{userName}”已被使用", [new ValidationError("/userName", "duplicate", "该用户名已被使用")]);

    [GeneratedRegex("^[A-Za-z0-9._@-]{3,32}$")]
    private static partial Regex UserNamePattern();
}
