using Jiayi.Data;
using Jiayi.Data.Contracts;
using Jiayi.Data.Workflows;
using Jiayi.Host.Access;
using Jiayi.Host.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Contracts;

public sealed record ContractFilter(string? Status = null, Guid? TeamId = null, Guid? ResidentId = null, string? Text = null, DateOnly? From = null, DateOnly? To = null, int Page = 1, int PageSize = 20);

public sealed record NamedRef(Guid Id, string Name);

public sealed record ContractPackageView(Guid Id, string Name, string Kind, decimal Price);

public sealed record ContractSummary(
    Guid Id, string Number, NamedRef Resident, NamedRef Team, string InstitutionName, string DoctorName,
    DateOnly StartDate, DateOnly EndDate, string Status, string State, bool IsOpen, string Source, string SourceName,
    IReadOnlyList<string> PackageNames, decimal Price, DateTime CreatedAt);

public sealed record ContractPage(IReadOnlyList<ContractSummary> Items, int Total, int Page, int PageSize);

public sealed record HistoryView(DateTime At, string UserName, string? From, string? FromName, string To, string ToName, string Trigger, string Label, string? Comment, string? Data, int WorkflowVersion);

public sealed record ContractView(
    Guid Id, string Number, NamedRef Resident, NamedRef Team, NamedRef Institution, Guid? DoctorUserId, string DoctorName,
    DateOnly StartDate, DateOnly EndDate, string Status, string State, bool IsOpen, string Source, string SourceName,
    IReadOnlyList<string> Populations, decimal Price, double? Latitude, double? Longitude, bool HasSignature, bool HasPhoto,
    Guid? PreviousContractId, Guid? RenewedById, string? TerminationReason, DateOnly? TerminatedOn,
    string WorkflowId, Guid InstanceId, int Revision, string CreatedByName, DateTime CreatedAt,
    IReadOnlyList<ContractPackageView> Packages, IReadOnlyList<HistoryView> History, IReadOnlyList<TriggerOption> Triggers);

public sealed record SigningLogFilter(string? User = null, Guid? OrgId = null, string? Action = null, DateOnly? From = null, DateOnly? To = null, int Page = 1, int PageSize = 50);

public sealed record SigningLogEntry(DateTime At, string UserName, string? ActorOrgName, Guid ContractId, string? ContractNumber, string? ResidentName, string Trigger, string Label, string? FromName, string ToName, string? Comment);

public sealed record SigningLogPage(IReadOnlyList<SigningLogEntry> Items, int Total, int Page, int PageSize);

