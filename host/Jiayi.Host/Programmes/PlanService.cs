using System.Collections.Frozen;
using System.Text.Json;
using Jiayi.Data;
using Jiayi.Data.Audit;
using Jiayi.Data.Contracts;
using Jiayi.Data.FollowUps;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Programmes;
using Jiayi.Host.Access;
using Jiayi.Host.Audit;
using Jiayi.Host.Forms;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Parameters;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Programmes;

/// <summary>One service due (or done) for one resident: the rows of the due lists.</summary>
public sealed record DueRow(
    Guid ResidentId, string ResidentName, string Sex, int Age, string IdNumberMasked, string? PhoneMasked,
    string? Programme, string ProgrammeTitle, string Service, string Label, string FormId, DateOnly DueOn, DateOnly OpenFrom, DateOnly OverdueAfter,
    string Status, string StatusLabel, string? Reason, Guid? RecordId, DateOnly? DoneOn, string? TeamName, string? DoctorName, Guid? FollowUpId = null);

public sealed record DueCount(string Name, int Due, int Overdue, int Upcoming, int Done);

public sealed record DuePage(
    IReadOnlyList<DueRow> Items, int Total, int Page, int PageSize, DateOnly From, DateOnly To,
    DueCount Totals, IReadOnlyList<DueCount> ByTeam, IReadOnlyList<DueCount> ByDoctor, IReadOnlyList<DueCount> ByProgramme);

public sealed record DueQuery(Guid? Team, string? Programme, DateOnly? From, DateOnly? To, IReadOnlyList<string> Statuses, Guid? Doctor, Guid? Resident, int Page, int PageSize, string? Text = null);

/// <summary>A resident's enrolment with its whole plan: every service done and to do.</summary>
public sealed record ResidentPlan(EnrolmentView Enrolment, IReadOnlyList<DueItem> Items, IReadOnlyDictionary<string, string?> Attributes);

