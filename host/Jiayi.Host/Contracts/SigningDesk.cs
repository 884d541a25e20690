using System.Text.Json;
using Jiayi.Data;
using Jiayi.Data.Contracts;
using Jiayi.Data.Organizations;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Identity;
using Jiayi.Engine.Workflows;
using Jiayi.Host.Access;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Residents;
using Jiayi.Host.Security;
using Jiayi.Host.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Contracts;

/// <summary>A contract that keeps a resident from signing again now (open, and not yet ended).</summary>
public sealed record OpenContract(Guid Id, string Number, string Status, DateOnly StartDate, DateOnly EndDate, string TeamName);

/// <summary>A resident as the signing page offers them: masked ID number, managing organisation, any open contract.</summary>
public sealed record SigningResident(ResidentSummary Summary, Guid OrgId, OpenContract? Open);

public sealed record TeamChoice(Guid Id, string Name);

public sealed record SignableItem(string Name, int TimesPerYear, string? ServiceType);

/// <summary>A package a team may sign today, with what the resident pays.</summary>
public sealed record SignablePackage(Guid Id, string Name, string Kind, decimal Price, decimal Subsidy, string? Description, IReadOnlyList<SignableItem> Items)
{
    public decimal SelfPay => Price - Subsidy;
}

/// <summary>
/// What the web platform's signing pages need beside <see cref="ContractService"/> and <see cref="ContractQueries"/>:
/// residents to sign (by name or exact ID number), the teams and signable packages in scope, the images drawn
/// or taken in the browser, and the workflow a contract runs. Everything stays inside the caller's data scope.
/// </summary>
public sealed class SigningDesk(IDbContextFactory<JiayiDbContext> databases, FieldProtector protector, WorkflowCatalog workflows, Clock clock)
{
    /// <summary>Residents in scope by name (contains) or, for a full ID number, exactly through its keyed hash.</summary>
    public async Task<IReadOnlyList<SigningResident>> SearchAsync(AccessInfo me, string? text, int take, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var residents = ResidentService.InScope(db, me).AsNoTracking();
        var term = text?.Trim();
        if (!string.IsNullOrEmpty(term))
        {
            var id = ChineseIdNumber.Parse(term, clock.Today);
            if (id.IsValid)
            {
                var hash = protector.Hash(id.Normalized!);
                residents = residents.Where(r => r.IdNumberHash == hash);
            }
            else
            {
                residents = residents.Where(r => r.Name.Contains(term));
            }
        }

        var ids = await residents.OrderBy(r => r.Name).ThenBy(r => r.Id).Take(take).Select(r => r.Id).ToListAsync(cancellationToken);
        return await LoadAsync(db, ids, cancellationToken);
    }

    public async Task<SigningResident?> ResidentAsync(AccessInfo me, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (!await ResidentService.InScope(db, me).AnyAsync(r => r.Id == id, cancellationToken))
        {
            return null;
        }

        return (await LoadAsync(db, [id], cancellationToken)).SingleOrDefault();
    }

