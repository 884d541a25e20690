using System.Collections.Frozen;
using System.Security.Claims;
using Jiayi.Data;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Access;

/// <summary>Reads a user's <see cref="AccessInfo"/>: user, organisation, scope and the union of their roles' and groups' permissions.</summary>
public sealed class AccessService(IDbContextFactory<JiayiDbContext> databases)
{
    public async Task<AccessInfo?> GetAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var id = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        if (!Guid.TryParse(id, out var userId))
        {
            return null;
        }

        // A token or cookie issued before a password change, reset or disabling no longer counts.
        var access = await GetAsync(userId, cancellationToken);
        var stamp = principal.FindFirstValue(IdentitySetup.SecurityStampClaim);
        return access is not null && (stamp is null || stamp == access.SecurityStamp) ? access : null;
    }

    /// <summary>The user's access now; null when the account does not exist or is disabled.</summary>
    public async Task<AccessInfo?> GetAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsNoTracking()
            .Where(u => u.Id == userId && u.IsActive)
            .Select(u => new { u.Id, u.UserName, u.DisplayName, u.UserType, u.OrgId, u.TeamId, u.SecurityStamp })
            .SingleOrDefaultAsync(cancellationToken);
        if (user is null)
        {
            return null;
        }

        var org = await db.Organizations.AsNoTracking().Where(o => o.Id == user.OrgId).Select(o => new { o.Name, o.Path }).SingleOrDefaultAsync(cancellationToken);
        var teamPath = user.TeamId is { } teamId
            ? await db.Organizations.AsNoTracking().Where(o => o.Id == teamId).Select(o => o.Path).SingleOrDefaultAsync(cancellationToken)
            : null;
        var roleIds = db.UserRoles.Where(r => r.UserId == userId).Select(r => r.RoleId)
            .Union(db.UserGroupMembers.Where(m => m.UserId == userId)
                .Join(db.UserGroupRoles, m => m.GroupId, r => r.GroupId, (m, r) => r.RoleId));
        var roles = await db.Roles.AsNoTracking().Where(r => roleIds.Contains(r.Id))
            .Select(r => new { r.Permissions, r.RequiresTwoFactor })
            .ToListAsync(cancellationToken);
        if (org is null)
        {
            return null;
        }

        return new AccessInfo
        {
            UserId = user.Id,
            UserName = user.UserName ?? "",
            DisplayName = user.DisplayName,
            UserType = user.UserType,
            OrgId = user.OrgId,
            OrgName = org.Name,
            OrgPath = org.Path,
            TeamId = user.TeamId,
            ScopePath = teamPath ?? org.Path,
            Permissions = roles.SelectMany(r => r.Permissions).ToFrozenSet(StringComparer.Ordinal),
            RequiresTwoFactor = roles.Any(r => r.RequiresTwoFactor),
            SecurityStamp = user.SecurityStamp,
        };
    }
}
