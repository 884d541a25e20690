using Jiayi.Data;
using Jiayi.Data.Contracts;
using Jiayi.Engine.Integrations;
using Jiayi.Host.Access;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Integrations;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Contracts;

/// <summary>What fulfilled an item: a service record or a HIS visit.</summary>
public sealed record FulfilmentEvidence(string Kind, Guid Id, DateOnly Date, string Title);

/// <summary>
/// One package item of a contract: planned for the period (times a year × the period), due by today (pro rata),
/// done (records of its form or HIS visits of its service type inside the period); done is null for items fulfilled
/// by hand that are not counted automatically.
/// </summary>
public sealed record FulfilmentItem(
    string PackageName, string ItemName, string? FormId, string? ServiceType, string Source, string SourceName,
    int Planned, int DueToDate, int? Done, IReadOnlyList<FulfilmentEvidence> Evidence);

public sealed record ContractFulfilment(
    Guid ContractId, string Number, Guid ResidentId, string ResidentName, string TeamName, string DoctorName, DateOnly StartDate, DateOnly EndDate, DateOnly AsOf,
    int Planned, int DueToDate, int Done, decimal? Rate, decimal? RateToDate, IReadOnlyList<FulfilmentItem> Items);

/// <summary>
/// 履约: a contract's package items that name a form or a service type are fulfilled by matching records and HIS
/// visits inside the contract period. Rates count at most the planned number per item, so one item done twice
/// as often does not hide another not done at all.
/// </summary>
public sealed class ContractFulfilmentService(IDbContextFactory<JiayiDbContext> databases, ServiceTypeCatalog types, Programmes.ProgrammeCatalog programmes, Forms.FormCatalog forms, Clock clock)
{
    public const string FromRecords = "record";
    public const string FromHis = "his";
    public const string ByHand = "manual";
    public const string NotApplicable = "not-applicable";