/// <summary>
/// Follow-up plans at work: computed from the programme definitions, the enrolments and the records each time they
/// are asked for (nothing to keep in step when a definition or a record changes). Due lists for teams and
/// doctors, and a resident's whole plan.
/// </summary>
public sealed class PlanService(
    IDbContextFactory<JiayiDbContext> databases,
    ProgrammeCatalog programmes,
    FormCatalog forms,
    SystemParameters parameters,
    AuditLog audit,
    Clock clock)
{
    /// <summary>How far back the due lists look by default: older misses are history, not work.</summary>
    public const int DefaultLookBackDays = 365;

    /// <summary>How far ahead the due lists look by default.</summary>
    public const int DefaultLookAheadDays = 30;

    /// <summary>Workflow follow-ups (签约后首次随访 …) are due from this many days before their date.</summary>
    public const int FollowUpLeadDays = 14;

    public const int MaxEnrolments = 20_000;

    private sealed record ResidentRow(Guid Id, string Name, string Sex, DateOnly BirthDate, string IdNumberMasked, string? PhoneMasked);

    private sealed record RecordRow(Guid Id, string FormId, int FormVersion, Guid? SubjectId, DateOnly? OccurredOn, DateTime CreatedAt, string Data, string Outcomes);

    private sealed record Signed(Guid TeamId, string TeamName, Guid? DoctorId, string DoctorName);

    public async Task<DuePage> DueAsync(AccessInfo access, DueQuery query, CancellationToken cancellationToken)
    {
        var today = clock.Today;
        var from = query.From ?? today.AddDays(-DefaultLookBackDays);
        var to = query.To ?? today.AddDays(DefaultLookAheadDays);
        var all = await programmes.ListAsync(cancellationToken);
        if (query.Programme is { } wanted && all.All(p => p.Id != wanted))
        {
            throw ProblemException.Invalid("/programme", "not-found", $"管理项目“{wanted}”不存在；可用：{string.Join("、", all.Select(p => $"{p.Id}（{p.Title}）"))}");
        }

        var chosen = all.Where(p => query.Programme is null || p.Id == query.Programme).ToDictionary(p => p.Id, StringComparer.Ordinal);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var scope = access.ScopePath;
        var teamPath = await TeamPathAsync(db, access, query.Team, cancellationToken);

        var enrolments = db.Enrolments.AsNoTracking()
            .Where(e => e.OrgPath.StartsWith(scope) && (e.StoppedOn == null || e.StoppedOn >= from) && chosen.Keys.Contains(e.ProgrammeId));
        enrolments = query.Resident is { } resident ? enrolments.Where(e => e.ResidentId == resident) : enrolments;
        var named = query.Text is { } text ? db.Residents.Where(r => r.Name.Contains(text)).Select(r => r.Id) : null;
        enrolments = named is null ? enrolments : enrolments.Where(e => named.Contains(e.ResidentId));
        var effective = db.Contracts.Where(c => c.State == ContractStates.Effective);
        if (query.Team is { } team)
        {
            var signedWithTeam = effective.Where(c => c.TeamId == team).Select(c => c.ResidentId);
            enrolments = enrolments.Where(e => signedWithTeam.Contains(e.ResidentId) || e.OrgPath.StartsWith(teamPath!));
        }

        if (query.Doctor is { } doctor)
        {
            var signedWithDoctor = effective.Where(c => c.DoctorUserId == doctor).Select(c => c.ResidentId);
            enrolments = enrolments.Where(e => signedWithDoctor.Contains(e.ResidentId));
        }

        var enrolmentRows = await enrolments.OrderBy(e => e.Id).Take(MaxEnrolments).ToListAsync(cancellationToken);

        // Follow-ups scheduled by workflows (e.g. the first visit after signing) join the list when no programme is chosen.
        var followUps = new List<FollowUp>();
        if (query.Programme is null)
        {
            var pending = db.FollowUps.AsNoTracking().Where(f => f.OrgPath.StartsWith(scope) && f.Status == FollowUpStatus.Pending && f.DueOn <= to);
            pending = query.Resident is { } r ? pending.Where(f => f.ResidentId == r) : pending;
            pending = named is null ? pending : pending.Where(f => named.Contains(f.ResidentId));
            if (query.Team is { } t)
            {
                var signedWithTeam = effective.Where(c => c.TeamId == t).Select(c => c.ResidentId);
                pending = pending.Where(f => signedWithTeam.Contains(f.ResidentId) || f.OrgPath.StartsWith(teamPath!));
            }

            if (query.Doctor is { } d)
            {
                var signedWithDoctor = effective.Where(c => c.DoctorUserId == d).Select(c => c.ResidentId);
                pending = pending.Where(f => signedWithDoctor.Contains(f.ResidentId));
            }

            followUps = await pending.OrderBy(f => f.DueOn).Take(MaxEnrolments).ToListAsync(cancellationToken);
        }

        var residentIds = enrolmentRows.Select(e => e.ResidentId).Concat(followUps.Select(f => f.ResidentId)).Distinct().ToList();
        var residents = await ResidentsAsync(db, residentIds, cancellationToken);
        var signed = await SignedAsync(db, residentIds, cancellationToken);
        var records = await RecordsAsync(db, residentIds, chosen.Values.SelectMany(p => p.Forms).ToHashSet(StringComparer.Ordinal), cancellationToken);
        var evaluator = new RecordEvaluator(forms, parameters, today);

        var rows = new List<DueRow>();
        foreach (var enrolment in enrolmentRows)
        {
            if (!residents.TryGetValue(enrolment.ResidentId, out var person))
            {
                continue;
            }

            var programme = chosen[enrolment.ProgrammeId];
            var items = await PlanAsync(programme, enrolment, person, records, evaluator, today, cancellationToken);
            var contract = signed.GetValueOrDefault(person.Id);
            foreach (var item in items)
            {
                var day = item.Status == DueStatus.Done ? item.DoneOn!.Value : item.DueOn;
                if (day >= from && day <= to)
                {
                    rows.Add(Row(person, programme.Id, programme.Title, item, contract, today));
                }
            }
        }

        foreach (var followUp in followUps)
        {
            if (residents.TryGetValue(followUp.ResidentId, out var person) && followUp.DueOn >= from)
            {
                var status = DueStatus.Of(today, followUp.DueOn.AddDays(-FollowUpLeadDays), followUp.DueOn);
                var item = new DueItem
                {
                    Programme = "", Service = "workflow", ServiceLabel = "签约随访", Label = followUp.Title, FormId = followUp.FormId,
                    DueOn = followUp.DueOn, OpenFrom = followUp.DueOn.AddDays(-FollowUpLeadDays), OverdueAfter = followUp.DueOn, Status = status, Reason = "签约流程安排",
                };
                rows.Add(Row(person, null, "签约随访", item, signed.GetValueOrDefault(person.Id), today) with { FollowUpId = followUp.Id });
            }
        }

        static DueCount Count(string name, IEnumerable<DueRow> rows)
        {
            var list = rows.ToList();
            return new DueCount(name, list.Count(r => r.Status == DueStatus.Due), list.Count(r => r.Status == DueStatus.Overdue), list.Count(r => r.Status == DueStatus.Upcoming), list.Count(r => r.Status == DueStatus.Done));
        }

        var totals = Count("合计", rows);
        var byTeam = rows.GroupBy(r => r.TeamName ?? "未签约").Select(g => Count(g.Key, g)).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        var byDoctor = rows.GroupBy(r => r.DoctorName ?? "未签约").Select(g => Count(g.Key, g)).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        var byProgramme = rows.GroupBy(r => r.ProgrammeTitle).Select(g => Count(g.Key, g)).ToList();
        var shown = rows.Where(r => query.Statuses.Contains(r.Status))
            .OrderBy(r => r.Status == DueStatus.Done ? 1 : 0).ThenBy(r => r.DueOn).ThenBy(r => r.ResidentName, StringComparer.Ordinal).ToList();
        var pageItems = shown.Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToList();
        await audit.RecordAsync(AuditActions.Read, "resident", query.Resident?.ToString(), $"查看随访计划列表：第 {query.Page} 页 {pageItems.Count} 条", cancellationToken);
        return new DuePage(pageItems, shown.Count, query.Page, query.PageSize, from, to, totals, byTeam, byDoctor, byProgramme);
    }

    /// <summary>Every enrolment of a resident with its whole plan (a read of personal health data: logged); null when out of scope.</summary>
    public Task<IReadOnlyList<ResidentPlan>?> ResidentAsync(AccessInfo access, Guid residentId, CancellationToken cancellationToken) =>
        ResidentAsync(access, residentId, remote: false, cancellationToken);

    /// <param name="remote">A remote lookup (远程查档) already allowed and logged by the caller: the scope is not checked again.</param>
    internal async Task<IReadOnlyList<ResidentPlan>?> ResidentAsync(AccessInfo access, Guid residentId, bool remote, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var residents = await ResidentsAsync(db, [residentId], cancellationToken);
        var orgPath = await db.Residents.Where(r => r.Id == residentId).Select(r => r.OrgPath).SingleOrDefaultAsync(cancellationToken);
        if (!residents.TryGetValue(residentId, out var person) || !(remote || access.InScope(orgPath)))
        {
            return null;
        }

        var all = (await programmes.ListAsync(cancellationToken)).ToDictionary(p => p.Id, StringComparer.Ordinal);
        var enrolments = await db.Enrolments.AsNoTracking().Where(e => e.ResidentId == residentId).OrderBy(e => e.StartedOn).ToListAsync(cancellationToken);
        var records = await RecordsAsync(db, [residentId], all.Values.SelectMany(p => p.Forms).ToHashSet(StringComparer.Ordinal), cancellationToken);
        var today = clock.Today;
        var evaluator = new RecordEvaluator(forms, parameters, today);
        var result = new List<ResidentPlan>();
        foreach (var enrolment in enrolments)
        {
            if (!all.TryGetValue(enrolment.ProgrammeId, out var programme))
            {
                continue;
            }

            var items = await PlanAsync(programme, enrolment, person, records, evaluator, today, cancellationToken);
            var planRecords = await evaluator.PlanRecordsAsync(records.GetValueOrDefault(residentId) ?? [], person, programme.Forms, cancellationToken);
            var attributes = programme.ResolveAttributes(Enrolment(programme, enrolment), planRecords)
                .ToDictionary(a => a.Key, a => a.Value.IsNull ? null : a.Value.ToString(), StringComparer.Ordinal);
            var view = EnrolmentService.View(enrolment, person.Name, programme.Title);
            result.Add(new ResidentPlan(view, items, attributes));
        }

        if (!remote)
        {
            await audit.RecordAsync(AuditActions.Read, "resident", residentId.ToString(), $"查看随访计划（{person.Name}）", cancellationToken);
        }

        return result;
    }

    private static async Task<IReadOnlyList<DueItem>> PlanAsync(
        CompiledProgramme programme, Jiayi.Data.Programmes.Enrolment enrolment, ResidentRow person, Dictionary<Guid, List<RecordRow>> records,
        RecordEvaluator evaluator, DateOnly today, CancellationToken cancellationToken)
    {
        var planRecords = await evaluator.PlanRecordsAsync(records.GetValueOrDefault(person.Id) ?? [], person, programme.Forms, cancellationToken);
        var overrides = await evaluator.OverridesAsync(programme, cancellationToken);
        return programme.Plan(new PlanInput(new PlanSubject(person.BirthDate, person.Sex), Enrolment(programme, enrolment), planRecords, today) { ParameterOverrides = overrides });
    }

    private static PlanEnrolment Enrolment(CompiledProgramme programme, Jiayi.Data.Programmes.Enrolment enrolment) =>
        new(enrolment.StartedOn, enrolment.StoppedOn, EnrolmentService.AttributeValues(programme, enrolment.Attributes));


    private static DueRow Row(ResidentRow person, string? programme, string title, DueItem item, Signed? contract, DateOnly today) => new(
        person.Id, person.Name, person.Sex, CompiledProgramme.AgeOn(person.BirthDate, today), person.IdNumberMasked, person.PhoneMasked,
        programme, title, item.Service, item.Label, item.FormId, item.DueOn, item.OpenFrom, item.OverdueAfter, item.Status, DueStatus.Label(item.Status),
        item.Reason, item.RecordId, item.DoneOn, contract?.TeamName, contract?.DoctorName);

    private static async Task<string?> TeamPathAsync(JiayiDbContext db, AccessInfo access, Guid? team, CancellationToken cancellationToken)
    {
        if (team is null)
        {
            return null;
        }

        var path = await db.Organizations.Where(o => o.Id == team).Select(o => o.Path).SingleOrDefaultAsync(cancellationToken);
        // A team outside the caller's area is as unknown as one that does not exist.
        if (path is null || !(access.InScope(path) || path.Length < access.ScopePath.Length && access.ScopePath.StartsWith(path, StringComparison.Ordinal)))
        {
            throw ProblemException.Invalid("/team", "not-found", $"团队“{team}”不存在或不在您的管辖范围内");
        }

        return path;
    }

    private static async Task<Dictionary<Guid, ResidentRow>> ResidentsAsync(JiayiDbContext db, List<Guid> ids, CancellationToken cancellationToken) =>
        await db.Residents.AsNoTracking().Where(r => ids.Contains(r.Id))
            .Select(r => new ResidentRow(r.Id, r.Name, r.Sex, r.BirthDate, r.IdNumberMasked, r.PhoneMasked))
            .ToDictionaryAsync(r => r.Id, cancellationToken);

    private static async Task<Dictionary<Guid, Signed>> SignedAsync(JiayiDbContext db, List<Guid> ids, CancellationToken cancellationToken)
    {
        var rows = await db.Contracts.AsNoTracking().Where(c => c.State == ContractStates.Effective && ids.Contains(c.ResidentId))
            .Select(c => new { c.ResidentId, c.TeamId, c.TeamName, c.DoctorUserId, c.DoctorName, c.StartDate }).ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.ResidentId).ToDictionary(g => g.Key, g =>
        {
            var c = g.OrderByDescending(x => x.StartDate).First();
            return new Signed(c.TeamId, c.TeamName, c.DoctorUserId, c.DoctorName);
        });
    }

    private static async Task<Dictionary<Guid, List<RecordRow>>> RecordsAsync(JiayiDbContext db, List<Guid> residentIds, HashSet<string> formIds, CancellationToken cancellationToken)
    {
        var forms = formIds.ToList();
        var rows = await db.Records.AsNoTracking()
            .Where(r => r.SubjectId != null && residentIds.Contains(r.SubjectId.Value) && forms.Contains(r.FormId))
            .Select(r => new RecordRow(r.Id, r.FormId, r.FormVersion, r.SubjectId, r.OccurredOn, r.CreatedAt, r.Data, r.Outcomes))
            .ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.SubjectId!.Value).ToDictionary(g => g.Key, g => g.ToList());
    }

    /// <summary>
    /// Turns stored records into plan records: answers re-read through the form version they were filled in
    /// (only when a plan rule reads them), outcomes as they were computed and shown when the record was saved.
    /// </summary>
    private sealed class RecordEvaluator(FormCatalog forms, SystemParameters parameters, DateOnly today)
    {
        private readonly Dictionary<(string, int), (CompiledForm? Form, FrozenDictionary<string, Value> Overrides)> _forms = [];
        private readonly Dictionary<string, FrozenDictionary<string, Value>> _programmeOverrides = new(StringComparer.Ordinal);

        public async Task<IReadOnlyDictionary<string, Value>> OverridesAsync(CompiledProgramme programme, CancellationToken cancellationToken)
        {
            if (!_programmeOverrides.TryGetValue(programme.Id, out var overrides))
            {
                overrides = await parameters.OverridesForAsync(programme.Parameters, cancellationToken);
                _programmeOverrides[programme.Id] = overrides;
            }

            return overrides;
        }

        public async Task<IReadOnlyList<PlanRecord>> PlanRecordsAsync(List<RecordRow> rows, ResidentRow person, System.Collections.Immutable.ImmutableSortedSet<string> formIds, CancellationToken cancellationToken)
        {
            var result = new List<PlanRecord>(rows.Count);
            foreach (var row in rows.Where(r => formIds.Contains(r.FormId)))
            {
                if (!_forms.TryGetValue((row.FormId, row.FormVersion), out var entry))
                {
                    var form = await forms.GetAsync(row.FormId, row.FormVersion, cancellationToken);
                    entry = (form, form is null ? FrozenDictionary<string, Value>.Empty : await parameters.OverridesForAsync(form, cancellationToken));
                    _forms[(row.FormId, row.FormVersion)] = entry;
                }

                if (entry.Form is not { } compiled)
                {
                    continue;
                }

                var context = new EvaluationContext(today) { Subject = new SubjectInfo(person.BirthDate, person.Sex), ParameterOverrides = entry.Overrides };
                var answers = new Lazy<EvaluationResult>(() =>
                {
                    using var document = JsonDocument.Parse(row.Data);
                    return compiled.Evaluate(document.RootElement.Clone(), context);
                });
                var outcomes = new Lazy<Dictionary<string, Value>>(() => Outcomes(compiled, row.Outcomes));
                var date = row.OccurredOn ?? DateOnly.FromDateTime(row.CreatedAt);
                result.Add(new PlanRecord(row.Id, row.FormId, date,
                    key => compiled.FindField(key) is { } field ? answers.Value.Value(field) : Value.Null,
                    key => outcomes.Value.GetValueOrDefault(key, Value.Null)));
            }

            return result;
        }

        private static Dictionary<string, Value> Outcomes(CompiledForm form, string json)
        {
            var values = new Dictionary<string, Value>(StringComparer.Ordinal);
            using var document = JsonDocument.Parse(json);
            foreach (var outcome in form.Outcomes)
            {
                if (!document.RootElement.TryGetProperty(outcome.Key, out var v))
                {
                    continue;
                }

                values[outcome.Key] = v.ValueKind switch
                {
                    JsonValueKind.Number => Value.Number(v.GetDecimal()),
                    JsonValueKind.True => Value.True,
                    JsonValueKind.False => Value.False,
                    JsonValueKind.String when outcome.Type == ExprType.Date && DateOnly.TryParse(v.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var d) => Value.Date(d),
                    JsonValueKind.String => Value.Text(v.GetString()),
                    _ => Value.Null,
                };
            }

            return values;
        }
    }
}
