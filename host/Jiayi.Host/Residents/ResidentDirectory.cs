using Jiayi.Data;
using Jiayi.Engine.Expressions;
using Jiayi.Host.Access;
using Jiayi.Host.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Residents;

/// <summary>A resident as a form page's summary card shows them.</summary>
public sealed record ResidentSummary(Guid Id, string Name, string Sex, DateOnly BirthDate, int Age, string OrgName, string IdNumberMasked = "");

/// <summary>Finding residents to record a service for. Everything is limited to the caller's data scope.</summary>
public sealed class ResidentDirectory(IDbContextFactory<JiayiDbContext> databases, Clock clock)
{
    public async Task<IReadOnlyList<ResidentSummary>> SearchAsync(AccessInfo access, string? text, int take, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var residents = ResidentService.InScope(db, access).AsNoTracking();
        if (!string.IsNullOrWhiteSpace(text))
        {
            residents = residents.Where(r => r.Name.Contains(text.Trim()));
        }

        var rows = await residents.OrderBy(r => r.Name).Take(take)
            .Select(r => new { r.Id, r.Name, r.Sex, r.BirthDate, r.IdNumberMasked, OrgName = db.Organizations.Where(o => o.Id == r.OrgId).Select(o => o.Name).FirstOrDefault() })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new ResidentSummary(r.Id, r.Name, r.Sex, r.BirthDate, Functions.Age(r.BirthDate, clock.Today), r.OrgName ?? "", r.IdNumberMasked))];
    }

    public async Task<ResidentSummary?> GetAsync(AccessInfo access, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var r = await ResidentService.InScope(db, access).AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, cancellationToken);
        if (r is null)
        {
            return null;
        }

        var org = await db.Organizations.AsNoTracking().Where(o => o.Id == r.OrgId).Select(o => o.Name).FirstOrDefaultAsync(cancellationToken);
        return new ResidentSummary(r.Id, r.Name, r.Sex, r.BirthDate, Functions.Age(r.BirthDate, clock.Today), org ?? "", r.IdNumberMasked);
    }

    public async Task<int> CountAsync(AccessInfo access, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await ResidentService.InScope(db, access).CountAsync(cancellationToken);
    }
}
