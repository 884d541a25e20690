using Jiayi.Data;
using Jiayi.Data.Organizations;
using Jiayi.Engine.Forms;
using Jiayi.Host.Access;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Residents;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Organizations;

/// <summary>What a client sends to add or change a team member; an absent <c>isLeader</c> leaves it as it was.</summary>
public sealed record TeamMemberInput(string? Name, string? Role, bool? IsLeader = null, string? Phone = null, Guid? UserId = null);

/// <summary>A team member, with the display name of the user account when linked to one.</summary>
public sealed record TeamMemberView(Guid Id, Guid TeamId, string Name, string Role, bool IsLeader, string? Phone, Guid? UserId, string? UserName);

/// <summary>
/// The members of family-doctor teams in the caller's scope: roles from <see cref="TeamRoles"/>, at most one
/// leader per team (naming a new one steps the previous one down in the same save), linked user accounts in scope.
/// </summary>
public sealed class TeamMemberService(IDbContextFactory<JiayiDbContext> databases)
{
    public const int MaxNameLength = 50;

    public async Task<IReadOnlyList<TeamMemberView>> ListAsync(AccessInfo access, Guid teamId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await TeamAsync(db, access, teamId, cancellationToken);
        return await ViewsAsync(db, teamId, cancellationToken);
    }

    public async Task<TeamMemberView> CreateAsync(AccessInfo access, Guid teamId, TeamMemberInput input, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await TeamAsync(db, access, teamId, cancellationToken);
        var member = new TeamMember { TeamId = teamId, Name = "", Role = "" };
        await ApplyAsync(db, access, member, input, cancellationToken);
        db.TeamMembers.Add(member);
        await db.SaveChangesAsync(cancellationToken);
        return await ViewAsync(db, member.Id, cancellationToken);
    }

    public async Task<TeamMemberView> UpdateAsync(AccessInfo access, Guid teamId, Guid memberId, TeamMemberInput input, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await TeamAsync(db, access, teamId, cancellationToken);
        var member = await db.TeamMembers.SingleOrDefaultAsync(m => m.Id == memberId && m.TeamId == teamId, cancellationToken) ?? throw NotFound(memberId);
        await ApplyAsync(db, access, member, input, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return await ViewAsync(db, member.Id, cancellationToken);
    }

    public async Task DeleteAsync(AccessInfo access, Guid teamId, Guid memberId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await TeamAsync(db, access, teamId, cancellationToken);
        var member = await db.TeamMembers.SingleOrDefaultAsync(m => m.Id == memberId && m.TeamId == teamId, cancellationToken) ?? throw NotFound(memberId);
        db.TeamMembers.Remove(member);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>A team's members, as its detail and member list show them.</summary>
    internal static async Task<IReadOnlyList<TeamMemberView>> ViewsAsync(JiayiDbContext db, Guid teamId, CancellationToken cancellationToken) =>
        await Views(db, db.TeamMembers.Where(m => m.TeamId == teamId)).ToListAsync(cancellationToken);

    private static async Task<TeamMemberView> ViewAsync(JiayiDbContext db, Guid memberId, CancellationToken cancellationToken) =>
        await Views(db, db.TeamMembers.Where(m => m.Id == memberId)).SingleAsync(cancellationToken);

    /// <summary>Members with their user's display name, the leader first, then by name; filter before this projection, which EF cannot see through.</summary>
    private static IQueryable<TeamMemberView> Views(JiayiDbContext db, IQueryable<TeamMember> members) =>
        from m in members.AsNoTracking()
        join u in db.Users on m.UserId equals (Guid?)u.Id into users
        from u in users.DefaultIfEmpty()
        orderby m.IsLeader descending, m.Name, m.Id
        select new TeamMemberView(m.Id, m.TeamId, m.Name, m.Role, m.IsLeader, m.Phone, m.UserId, u == null ? null : u.DisplayName);

    /// <summary>The team, when it is one and in scope; else the same 404 as an unknown id.</summary>
    private static async Task TeamAsync(JiayiDbContext db, AccessInfo access, Guid teamId, CancellationToken cancellationToken)
    {
        if (!await OrganizationService.InScope(db, access).AnyAsync(o => o.Id == teamId && o.Kind == OrganizationKinds.Team, cancellationToken))
        {
            throw new ProblemException(StatusCodes.Status404NotFound, "team-not-found", "团队不存在", $"没有编号为“{teamId}”的家庭医生团队，或不在您的管辖范围内");
        }
    }

    /// <summary>Checks every field (all problems at once), then writes them to the member; a new leader steps the previous one down.</summary>
    private static async Task ApplyAsync(JiayiDbContext db, AccessInfo access, TeamMember member, TeamMemberInput input, CancellationToken cancellationToken)
    {
        var errors = new List<ValidationError>();
        var name = input.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            errors.Add(new ValidationError("/name", ErrorCodes.Required, "请填写姓名"));
        }
        else if (name.Length > MaxNameLength)
        {
            errors.Add(new ValidationError("/name", ErrorCodes.MaxLength, $"姓名不能超过 {MaxNameLength} 个字"));
        }

        if (input.Role is null)
        {
            errors.Add(new ValidationError("/role", ErrorCodes.Required, "请选择团队角色"));
        }
        else if (!TeamRoles.All.Contains(input.Role))
        {
            errors.Add(new ValidationError("/role", ErrorCodes.Enum, $"团队角色应为：{string.Join("、", TeamRoles.All)}"));
        }

        var phone = OrganizationRules.Text(input.Phone);
        if (phone is not null && !ResidentRules.IsPhone(phone))
        {
            errors.Add(new ValidationError("/phone", ErrorCodes.Format, OrganizationRules.PhoneMessage));
        }

        if (input.UserId is { } userId)
        {
            var scope = access.ScopePath;
            var teamId = member.TeamId;
            var memberId = member.Id;
            if (!await db.Users.AnyAsync(u => u.Id == userId && db.Organizations.Any(o => (o.Id == u.OrgId || o.Id == u.TeamId) && o.Path.StartsWith(scope)), cancellationToken))
            {
                errors.Add(new ValidationError("/userId", "not-found", "用户不存在或不在您的管辖范围内"));
            }
            else if (await db.TeamMembers.AnyAsync(m => m.TeamId == teamId && m.UserId == userId && m.Id != memberId, cancellationToken))
            {
                errors.Add(new ValidationError("/userId", "duplicate", "该用户已是本团队成员"));
            }
        }

        if (errors.Count > 0)
        {
            throw ProblemException.Invalid(errors);
        }

        member.Name = name;
        member.Role = input.Role!;
        member.Phone = phone;
        member.UserId = input.UserId;
        member.IsLeader = input.IsLeader ?? member.IsLeader;
        if (member.IsLeader)
        {
            var others = await db.TeamMembers.Where(m => m.TeamId == member.TeamId && m.IsLeader && m.Id != member.Id).ToListAsync(cancellationToken);
            others.ForEach(m => m.IsLeader = false);
        }
    }

    private static ProblemException NotFound(Guid memberId) =>
        new(StatusCodes.Status404NotFound, "member-not-found", "团队成员不存在", $"本团队没有编号为“{memberId}”的成员");
}