    public async Task<ContractFulfilment?> GetAsync(AccessInfo access, Guid contractId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var contract = await db.Contracts.AsNoTracking().SingleOrDefaultAsync(c => c.Id == contractId, cancellationToken);
        if (contract is null || !access.InScope(contract.OrgPath))
        {
            return null;
        }

        var today = clock.Today;
        var asOf = contract.EndDate < today ? contract.EndDate : today;
        if (contract.TerminatedOn is { } terminated && terminated < asOf)
        {
            asOf = terminated;
        }

        var periodDays = contract.EndDate.DayNumber - contract.StartDate.DayNumber + 1;
        var elapsedDays = Math.Clamp(asOf.DayNumber - contract.StartDate.DayNumber + 1, 0, periodDays);
        var items = await db.ContractPackages.AsNoTracking().Where(p => p.ContractId == contract.Id)
            .Join(db.PackageItems, p => p.PackageId, i => i.PackageId, (p, i) => new { p.PackageName, p.Kind, i.Name, i.FormId, i.ServiceType, i.TimesPerYear, i.Order })
            .OrderBy(i => i.Kind).ThenBy(i => i.PackageName).ThenBy(i => i.Order).ToListAsync(cancellationToken);

        var formIds = items.Where(i => i.FormId != null).Select(i => i.FormId!).Distinct().ToList();
        var records = await db.Records.AsNoTracking()
            .Where(r => r.SubjectId == contract.ResidentId && formIds.Contains(r.FormId) && r.OccurredOn >= contract.StartDate && r.OccurredOn <= asOf)
            .OrderBy(r => r.OccurredOn).Select(r => new { r.Id, r.FormId, r.OccurredOn }).ToListAsync(cancellationToken);
        var visits = await db.HisVisits.AsNoTracking()
            .Where(v => v.ResidentId == contract.ResidentId && v.VisitDate >= contract.StartDate && v.VisitDate <= asOf)
            .OrderBy(v => v.VisitDate).ToListAsync(cancellationToken);
        var codes = visits.ToDictionary(v => v.Id, v => HisIntake.Codes(v.Diagnoses));
        var catalog = await types.GetAsync(cancellationToken);
        var formTitles = (await forms.ListAsync(cancellationToken)).ToDictionary(f => f.Id, f => f.Title, StringComparer.Ordinal);

        // An item whose form belongs to a programme's plan (e.g. 高血压患者随访) applies only to residents enrolled in
        // that programme during the contract; other items apply to everyone who signed the package.
        var all = await programmes.ListAsync(cancellationToken);
        var enrolled = await db.Enrolments.AsNoTracking()
            .Where(e => e.ResidentId == contract.ResidentId && e.StartedOn <= asOf && (e.StoppedOn == null || e.StoppedOn >= contract.StartDate))
            .Select(e => e.ProgrammeId).ToListAsync(cancellationToken);
        var result = new List<FulfilmentItem>();
        foreach (var item in items)
        {
            var planned = (int)Math.Round(item.TimesPerYear * periodDays / 365.25m, MidpointRounding.AwayFromZero);
            if (item.TimesPerYear > 0 && planned == 0)
            {
                planned = 1;
            }

            var dueToDate = (int)Math.Floor((decimal)planned * elapsedDays / periodDays);
            var owners = item.FormId is { } f ? all.Where(p => p.Services.Any(s => s.Form == f || s.Points.Any(pt => pt.Form == f))).ToList() : [];
            if (owners.Count > 0 && !owners.Any(p => enrolled.Contains(p.Id)))
            {
                result.Add(new FulfilmentItem(item.PackageName, item.Name, item.FormId, item.ServiceType, NotApplicable,
                    $"不适用：未纳入{string.Join("或", owners.Select(p => p.Title))}", 0, 0, null, []));
                continue;
            }

            if (item.FormId is { } form)
            {
                var evidence = records.Where(r => r.FormId == form)
                    .Select(r => new FulfilmentEvidence("record", r.Id, r.OccurredOn!.Value, formTitles.GetValueOrDefault(form) ?? form)).ToList();
                result.Add(new FulfilmentItem(item.PackageName, item.Name, form, item.ServiceType, FromRecords, "服务记录", planned, dueToDate, evidence.Count, evidence));
            }
            else if (catalog?.Find(item.ServiceType) is { Source: ServiceType.His } type)
            {
                var evidence = visits.Where(v => type.Matches(v.Kind, codes[v.Id]))
                    .Select(v => new FulfilmentEvidence("visit", v.Id, v.VisitDate, $"{(v.Kind == HisIntake.Inpatient ? "住院" : "门诊")} · {v.InstitutionName}")).ToList();
                result.Add(new FulfilmentItem(item.PackageName, item.Name, null, item.ServiceType, FromHis, "区域 HIS", planned, dueToDate, evidence.Count, evidence));
            }
            else
            {
                result.Add(new FulfilmentItem(item.PackageName, item.Name, null, item.ServiceType, ByHand, "手工登记（暂不自动统计）", planned, dueToDate, null, []));
            }
        }

        var counted = result.Where(i => i.Done is not null && i.Planned > 0).ToList();
        var plannedTotal = counted.Sum(i => i.Planned);
        var dueTotal = counted.Sum(i => i.DueToDate);
        var doneTotal = counted.Sum(i => Math.Min(i.Done!.Value, i.Planned));
        var doneToDate = counted.Sum(i => Math.Min(i.Done!.Value, i.DueToDate));
        return new ContractFulfilment(
            contract.Id, contract.Number, contract.ResidentId, contract.ResidentName, contract.TeamName, contract.DoctorName, contract.StartDate, contract.EndDate, asOf,
            plannedTotal, dueTotal, doneTotal,
            plannedTotal == 0 ? null : Math.Round(100m * doneTotal / plannedTotal, 1),
            dueTotal == 0 ? null : Math.Round(100m * doneToDate / dueTotal, 1),
            result);
    }
}