    /// <summary>Active family-doctor teams in scope, by name.</summary>
    public async Task<IReadOnlyList<TeamChoice>> TeamsAsync(AccessInfo me, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var scope = me.ScopePath;
        return await db.Organizations.AsNoTracking()
            .Where(o => o.Kind == OrganizationKinds.Team && o.IsActive && o.Path.StartsWith(scope))
            .OrderBy(o => o.Path)
            .Select(o => new TeamChoice(o.Id, o.Name))
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// The packages a team in scope may sign today: published, valid today, serving the team's subtree (issued
    /// at the team or above it) — the rules <see cref="ContractService"/> checks again when signing.
    /// </summary>
    public async Task<IReadOnlyList<SignablePackage>> PackagesAsync(AccessInfo me, Guid teamId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var scope = me.ScopePath;
        var path = await db.Organizations.AsNoTracking()
            .Where(o => o.Id == teamId && o.Kind == OrganizationKinds.Team && o.Path.StartsWith(scope))
            .Select(o => o.Path).SingleOrDefaultAsync(cancellationToken);
        if (path is null)
        {
            return [];
        }

        var served = Prefixes(path);
        var today = clock.Today;
        var packages = await db.ServicePackages.AsNoTracking().Include(p => p.Items)
            .Where(p => p.Published && p.ValidFrom <= today && p.ValidTo >= today && served.Contains(p.IssuerOrgPath))
            .OrderBy(p => p.Kind == PackageKinds.Basic ? 0 : 1).ThenBy(p => p.Name).ThenBy(p => p.Id)
            .ToListAsync(cancellationToken);
        return
        [
            .. packages.Select(p => new SignablePackage(p.Id, p.Name, p.Kind, p.Price, p.Subsidy, p.Description,
                [.. p.Items.OrderBy(i => i.Order).Select(i => new SignableItem(i.Name, i.TimesPerYear, i.ServiceType))])),
        ];
    }

    /// <summary>The compiled workflow (the version the instance runs) of a contract the caller has read.</summary>
    public async Task<CompiledWorkflow?> WorkflowAsync(ContractView contract, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contract);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var version = await db.WorkflowInstances.AsNoTracking().Where(i => i.Id == contract.InstanceId).Select(i => (int?)i.WorkflowVersion).SingleOrDefaultAsync(cancellationToken);
        return version is { } v ? await workflows.GetAsync(contract.WorkflowId, v, cancellationToken) : null;
    }

    /// <summary>
    /// An image from the browser (a data URL, as a canvas gives it), decoded and checked by the same rules as
    /// the API's (<see cref="ContractEndpoints.Image"/>): PNG or JPEG by its bytes, within the size limit.
    /// </summary>
    public static ImageInput? Image(string? dataUrl, string name, string label, int maxBytes, List<ValidationError> errors)
    {
        if (string.IsNullOrEmpty(dataUrl))
        {
            return null;
        }

        var root = JsonSerializer.SerializeToElement(new Dictionary<string, string> { [name] = dataUrl });
        return ContractEndpoints.Image(root, name, label, maxBytes, errors);
    }

    private async Task<IReadOnlyList<SigningResident>> LoadAsync(JiayiDbContext db, List<Guid> ids, CancellationToken cancellationToken)
    {
        var today = clock.Today;
        var rows = await db.Residents.AsNoTracking().Where(r => ids.Contains(r.Id))
            .Select(r => new { r.Id, r.Name, r.Sex, r.BirthDate, r.IdNumberMasked, r.OrgId, OrgName = db.Organizations.Where(o => o.Id == r.OrgId).Select(o => o.Name).FirstOrDefault() })
            .ToListAsync(cancellationToken);
        var open = (await db.Contracts.AsNoTracking()
                .Where(c => ids.Contains(c.ResidentId) && c.IsOpen && c.EndDate >= today)
                .Select(c => new { c.ResidentId, Contract = new OpenContract(c.Id, c.Number, c.Status, c.StartDate, c.EndDate, c.TeamName) })
                .ToListAsync(cancellationToken))
            .GroupBy(c => c.ResidentId)
            .ToDictionary(g => g.Key, g => g.Select(c => c.Contract).OrderBy(c => c.StartDate).First());
        return
        [
            .. ids.Select(id => rows.Single(r => r.Id == id)).Select(r => new SigningResident(
                new ResidentSummary(r.Id, r.Name, r.Sex, r.BirthDate, Functions.Age(r.BirthDate, today), r.OrgName ?? "", r.IdNumberMasked),
                r.OrgId,
                open.GetValueOrDefault(r.Id))),
        ];
    }

    /// <summary>A path and its ancestors: <c>/61/6104/</c> gives <c>/61/</c> and <c>/61/6104/</c>.</summary>
    private static List<string> Prefixes(string path)
    {
        var prefixes = new List<string>();
        for (var end = path.IndexOf('/', 1); end > 0; end = path.IndexOf('/', end + 1))
        {
            prefixes.Add(path[..(end + 1)]);
        }

        return prefixes;
    }
}
