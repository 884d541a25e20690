using System.Collections.Frozen;
using Jiayi.Data;
using Jiayi.Engine.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Workflows;

/// <summary>A user as workflows see them: roles (direct and through groups), organisation, team, leadership and scope.</summary>
public sealed record WorkflowUser(WorkflowActor Actor, Guid UserId, string ScopePath);

/// <summary>Reads users as workflow actors, and finds who may act on a waiting state (role × data scope × approver).</summary>
public static class WorkflowActors
{
    public static async Task<WorkflowUser?> ForUserAsync(JiayiDbContext db, Guid userId, CancellationToken cancellationToken) =>
        (await LoadAsync(db, db.Users.Where(u => u.Id == userId && u.IsActive), cancellationToken)) is [var user, ..] ? user : null;

    /// <summary>
    /// Active users holding one of <paramref name="roles"/> (any user when empty) whose data scope contains
    /// <paramref name="orgPath"/>: their team's subtree for team members, else their organisation's.
    /// </summary>
    public static async Task<IReadOnlyList<WorkflowUser>> CandidatesAsync(JiayiDbContext db, IReadOnlyCollection<string> roles, string orgPath, CancellationToken cancellationToken)
    {
        // The scopes that contain the path are its ancestors: "/61/6104/610402/x/" → "/61/", "/61/6104/", …
        var ancestors = new List<string>();
        for (var i = orgPath.IndexOf('/', 1); i >= 0; i = orgPath.IndexOf('/', i + 1))
        {
            ancestors.Add(orgPath[..(i + 1)]);
        }

        var nodes = await db.Organizations.AsNoTracking().Where(o => ancestors.Contains(o.Path)).Select(o => o.Id).ToListAsync(cancellationToken);
        var users = db.Users.Where(u => u.IsActive && ((u.TeamId != null && nodes.Contains(u.TeamId.Value)) || (u.TeamId == null && nodes.Contains(u.OrgId))));
        if (roles.Count > 0)
        {
            var roleIds = await db.Roles.Where(r => roles.Contains(r.Name)).Select(r => r.Id).ToListAsync(cancellationToken);
            users = users.Where(u => db.UserRoles.Any(r => r.UserId == u.Id && roleIds.Contains(r.RoleId))
                || db.UserGroupMembers.Any(m => m.UserId == u.Id && db.UserGroupRoles.Any(g => g.GroupId == m.GroupId && roleIds.Contains(g.RoleId))));
        }

        return await LoadAsync(db, users, cancellationToken);
    }

    private static async Task<IReadOnlyList<WorkflowUser>> LoadAsync(JiayiDbContext db, IQueryable<Data.Access.AppUser> users, CancellationToken cancellationToken)
    {
        var rows = await users.AsNoTracking().OrderBy(u => u.Id).Select(u => new { u.Id, u.DisplayName, u.OrgId, u.TeamId }).Take(5000).ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return [];
        }

        var ids = rows.Select(r => r.Id).ToList();
        var direct = await db.UserRoles.AsNoTracking().Where(r => ids.Contains(r.UserId))
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name }).ToListAsync(cancellationToken);
        var grouped = await db.UserGroupMembers.AsNoTracking().Where(m => ids.Contains(m.UserId))
            .Join(db.UserGroupRoles, m => m.GroupId, g => g.GroupId, (m, g) => new { m.UserId, g.RoleId })
            .Join(db.Roles, x => x.RoleId, r => r.Id, (x, r) => new { x.UserId, r.Name }).ToListAsync(cancellationToken);
        var roles = direct.Concat(grouped).ToLookup(x => x.UserId, x => x.Name);
        var leaders = (await db.TeamMembers.AsNoTracking().Where(m => m.IsLeader && m.UserId != null && ids.Contains(m.UserId.Value))
            .Select(m => new { UserId = m.UserId!.Value, m.TeamId }).ToListAsync(cancellationToken)).ToHashSet();
        var nodeIds = rows.Select(r => r.TeamId ?? r.OrgId).Distinct().ToList();
        var paths = await db.Organizations.AsNoTracking().Where(o => nodeIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Path, cancellationToken);
        return
        [
            .. rows.Select(r => new WorkflowUser(
                new WorkflowActor(
                    r.Id.ToString(),
                    r.DisplayName,
                    r.OrgId.ToString(),
                    r.TeamId?.ToString(),
                    r.TeamId is { } team && leaders.Contains(new { UserId = r.Id, TeamId = team }),
                    roles[r.Id].ToFrozenSet(StringComparer.Ordinal)),
                r.Id,
                paths.GetValueOrDefault(r.TeamId ?? r.OrgId, "/nowhere/"))),
        ];
    }
}