/// <summary>Reading contracts and the signing staff log (签约人员日志), always inside the caller's data scope.</summary>
public sealed class ContractQueries(IDbContextFactory<JiayiDbContext> databases, WorkflowRuntime workflows, Infrastructure.Clock clock)
{
    public async Task<ContractPage> ListAsync(AccessInfo me, ContractFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(me);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var scope = me.ScopePath;
        var query = db.Contracts.AsNoTracking().Where(c => c.OrgPath.StartsWith(scope));
        if (filter.Status is { Length: > 0 } status)
        {
            query = query.Where(c => c.Status == status || c.State == status);
        }

        if (filter.TeamId is { } team)
        {
            query = query.Where(c => c.TeamId == team);
        }

        if (filter.ResidentId is { } resident)
        {
            query = query.Where(c => c.ResidentId == resident);
        }

        if (filter.Text is { Length: > 0 } text)
        {
            query = query.Where(c => c.ResidentName.Contains(text) || c.Number.Contains(text) || c.DoctorName.Contains(text));
        }

        if (filter.From is { } from)
        {
            query = query.Where(c => c.StartDate >= from);
        }

        if (filter.To is { } to)
        {
            query = query.Where(c => c.StartDate <= to);
        }

        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id)
            .Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize)
            .Include(c => c.Packages)
            .ToListAsync(cancellationToken);
        return new ContractPage([.. rows.Select(Summary)], total, filter.Page, filter.PageSize);
    }

    public async Task<ContractView?> GetAsync(AccessInfo me, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(me);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var scope = me.ScopePath;
        var c = await db.Contracts.AsNoTracking().Include(x => x.Packages).SingleOrDefaultAsync(x => x.Id == id && x.OrgPath.StartsWith(scope), cancellationToken);
        if (c is null)
        {
            return null;
        }

        var instance = await db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == c.InstanceId, cancellationToken);
        var history = await HistoryAsync(db, instance.Id, cancellationToken);
        var triggers = await workflows.AvailableAsync(db, instance, me, cancellationToken);
        return new ContractView(
            c.Id, c.Number, new(c.ResidentId, c.ResidentName), new(c.TeamId, c.TeamName), new(c.InstitutionId, c.InstitutionName), c.DoctorUserId, c.DoctorName,
            c.StartDate, c.EndDate, c.Status, c.State, c.IsOpen, c.Source, ContractSources.Names.GetValueOrDefault(c.Source, c.Source),
            c.Populations, c.Price, c.Latitude, c.Longitude, c.SignatureFileId is not null, c.PhotoFileId is not null,
            c.PreviousContractId, c.RenewedById, c.TerminationReason, c.TerminatedOn,
            c.WorkflowId, c.InstanceId, instance.Revision, c.CreatedByName ?? "", c.CreatedAt,
            [.. c.Packages.Select(p => new ContractPackageView(p.PackageId, p.PackageName, p.Kind, p.Price))], history, triggers);
    }

    public static async Task<IReadOnlyList<HistoryView>> HistoryAsync(JiayiDbContext db, Guid instanceId, CancellationToken cancellationToken) =>
        await db.WorkflowHistory.AsNoTracking().Where(h => h.InstanceId == instanceId).OrderBy(h => h.At).ThenBy(h => h.Id)
            .Select(h => new HistoryView(h.At, h.UserName, h.FromState, h.FromName, h.ToState, h.ToName, h.Trigger, h.Label, h.Comment, h.Data, h.WorkflowVersion))
            .ToListAsync(cancellationToken);

    /// <summary>The agreement text, frozen at signing; null when out of scope.</summary>
    public async Task<(string Number, string Text)?> AgreementAsync(AccessInfo me, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var scope = me.ScopePath;
        var row = await db.Contracts.AsNoTracking().Where(c => c.Id == id && c.OrgPath.StartsWith(scope)).Select(c => new { c.Number, c.AgreementText }).SingleOrDefaultAsync(cancellationToken);
        return row is null ? null : (row.Number, row.AgreementText);
    }

    /// <summary>The signature or photo of a contract in scope; null otherwise.</summary>
    public async Task<(string ContentType, byte[] Content)?> FileAsync(AccessInfo me, Guid id, string kind, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var scope = me.ScopePath;
        if (!await db.Contracts.AnyAsync(c => c.Id == id && c.OrgPath.StartsWith(scope), cancellationToken))
        {
            return null;
        }

        var file = await db.Files.AsNoTracking().Where(f => f.OwnerType == ContractSubject.Type && f.OwnerId == id && f.Kind == kind)
            .Select(f => new { f.ContentType, f.Content }).FirstOrDefaultAsync(cancellationToken);
        return file is null ? null : (file.ContentType, file.Content);
    }

    /// <summary>Who did what to which contract: the contract workflows' history in scope, newest first.</summary>
    public async Task<SigningLogPage> LogAsync(AccessInfo me, SigningLogFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(me);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var scope = me.ScopePath;
        var query = db.WorkflowHistory.AsNoTracking().Where(h => h.SubjectType == ContractSubject.Type && h.OrgPath.StartsWith(scope));
        if (filter.User is { Length: > 0 } user)
        {
            query = query.Where(h => h.UserName.Contains(user));
        }

        if (filter.OrgId is { } org)
        {
            var path = await db.Organizations.Where(o => o.Id == org).Select(o => o.Path).SingleOrDefaultAsync(cancellationToken) ?? "/none/";
            query = query.Where(h => h.ActorOrgPath != null && h.ActorOrgPath.StartsWith(path));
        }

        if (filter.Action is { Length: > 0 } action)
        {
            query = query.Where(h => h.Trigger == action || h.Label.Contains(action));
        }

        if (filter.From is { } from)
        {
            var start = clock.StartOfDayUtc(from);
            query = query.Where(h => h.At >= start);
        }

        if (filter.To is { } to)
        {
            var end = clock.StartOfDayUtc(to.AddDays(1));
            query = query.Where(h => h.At < end);
        }

        var total = await query.CountAsync(cancellationToken);
        var page = await query.OrderByDescending(h => h.At).ThenByDescending(h => h.Id)
            .Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize).ToListAsync(cancellationToken);
        var contractIds = page.Select(h => h.SubjectId).Distinct().ToList();
        var contracts = await db.Contracts.AsNoTracking().Where(c => contractIds.Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, c => (c.Number, c.ResidentName), cancellationToken);
        var orgIds = page.Where(h => h.ActorOrgId != null).Select(h => h.ActorOrgId!.Value).Distinct().ToList();
        var orgs = await db.Organizations.AsNoTracking().Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, cancellationToken);
        var rows = page.Select(h => new SigningLogEntry(
            h.At, h.UserName, h.ActorOrgId is { } o ? orgs.GetValueOrDefault(o) : null, h.SubjectId,
            contracts.TryGetValue(h.SubjectId, out var c) ? c.Number : null, contracts.TryGetValue(h.SubjectId, out var r) ? r.ResidentName : null,
            h.Trigger, h.Label, h.FromName, h.ToName, h.Comment)).ToList();
        return new SigningLogPage(rows, total, filter.Page, filter.PageSize);
    }

    private static ContractSummary Summary(Contract c) => new(
        c.Id, c.Number, new(c.ResidentId, c.ResidentName), new(c.TeamId, c.TeamName), c.InstitutionName, c.DoctorName,
        c.StartDate, c.EndDate, c.Status, c.State, c.IsOpen, c.Source, ContractSources.Names.GetValueOrDefault(c.Source, c.Source),
        [.. c.Packages.Select(p => p.PackageName)], c.Price, c.CreatedAt);
}
