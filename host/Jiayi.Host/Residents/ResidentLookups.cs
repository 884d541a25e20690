using Jiayi.Data;
using Jiayi.Data.Organizations;
using Jiayi.Host.Access;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Residents;

/// <summary>A choice in a resident form: an organisation or division by id, with its name as the user reads it.</summary>
public sealed record OrgOption(Guid Id, string Name, string Kind);

/// <summary>The choices the resident form offers: who may manage the resident, and where they may live.</summary>
public sealed class ResidentLookups(IDbContextFactory<JiayiDbContext> databases)
{
    /// <summary>Institutions and teams in the caller's scope (a team member: their own team only).</summary>
    public async Task<IReadOnlyList<OrgOption>> ManagersAsync(AccessInfo access, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var scope = access.ScopePath;
        var nodes = await db.Organizations.AsNoTracking()
            .Where(o => o.Path.StartsWith(scope) && o.IsActive && (o.Kind == OrganizationKinds.Institution || o.Kind == OrganizationKinds.Team))
            .OrderBy(o => o.Path)
            .Select(o => new { o.Id, o.Name, o.Kind, o.ParentId })
            .Take(500)
            .ToListAsync(cancellationToken);
        var names = nodes.ToDictionary(n => n.Id, n => n.Name);
        return [.. nodes.Select(n => new OrgOption(n.Id, n.Kind == OrganizationKinds.Team && n.ParentId is { } p && names.TryGetValue(p, out var parent) ? $"{parent} · {n.Name}" : n.Name, n.Kind))];
    }

    /// <summary>Villages and communities of the caller's county (residents live beyond the institution's own division).</summary>
    public async Task<IReadOnlyList<OrgOption>> AddressesAsync(AccessInfo access, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var segments = access.ScopePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var county = "/" + string.Join('/', segments.Take(3)) + "/";
        var villages = await db.Organizations.AsNoTracking()
            .Where(o => o.Path.StartsWith(county) && o.Kind == OrganizationKinds.Division && o.Level == "村" && o.IsActive)
            .OrderBy(o => o.Path)
            .Select(o => new { o.Id, o.Name, o.ParentId })
            .Take(2000)
            .ToListAsync(cancellationToken);
        var parentIds = villages.Select(v => v.ParentId).Distinct().ToList();
        var townships = await db.Organizations.AsNoTracking().Where(o => parentIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, cancellationToken);
        return [.. villages.Select(v => new OrgOption(v.Id, v.ParentId is { } p && townships.TryGetValue(p, out var township) ? $"{township} {v.Name}" : v.Name, OrganizationKinds.Division))];
    }
}
