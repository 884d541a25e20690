using System.Text.Json;
using Jiayi.Data;
using Jiayi.Data.Audit;
using Jiayi.Data.Residents;
using Jiayi.Engine.Identity;
using Jiayi.Host.Access;
using Jiayi.Host.Audit;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Programmes;
using Jiayi.Host.Security;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Residents;

/// <summary>One entry of a resident's timeline: a service record, a HIS visit, a contract event or an enrolment event.</summary>
public sealed record TimelineEvent(DateOnly Date, string Kind, string KindName, string Title, string? Detail, string? Link, Guid? Id);

/// <summary>The personal health record (D3.1): the resident, the household (D3.2), programmes with their plans, and the timeline.</summary>
public sealed record HealthRecordView(ResidentView Resident, IReadOnlyList<ResidentView> Family, IReadOnlyList<ResidentPlan> Programmes, IReadOnlyList<TimelineEvent> Timeline, bool Remote);

/// <summary>
/// The resident's health record on one page: basic information, family, programmes and a timeline of every record,
/// visit, contract and enrolment event. Inside the caller's area it is an ordinary (logged) read; outside it, a
/// remote lookup (远程查档, D3.3) needs its own permission and a stated reason, and is always logged with it.
/// </summary>
public sealed class HealthRecordService(
    IDbContextFactory<JiayiDbContext> databases, ResidentService residents, PlanService plans, ProgrammeCatalog programmes, Forms.FormCatalog forms,
    FieldProtector protector, AuditLog audit, Clock clock)
{
    public const int MinReason = 4;
    public const int MaxReason = 200;
    public const int MaxEvents = 500;

    /// <summary>The record of a resident in the caller's area (logged), or null.</summary>
    public async Task<HealthRecordView?> GetAsync(AccessInfo access, Guid residentId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var resident = await db.Residents.AsNoTracking().SingleOrDefaultAsync(r => r.Id == residentId, cancellationToken);
        if (resident is null || !access.InScope(resident.OrgPath))
        {
            return null;
        }

        await audit.RecordAsync(AuditActions.Read, "resident", residentId.ToString(), $"查看健康档案（{resident.Name}）", cancellationToken);
        return await BuildAsync(db, access, resident, remote: false, cancellationToken);
    }

    /// <summary>
    /// 远程查档: a resident found by ID number anywhere, for a stated reason. Returns null when no resident has that
    /// number (the attempt is logged all the same). Bad input throws 400.
    /// </summary>
    public async Task<HealthRecordView?> LookupAsync(AccessInfo access, string? idNumber, string? reason, CancellationToken cancellationToken)
    {
        var errors = new List<Jiayi.Engine.Forms.ValidationError>();
        var parsed = ChineseIdNumber.Parse(idNumber, clock.Today);
        if (!parsed.IsValid)
        {
            errors.Add(new("/idNumber", parsed.ErrorCode ?? "format", parsed.Error ?? "身份证号无效"));
        }

        var why = reason?.Trim();
        if (why is null || why.Length < MinReason || why.Length > MaxReason || why.Any(char.IsControl))
        {
            errors.Add(new("/reason", "required", $"请说明查档理由（{MinReason}～{MaxReason} 字），如“转诊接诊需了解既往病史”"));
        }

        if (errors.Count > 0)
        {
            throw ProblemException.Invalid(errors);
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var hash = protector.Hash(parsed.Normalized!);
        var resident = await db.Residents.AsNoTracking().SingleOrDefaultAsync(r => r.IdNumberHash == hash, cancellationToken);
        var masked = ChineseIdNumber.Mask(parsed.Normalized!);
        await audit.RecordAsync(AuditActions.Read, "resident", resident?.Id.ToString(),
            resident is null ? $"远程查档：身份证号 {masked} 未找到（理由：{why}）" : $"远程查档：{resident.Name}（{masked}），理由：{why}", cancellationToken);
        return resident is null ? null : await BuildAsync(db, access, resident, remote: !access.InScope(resident.OrgPath), cancellationToken);
    }

    private async Task<HealthRecordView> BuildAsync(JiayiDbContext db, AccessInfo access, Resident resident, bool remote, CancellationToken cancellationToken)
    {
        var family = resident.HouseholdId is { } household
            ? await db.Residents.AsNoTracking().Where(r => r.HouseholdId == household).OrderBy(r => r.BirthDate).ToListAsync(cancellationToken)
            : [resident];
        var views = await residents.ViewsAsync(db, family, cancellationToken);
        var programmes = await plans.ResidentAsync(access, resident.Id, remote: true, cancellationToken) ?? [];
        return new HealthRecordView(views.Single(v => v.Id == resident.Id), [.. views.Where(v => v.Id != resident.Id)], programmes, await TimelineAsync(db, resident.Id, cancellationToken), remote);
    }

    private async Task<IReadOnlyList<TimelineEvent>> TimelineAsync(JiayiDbContext db, Guid residentId, CancellationToken cancellationToken)
    {
        var events = new List<TimelineEvent>();
        var records = await db.Records.AsNoTracking().Where(r => r.SubjectId == residentId).OrderByDescending(r => r.OccurredOn).Take(MaxEvents)
            .Select(r => new { r.Id, r.FormId, r.FormVersion, r.OccurredOn, r.CreatedAt, r.AuthorName, r.Outcomes }).ToListAsync(cancellationToken);
        var formIds = records.Select(r => r.FormId).Distinct().ToList();
        var titles = (await forms.ListAsync(cancellationToken)).ToDictionary(f => f.Id, f => f.Title, StringComparer.Ordinal);
        events.AddRange(records.Select(r => new TimelineEvent(
            r.OccurredOn ?? DateOnly.FromDateTime(r.CreatedAt), "record", "服务记录", titles.GetValueOrDefault(r.FormId) ?? r.FormId,
            Join(Outcomes(r.Outcomes), r.AuthorName is null ? null : "记录人 " + r.AuthorName), $"records/{r.Id}", r.Id)));

        var visits = await db.HisVisits.AsNoTracking().Where(v => v.ResidentId == residentId).OrderByDescending(v => v.VisitDate).Take(MaxEvents).ToListAsync(cancellationToken);
        events.AddRange(visits.Select(v => new TimelineEvent(
            v.VisitDate, "visit", v.Kind == Integrations.HisIntake.Inpatient ? "住院" : "门诊", $"{v.InstitutionName}{(v.Department is null ? "" : " " + v.Department)}",
            Join(string.Join("、", Diagnoses(v.Diagnoses)), v.DischargeDate is { } d ? $"出院 {d:yyyy-MM-dd}" : null), null, v.Id)));

        var contracts = await db.Contracts.AsNoTracking().Where(c => c.ResidentId == residentId).ToListAsync(cancellationToken);
        foreach (var c in contracts)
        {
            events.Add(new TimelineEvent(c.StartDate, "contract", "签约", $"签约 {c.TeamName}（{c.DoctorName}）", $"{c.Number} · {c.Status} · 服务期至 {c.EndDate:yyyy-MM-dd}", $"contracts/{c.Id}", c.Id));
            if (c.TerminatedOn is { } ended)
            {
                events.Add(new TimelineEvent(ended, "contract", "解约", $"解约 {c.TeamName}", c.TerminationReason, $"contracts/{c.Id}", c.Id));
            }
        }

        var enrolments = await db.Enrolments.AsNoTracking().Where(e => e.ResidentId == residentId).ToListAsync(cancellationToken);
        var programmeTitles = (await programmes.ListAsync(cancellationToken)).ToDictionary(p => p.Id, p => p.Title, StringComparer.Ordinal);
        foreach (var e in enrolments)
        {
            var title = programmeTitles.GetValueOrDefault(e.ProgrammeId) ?? e.ProgrammeId;
            events.Add(new TimelineEvent(e.StartedOn, "enrolment", "纳入管理", $"纳入{title}", e.Source switch { "age" => "按年龄自动纳入", "record" => "首次记录时纳入", _ => e.CreatedByName is null ? null : "登记人 " + e.CreatedByName }, null, e.Id));
            if (e.StoppedOn is { } stopped)
            {
                events.Add(new TimelineEvent(stopped, "enrolment", "结案", $"{title}结案", e.StopReason, null, e.Id));
            }
        }

        return [.. events.OrderByDescending(e => e.Date).ThenBy(e => e.Kind, StringComparer.Ordinal).Take(MaxEvents)];
    }

    private static string? Join(params string?[] parts) => string.Join(" · ", parts.Where(p => !string.IsNullOrWhiteSpace(p))) is { Length: > 0 } s ? s : null;

    /// <summary>The text outcomes of a record (e.g. 控制不满意, 轻度依赖), at most three.</summary>
    private static string? Outcomes(string json)
    {
        using var document = JsonDocument.Parse(json);
        var texts = document.RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String)
            .Select(p => p.Value.GetString()).Where(t => t is { Length: > 0 and <= 30 } && !char.IsDigit(t[0])).Take(3).ToList();
        return texts.Count == 0 ? null : string.Join("，", texts);
    }

    private static IEnumerable<string> Diagnoses(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.ValueKind == JsonValueKind.Array
            ? [.. document.RootElement.EnumerateArray().Select(d => $"{d.GetProperty("name").GetString()}（{d.GetProperty("code").GetString()}）")]
            : [];
    }
}
