using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jiayi.Data;
using Jiayi.Data.Programmes;
using Jiayi.Data.Residents;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Programmes;
using Jiayi.Host.Access;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Parameters;
using Jiayi.Host.Residents;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Programmes;

public sealed record EnrolmentView(
    Guid Id, Guid ResidentId, string ResidentName, string ProgrammeId, string ProgrammeTitle, DateOnly StartedOn, DateOnly? StoppedOn,
    string? StopReason, string Source, JsonObject Attributes, string? Note, bool Active, string? CreatedByName, DateTime CreatedAt);

public sealed record EnrolRequest(Guid ResidentId, string ProgrammeId, DateOnly? StartedOn, JsonElement? Attributes, string? Note);

public sealed record StopRequest(DateOnly StoppedOn, string Reason, string? Note);

/// <summary>
/// Enrolment in programmes: by a doctor (manual programmes), by a first record of an enrolOn form, and by birth
/// date for age programmes (a daily job and every resident save). One open enrolment per resident and programme.
/// </summary>
public sealed partial class EnrolmentService(
    IDbContextFactory<JiayiDbContext> databases,
    ProgrammeCatalog programmes,
    SystemParameters parameters,
    Clock clock,
    ILogger<EnrolmentService> logger)
{
    public const string AgedOutReason = "超出年龄范围";
    public const int MaxText = 200;

    public async Task<IReadOnlyList<EnrolmentView>> ListAsync(AccessInfo access, Guid? residentId, string? programmeId, bool? active, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var scope = access.ScopePath;
        var rows = db.Enrolments.AsNoTracking().Where(e => e.OrgPath.StartsWith(scope));
        rows = residentId is { } r ? rows.Where(e => e.ResidentId == r) : rows;
        rows = programmeId is { } p ? rows.Where(e => e.ProgrammeId == p) : rows;
        rows = active switch { true => rows.Where(e => e.StoppedOn == null), false => rows.Where(e => e.StoppedOn != null), _ => rows };
        var list = await rows.OrderBy(e => e.StartedOn).Take(2000)
            .Join(db.Residents, e => e.ResidentId, x => x.Id, (e, x) => new { e, x.Name }).ToListAsync(cancellationToken);
        var titles = (await programmes.ListAsync(cancellationToken)).ToDictionary(x => x.Id, x => x.Title, StringComparer.Ordinal);
        return [.. list.Select(x => View(x.e, x.Name, titles.GetValueOrDefault(x.e.ProgrammeId) ?? x.e.ProgrammeId))];
    }

    /// <summary>Enrols a resident in a manual programme (400 bad fields, 404 resident, 409 already enrolled).</summary>
    public async Task<EnrolmentView> EnrolAsync(AccessInfo access, EnrolRequest request, CancellationToken cancellationToken)
    {
        var errors = new List<ValidationError>();
        var programme = await programmes.GetAsync(request.ProgrammeId, cancellationToken);
        if (programme is null)
        {
            throw ProblemException.Invalid("/programmeId", "not-found", $"管理项目“{request.ProgrammeId}”不存在");
        }

        if (programme.ByAge)
        {
            throw ProblemException.Invalid("/programmeId", "by-age", $"“{programme.Title}”按出生日期自动入组，不能手工登记");
        }

        var today = clock.Today;
        var started = request.StartedOn ?? today;
        if (started > today)
        {
            errors.Add(new ValidationError("/startedOn", "range", "入组日期不能晚于今天"));
        }

        var attributes = ReadAttributes(programme, request.Attributes, requireAll: true, errors);
        var note = Trimmed(request.Note, "/note", "备注", 500, errors);
        if (errors.Count > 0)
        {
            throw ProblemException.Invalid(errors);
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var resident = await db.Residents.SingleOrDefaultAsync(x => x.Id == request.ResidentId, cancellationToken);
        if (resident is null || !access.InScope(resident.OrgPath))
        {
            throw new ProblemException(StatusCodes.Status404NotFound, "resident-not-found", "居民不存在", $"居民“{request.ResidentId}”不存在或不在您的管辖范围内");
        }

        if (started < resident.BirthDate)
        {
            throw ProblemException.Invalid("/startedOn", "range", "入组日期不能早于出生日期");
        }

        if (await db.Enrolments.AnyAsync(e => e.ResidentId == resident.Id && e.ProgrammeId == programme.Id && e.StoppedOn == null, cancellationToken))
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "already-enrolled", "已在管", $"{resident.Name}已在“{programme.Title}”中管理，请勿重复登记");
        }

        var enrolment = New(resident, programme, started, EnrolmentSources.Manual, null, access);
        enrolment.Attributes = attributes.ToJsonString();
        enrolment.Note = note;
        db.Enrolments.Add(enrolment);
        Tag(resident, programme);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Enrolled by another save at the same moment (one open enrolment per resident and programme).
            throw new ProblemException(StatusCodes.Status409Conflict, "already-enrolled", "已在管", $"{resident.Name}已在“{programme.Title}”中管理，请勿重复登记");
        }

        return View(enrolment, resident.Name, programme.Title);
    }

    /// <summary>Changes the attributes and note of an enrolment (e.g. the delivery date once known).</summary>
    public async Task<EnrolmentView?> UpdateAsync(AccessInfo access, Guid id, JsonElement? attributes, string? note, bool noteGiven, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var enrolment = await db.Enrolments.SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (enrolment is null || !access.InScope(enrolment.OrgPath))
        {
            return null;
        }

        var programme = await programmes.GetAsync(enrolment.ProgrammeId, cancellationToken)
            ?? throw new ProblemException(StatusCodes.Status409Conflict, "programme-gone", "管理项目已停用", $"管理项目“{enrolment.ProgrammeId}”已不存在");
        var errors = new List<ValidationError>();
        if (attributes is not null)
        {
            var merged = JsonNode.Parse(enrolment.Attributes)!.AsObject();
            foreach (var (key, value) in ReadAttributes(programme, attributes, requireAll: false, errors))
            {
                merged[key] = value?.DeepClone();
            }

            enrolment.Attributes = merged.ToJsonString();
        }

        if (noteGiven)
        {
            enrolment.Note = Trimmed(note, "/note", "备注", 500, errors);
        }

        if (errors.Count > 0)
        {
            throw ProblemException.Invalid(errors);
        }

        enrolment.UpdatedAt = clock.UtcNow;
        await db.SaveChangesAsync(cancellationToken);
        var name = await db.Residents.Where(r => r.Id == enrolment.ResidentId).Select(r => r.Name).SingleAsync(cancellationToken);
        return View(enrolment, name, programme.Title);
    }

    /// <summary>Stops (结案) an open enrolment with one of the programme's reasons.</summary>
    public async Task<EnrolmentView?> StopAsync(AccessInfo access, Guid id, StopRequest request, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var enrolment = await db.Enrolments.SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (enrolment is null || !access.InScope(enrolment.OrgPath))
        {
            return null;
        }

        if (enrolment.StoppedOn is not null)
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "already-stopped", "已结案", $"该入组已于 {enrolment.StoppedOn:yyyy-MM-dd} 结案");
        }

        var programme = await programmes.GetAsync(enrolment.ProgrammeId, cancellationToken);
        var reasons = programme?.StopReasons ?? [];
        var errors = new List<ValidationError>();
        if (!reasons.Contains(request.Reason))
        {
            errors.Add(new ValidationError("/reason", "enum", $"结案原因应为：{string.Join("、", reasons)}"));
        }

        if (request.StoppedOn < enrolment.StartedOn || request.StoppedOn > clock.Today)
        {
            errors.Add(new ValidationError("/stoppedOn", "range", $"结案日期应在入组日期（{enrolment.StartedOn:yyyy-MM-dd}）与今天之间"));
        }

        var note = Trimmed(request.Note, "/note", "备注", 500, errors);
        if (errors.Count > 0)
        {
            throw ProblemException.Invalid(errors);
        }

        enrolment.StoppedOn = request.StoppedOn;
        enrolment.StopReason = request.Reason;
        enrolment.Note = note ?? enrolment.Note;
        enrolment.UpdatedAt = clock.UtcNow;
        await db.SaveChangesAsync(cancellationToken);
        var name = await db.Residents.Where(r => r.Id == enrolment.ResidentId).Select(r => r.Name).SingleAsync(cancellationToken);
        return View(enrolment, name, programme?.Title ?? enrolment.ProgrammeId);
    }

    /// <summary>
    /// Inside a record's save: a record of an enrolOn form enrols its subject in that programme if not enrolled
    /// (start = the record's date). Changes are added to <paramref name="db"/>; the caller saves.
    /// </summary>
    public async Task EnrolOnRecordAsync(JiayiDbContext db, Resident subject, string formId, Guid recordId, DateOnly occurredOn, AccessInfo? access, CancellationToken cancellationToken)
    {
        foreach (var programme in (await programmes.ListAsync(cancellationToken)).Where(p => !p.ByAge && p.EnrolOn.Contains(formId)))
        {
            if (await db.Enrolments.AnyAsync(e => e.ResidentId == subject.Id && e.ProgrammeId == programme.Id && e.StoppedOn == null, cancellationToken))
            {
                continue;
            }

            db.Enrolments.Add(New(subject, programme, occurredOn < subject.BirthDate ? subject.BirthDate : occurredOn, EnrolmentSources.Record, recordId, access));
            if (programme.Definition.Population is { } tag && KeyPopulations.Recorded.Contains(tag) && !subject.Tags.Contains(tag))
            {
                // The subject may have been read without tracking: the tag goes on the tracked row.
                var tracked = db.Residents.Local.FirstOrDefault(r => r.Id == subject.Id) ?? await db.Residents.SingleAsync(r => r.Id == subject.Id, cancellationToken);
                Tag(tracked, programme);
            }
        }
    }

    /// <summary>
    /// Enrols residents whose age is in an age programme's range and stops (超出年龄范围) those who left it; all
    /// residents, or the given ones. Returns how many enrolments were opened and closed.
    /// </summary>
    public async Task<(int Enrolled, int Stopped)> SyncAgeAsync(IReadOnlyCollection<Guid>? residentIds, CancellationToken cancellationToken)
    {
        var today = clock.Today;
        var enrolled = 0;
        var stopped = 0;
        foreach (var programme in (await programmes.ListAsync(cancellationToken)).Where(p => p.ByAge))
        {
            (int, int) counts;
            try
            {
                counts = await SyncProgrammeAsync(programme, residentIds, today, cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another process (the nightly job, a resident save) enrolled someone at the same moment: once more
                // against what it wrote; nothing of the failed attempt was saved.
                counts = await SyncProgrammeAsync(programme, residentIds, today, cancellationToken);
            }

            enrolled += counts.Item1;
            stopped += counts.Item2;
        }

        if (enrolled + stopped > 0)
        {
            LogSynced(logger, enrolled, stopped);
        }

        return (enrolled, stopped);
    }

    private async Task<(int Enrolled, int Stopped)> SyncProgrammeAsync(CompiledProgramme programme, IReadOnlyCollection<Guid>? residentIds, DateOnly today, CancellationToken cancellationToken)
    {
        var enrolled = 0;
        var stopped = 0;
        var overrides = await parameters.OverridesForAsync(programme.Parameters, cancellationToken);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var open = db.Enrolments.Where(e => e.ProgrammeId == programme.Id && e.StoppedOn == null);
        if (residentIds is not null)
        {
            open = open.Where(e => residentIds.Contains(e.ResidentId));
        }

        var openByResident = (await open.ToListAsync(cancellationToken)).ToDictionary(e => e.ResidentId);
        var residents = db.Residents.AsQueryable();
        if (residentIds is not null)
        {
            residents = residents.Where(r => residentIds.Contains(r.Id));
        }

        // Candidates by a birth-date window one day wider than the range; the exact range decides.
        var (earliest, latest) = BirthWindow(programme, today, overrides);
        var candidates = await residents.Where(r => r.BirthDate >= earliest && r.BirthDate <= latest).ToListAsync(cancellationToken);
        foreach (var resident in candidates)
        {
            var range = programme.AgeRange(resident.BirthDate, overrides)!.Value;
            var inRange = range.From <= today && (range.Until is not { } until || today < until);
            if (inRange && !openByResident.ContainsKey(resident.Id))
            {
                db.Enrolments.Add(New(resident, programme, range.From, EnrolmentSources.Age, null, null));
                enrolled++;
            }
        }

        var ageOpen = openByResident.Values.Where(e => e.Source == EnrolmentSources.Age).ToList();
        var ageOpenIds = ageOpen.Select(e => e.ResidentId).ToList();
        var births = await db.Residents.Where(r => ageOpenIds.Contains(r.Id)).Select(r => new { r.Id, r.BirthDate }).ToDictionaryAsync(r => r.Id, r => r.BirthDate, cancellationToken);
        foreach (var enrolment in ageOpen)
        {
            if (!births.TryGetValue(enrolment.ResidentId, out var birth))
            {
                continue;
            }

            var range = programme.AgeRange(birth, overrides)!.Value;
            if (range.From <= today && (range.Until is not { } u || today < u))
            {
                continue;
            }

            enrolment.StoppedOn = range.Until is { } end && end <= today ? end.AddDays(-1) : today;
            if (enrolment.StoppedOn < enrolment.StartedOn)
            {
                enrolment.StoppedOn = enrolment.StartedOn;
            }

            enrolment.StopReason = AgedOutReason;
            enrolment.UpdatedAt = clock.UtcNow;
            stopped++;
        }

        await db.SaveChangesAsync(cancellationToken);
        return (enrolled, stopped);
    }

    /// <summary>Birth dates that can be in the programme's age range today, one day wider on each side.</summary>
    private static (DateOnly Earliest, DateOnly Latest) BirthWindow(CompiledProgramme programme, DateOnly today, IReadOnlyDictionary<string, Value> overrides)
    {
        // Born today: the range of a newborn tells the lowest and highest ages in whole years.
        var probe = programme.AgeRange(today, overrides)!.Value;
        var minYears = probe.From.Year - today.Year;
        var maxYears = probe.Until is { } until ? until.Year - today.Year : 150;
        return (today.AddYears(-maxYears).AddDays(-1), today.AddYears(-minYears).AddDays(1));
    }

    private Enrolment New(Resident resident, CompiledProgramme programme, DateOnly started, string source, Guid? recordId, AccessInfo? access) => new()
    {
        ResidentId = resident.Id,
        ProgrammeId = programme.Id,
        StartedOn = started,
        Source = source,
        SourceRecordId = recordId,
        OrgPath = resident.OrgPath,
        CreatedBy = access?.UserId,
        CreatedByName = access?.DisplayName,
        CreatedAt = clock.UtcNow,
        UpdatedAt = clock.UtcNow,
    };

    /// <summary>A manual programme's key population becomes one of the resident's recorded tags.</summary>
    private static void Tag(Resident resident, CompiledProgramme programme)
    {
        if (programme.Definition.Population is { } tag && KeyPopulations.Recorded.Contains(tag) && !resident.Tags.Contains(tag))
        {
            resident.Tags = [.. resident.Tags, tag];
        }
    }

    /// <summary>Reads the attributes object: declared keys only, each of its type; null clears a value.</summary>
    private static JsonObject ReadAttributes(CompiledProgramme programme, JsonElement? body, bool requireAll, List<ValidationError> errors)
    {
        var result = new JsonObject();
        if (body is { } element && element.ValueKind != JsonValueKind.Null)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new ValidationError("/attributes", "type", "attributes 应为对象，如 {\"lmp\": \"2026-03-01\"}"));
                return result;
            }

            foreach (var property in element.EnumerateObject())
            {
                var path = "/attributes/" + property.Name;
                var attribute = programme.Attributes.FirstOrDefault(a => a.Key == property.Name);
                if (attribute is null)
                {
                    var known = programme.Attributes.Length == 0 ? "本项目没有登记项" : "可用：" + string.Join("、", programme.Attributes.Select(a => $"{a.Key}（{a.Definition.Label}）"));
                    errors.Add(new ValidationError(path, "unknown", $"未知的登记项“{property.Name}”；{known}"));
                    continue;
                }

                var value = property.Value;
                var label = attribute.Definition.Label;
                if (value.ValueKind == JsonValueKind.Null)
                {
                    result[attribute.Key] = null;
                    continue;
                }

                switch (attribute.Definition.Type)
                {
                    case "date" when value.ValueKind == JsonValueKind.String && DateOnly.TryParseExact(value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date):
                        result[attribute.Key] = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                        break;
                    case "date":
                        errors.Add(new ValidationError(path, "type", $"{label}应为日期，格式 yyyy-MM-dd"));
                        break;
                    case "number" when value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number) && Math.Abs(number) < 1_000_000:
                        result[attribute.Key] = number;
                        break;
                    case "number":
                        errors.Add(new ValidationError(path, "type", $"{label}应为数值"));
                        break;
                    default:
                        var text = value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim() : null;
                        if (text is null || text.Length > MaxText || text.Any(char.IsControl))
                        {
                            errors.Add(new ValidationError(path, "type", $"{label}应为不超过 {MaxText} 字的文本"));
                        }
                        else
                        {
                            result[attribute.Key] = text;
                        }

                        break;
                }
            }
        }

        if (requireAll)
        {
            foreach (var attribute in programme.Attributes.Where(a => a.Definition.Required && a.Definition.From is null && result[a.Key] is null))
            {
                errors.Add(new ValidationError("/attributes/" + attribute.Key, "required", $"请填写{attribute.Definition.Label}"));
            }
        }

        return result;
    }

    /// <summary>The stored attributes as plan values, typed by the programme.</summary>
    public static Dictionary<string, Value> AttributeValues(CompiledProgramme programme, string json)
    {
        var values = new Dictionary<string, Value>(StringComparer.Ordinal);
        var stored = JsonNode.Parse(json) as JsonObject;
        foreach (var attribute in programme.Attributes)
        {
            var node = stored?[attribute.Key];
            // A value that no longer fits (the attribute's type changed in a newer version) reads as empty.
            var kind = node?.GetValueKind();
            values[attribute.Key] = (attribute.Type, kind) switch
            {
                (ExprType.Date, JsonValueKind.String) when DateOnly.TryParseExact(node!.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) => Value.Date(d),
                (ExprType.Number, JsonValueKind.Number) => Value.Number(node!.GetValue<decimal>()),
                (ExprType.Text, JsonValueKind.String) => Value.Text(node!.GetValue<string>()),
                _ => Value.Null,
            };
        }

        return values;
    }

    private static string? Trimmed(string? text, string path, string label, int max, List<ValidationError> errors)
    {
        var value = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        if (value is not null && (value.Length > max || value.Any(c => char.IsControl(c) && c is not '\n' and not '\r')))
        {
            errors.Add(new ValidationError(path, "maxLength", $"{label}不能超过 {max} 个字，且不能含控制字符"));
        }

        return value;
    }

    internal static EnrolmentView View(Enrolment e, string residentName, string title) => new(
        e.Id, e.ResidentId, residentName, e.ProgrammeId, title, e.StartedOn, e.StoppedOn, e.StopReason, e.Source,
        JsonNode.Parse(e.Attributes) as JsonObject ?? [], e.Note, e.StoppedOn is null, e.CreatedByName, e.CreatedAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Age programmes: {Enrolled} enrolled, {Stopped} stopped")]
    private static partial void LogSynced(ILogger logger, int enrolled, int stopped);
}
