using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Jiayi.Data;
using Jiayi.Data.Contracts;
using Jiayi.Data.Integrations;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Identity;
using Jiayi.Host.Access;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Security;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Integrations;

/// <summary>A contracted package item a visit fulfils.</summary>
public sealed record FulfilledItem(Guid ContractId, string ContractNumber, string PackageName, string ItemName, string ServiceType);

public sealed record HisIntakeResult(Guid VisitId, bool Duplicate, Guid ResidentId, string ResidentName, IReadOnlyList<FulfilledItem> Fulfils);

/// <summary>A checked visit event, ready to store.</summary>
internal sealed record HisEvent(
    string EventId, string Kind, string IdNumber, string? Name, DateOnly VisitDate, DateOnly? DischargeDate, string InstitutionCode, string InstitutionName,
    string? Department, string? Doctor, JsonArray Diagnoses, JsonArray Prescriptions);

/// <summary>
/// Receives outpatient and inpatient visits from the regional HIS (W3.2): signed with a shared secret, idempotent by
/// event id, checked field by field; a visit of a contracted resident fulfils the package items of a matching
/// service type. A bad event is refused with its reasons and kept in the correction queue (nothing is lost);
/// correcting and resubmitting it, or its sender resending it fixed, resolves it.
/// </summary>
public sealed partial class HisIntake(
    IDbContextFactory<JiayiDbContext> databases, FieldProtector protector, ServiceTypeCatalog types, IConfiguration configuration, Clock clock)
{
    public const string Channel = "his-visits";
    public const string SecretKey = "Integrations:His:Secret";
    public const int MaxBytes = 256 * 1024;
    public const string Outpatient = "outpatient";
    public const string Inpatient = "inpatient";

    private static readonly string[] Properties = ["eventId", "type", "idNumber", "name", "visitDate", "dischargeDate", "institution", "department", "doctor", "diagnoses", "prescriptions"];
    private static readonly string[] InstitutionProperties = ["code", "name"];
    private static readonly string[] DiagnosisProperties = ["code", "name"];
    private static readonly string[] PrescriptionProperties = ["drug", "spec", "dose", "frequency", "route", "days", "quantity"];

    /// <summary>Whether the header is <c>sha256=&lt;hex HMAC-SHA256 of the body&gt;</c> with the configured secret (401 otherwise).</summary>
    /// <param name="headerOnly">Check only that a secret is configured and the header is well formed (before reading the body).</param>
    public void Verify(ReadOnlySpan<byte> body, string? header, bool headerOnly = false)
    {
        var secret = configuration[SecretKey];
        if (string.IsNullOrEmpty(secret))
        {
            throw new ProblemException(StatusCodes.Status401Unauthorized, "integration-not-configured", "接口未启用", "未配置 HIS 接口密钥（配置项 Integrations__His__Secret），拒绝所有推送");
        }

        if (header is null || !header.StartsWith("sha256=", StringComparison.Ordinal) || header.Length != 7 + 64)
        {
            throw new ProblemException(StatusCodes.Status401Unauthorized, "signature-missing", "签名缺失或格式错误", "请求头 X-Signature 应为 sha256=<请求体的 HMAC-SHA256，64 位十六进制>");
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(header.AsSpan(7));
        }
        catch (FormatException)
        {
            throw new ProblemException(StatusCodes.Status401Unauthorized, "signature-missing", "签名缺失或格式错误", "X-Signature 的签名不是十六进制");
        }

        if (headerOnly)
        {
            return;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            throw new ProblemException(StatusCodes.Status401Unauthorized, "signature-invalid", "签名不正确", "X-Signature 与请求体不符：请用约定的密钥对原始请求体计算 HMAC-SHA256");
        }
    }

    /// <summary>
    /// Takes a signed event body. Returns the visit (new or, for a known event id, the one stored before); a body
    /// that is not JSON, a bad event or an unknown resident throws 400/422 after keeping it in the correction queue.
    /// </summary>
    public async Task<HisIntakeResult> ReceiveAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var text = Encoding.UTF8.GetString(body.Span);
        JsonDocument document;
        try
        {
            document = RequestJson.ParseObject(body);
        }
        catch (ProblemException e)
        {
            var id = await RejectAsync(null, text, [e.Detail ?? e.Title], null, cancellationToken);
            throw WithRejection(e, id);
        }

        using (document)
        {
            return await AcceptAsync(document.RootElement, text, null, null, cancellationToken);
        }
    }

    /// <summary>A corrected payload for a queued rejection, resubmitted by a user allowed to manage the queue.</summary>
    public async Task<HisIntakeResult?> ResubmitAsync(AccessInfo access, Guid rejectionId, JsonElement corrected, CancellationToken cancellationToken)
    {
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            var rejection = await db.InboundRejections.AsNoTracking().SingleOrDefaultAsync(r => r.Id == rejectionId && r.Channel == Channel, cancellationToken);
            if (rejection is null)
            {
                return null;
            }

            if (rejection.Status != RejectionStatus.Open)
            {
                throw new ProblemException(StatusCodes.Status409Conflict, "rejection-closed", "已处理", $"该条已{(rejection.Status == RejectionStatus.Resolved ? "处理成功" : "作废")}，不能再提交");
            }
        }

        return await AcceptAsync(corrected, corrected.GetRawText(), rejectionId, access, cancellationToken);
    }

    /// <summary>Discards a queued rejection with a note (e.g. a test message sent by mistake).</summary>
    public async Task<bool> DiscardAsync(AccessInfo access, Guid rejectionId, string? note, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var rejection = await db.InboundRejections.SingleOrDefaultAsync(r => r.Id == rejectionId && r.Channel == Channel, cancellationToken);
        if (rejection is null)
        {
            return false;
        }

        if (rejection.Status != RejectionStatus.Open)
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "rejection-closed", "已处理", "该条已处理，不能作废");
        }

        rejection.Status = RejectionStatus.Discarded;
        rejection.ResolvedBy = access.UserId;
        rejection.ResolvedByName = access.DisplayName;
        rejection.ResolvedAt = clock.UtcNow;
        rejection.Note = note;
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private async Task<HisIntakeResult> AcceptAsync(JsonElement root, string payload, Guid? rejectionId, AccessInfo? access, CancellationToken cancellationToken)
    {
        var errors = new List<ValidationError>();
        var visit = Bind(root, errors);
        var eventId = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("eventId", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        if (errors.Count > 0 || visit is null)
        {
            var id = await RejectAsync(Short(eventId), payload, errors.Select(x => $"{x.Path}：{x.Message}").ToList(), rejectionId, cancellationToken);
            throw WithRejection(new ProblemException(StatusCodes.Status422UnprocessableEntity, "invalid-event", "就诊事件有误", "就诊事件有误，已放入纠错队列", errors), id);
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var existing = await db.HisVisits.AsNoTracking().SingleOrDefaultAsync(v => v.EventId == visit.EventId, cancellationToken);
        if (existing is not null)
        {
            var name = await db.Residents.Where(r => r.Id == existing.ResidentId).Select(r => r.Name).SingleAsync(cancellationToken);
            await ResolveAsync(db, visit.EventId, rejectionId, existing.Id, access, cancellationToken);
            return new HisIntakeResult(existing.Id, true, existing.ResidentId, name, await FulfilsAsync(db, existing, cancellationToken));
        }

        var hash = protector.Hash(visit.IdNumber);
        var resident = await db.Residents.AsNoTracking().Where(r => r.IdNumberHash == hash).Select(r => new { r.Id, r.Name, r.OrgPath, r.BirthDate }).SingleOrDefaultAsync(cancellationToken);
        var problems = new List<ValidationError>();
        if (resident is null)
        {
            problems.Add(new ValidationError("/idNumber", "not-found", $"身份证号 {ChineseIdNumber.Mask(visit.IdNumber)} 的居民未建档：请先建档后在纠错队列中重新提交"));
        }
        else if (visit.Name is { } given && given != resident.Name)
        {
            problems.Add(new ValidationError("/name", "mismatch", $"姓名“{given}”与身份证号对应的居民（{resident.Name}）不符"));
        }
        else if (visit.VisitDate < resident.BirthDate)
        {
            problems.Add(new ValidationError("/visitDate", "range", "就诊日期早于居民的出生日期"));
        }

        if (problems.Count > 0)
        {
            var id = await RejectAsync(visit.EventId, payload, problems.Select(x => $"{x.Path}：{x.Message}").ToList(), rejectionId, cancellationToken);
            throw WithRejection(new ProblemException(StatusCodes.Status422UnprocessableEntity, "invalid-event", "就诊事件有误", "就诊事件有误，已放入纠错队列", problems), id);
        }

        var row = new HisVisit
        {
            EventId = visit.EventId,
            ResidentId = resident!.Id,
            Kind = visit.Kind,
            VisitDate = visit.VisitDate,
            DischargeDate = visit.DischargeDate,
            InstitutionCode = visit.InstitutionCode,
            InstitutionName = visit.InstitutionName,
            Department = visit.Department,
            DoctorName = visit.Doctor,
            Diagnoses = visit.Diagnoses.ToJsonString(),
            Prescriptions = visit.Prescriptions.ToJsonString(),
            OrgPath = resident.OrgPath,
            ReceivedAt = clock.UtcNow,
        };
        db.HisVisits.Add(row);
        await ResolveAsync(db, visit.EventId, rejectionId, row.Id, access, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same event arrived twice at once: the first one stands.
            await using var again = await databases.CreateDbContextAsync(cancellationToken);
            var stored = await again.HisVisits.AsNoTracking().SingleOrDefaultAsync(v => v.EventId == visit.EventId, cancellationToken) ?? throw new InvalidOperationException("HIS visit insert failed without a stored twin.");
            return new HisIntakeResult(stored.Id, true, stored.ResidentId, resident.Name, await FulfilsAsync(again, stored, cancellationToken));
        }

        return new HisIntakeResult(row.Id, false, row.ResidentId, resident.Name, await FulfilsAsync(db, row, cancellationToken));
    }

    /// <summary>The package items of the resident's contracts in force on the visit day whose service type the visit matches.</summary>
    public async Task<IReadOnlyList<FulfilledItem>> FulfilsAsync(JiayiDbContext db, HisVisit visit, CancellationToken cancellationToken)
    {
        var catalog = await types.GetAsync(cancellationToken);
        if (catalog is null)
        {
            return [];
        }

        var codes = Codes(visit.Diagnoses);
        var contracts = await db.Contracts.AsNoTracking()
            .Where(c => c.ResidentId == visit.ResidentId && (c.State == ContractStates.Effective || c.State == ContractStates.Expired) && c.StartDate <= visit.VisitDate && c.EndDate >= visit.VisitDate)
            .Select(c => new { c.Id, c.Number }).ToListAsync(cancellationToken);
        var result = new List<FulfilledItem>();
        foreach (var contract in contracts)
        {
            var items = await db.ContractPackages.AsNoTracking().Where(p => p.ContractId == contract.Id)
                .Join(db.PackageItems, p => p.PackageId, i => i.PackageId, (p, i) => new { p.PackageName, i.Name, i.ServiceType, i.Order })
                .Where(i => i.ServiceType != null).OrderBy(i => i.PackageName).ThenBy(i => i.Order).ToListAsync(cancellationToken);
            result.AddRange(items.Where(i => catalog.Find(i.ServiceType)?.Matches(visit.Kind, codes) == true)
                .Select(i => new FulfilledItem(contract.Id, contract.Number, i.PackageName, i.Name, i.ServiceType!)));
        }

        return result;
    }

    /// <summary>The ICD-10 codes of a stored diagnoses array.</summary>
    public static IReadOnlyList<string> Codes(string diagnoses) =>
        JsonNode.Parse(diagnoses) is JsonArray array ? [.. array.Select(d => d?["code"]?.GetValue<string>()).OfType<string>()] : [];

    private async Task ResolveAsync(JiayiDbContext db, string eventId, Guid? rejectionId, Guid visitId, AccessInfo? access, CancellationToken cancellationToken)
    {
        var open = await db.InboundRejections.Where(r => r.Channel == Channel && r.Status == RejectionStatus.Open && (r.EventId == eventId || r.Id == rejectionId)).ToListAsync(cancellationToken);
        foreach (var rejection in open)
        {
            rejection.Status = RejectionStatus.Resolved;
            rejection.ResolvedAt = clock.UtcNow;
            rejection.ResolvedBy = access?.UserId;
            rejection.ResolvedByName = access?.DisplayName ?? "HIS 重新推送";
            rejection.Note = $"已接收为就诊 {visitId}";
        }
    }

    /// <summary>Keeps a refused event: the open entry of the same event id (or the one being resubmitted) is updated, else a new one.</summary>
    private async Task<Guid> RejectAsync(string? eventId, string payload, IReadOnlyList<string> reasons, Guid? rejectionId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var now = clock.UtcNow;
        var reason = string.Join("\n", reasons);
        reason = reason.Length > 4000 ? reason[..4000] : reason;
        var rejection = rejectionId is { } id
            ? await db.InboundRejections.SingleOrDefaultAsync(r => r.Id == id, cancellationToken)
            : eventId is null ? null : await db.InboundRejections.FirstOrDefaultAsync(r => r.Channel == Channel && r.EventId == eventId && r.Status == RejectionStatus.Open, cancellationToken);
        if (rejection is null)
        {
            rejection = new InboundRejection { Channel = Channel, EventId = eventId, Payload = payload, Reason = reason, Status = RejectionStatus.Open, ReceivedAt = now, LastAttemptAt = now };
            db.InboundRejections.Add(rejection);
        }
        else
        {
            rejection.Payload = payload;
            rejection.Reason = reason;
            rejection.Attempts++;
            rejection.LastAttemptAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        return rejection.Id;
    }

    private static ProblemException WithRejection(ProblemException problem, Guid rejectionId)
    {
        problem.Extensions["rejectionId"] = rejectionId;
        return problem;
    }

    private static string? Short(string? eventId) => eventId is { Length: > 0 and <= 100 } ? eventId : null;

    private HisEvent? Bind(JsonElement root, List<ValidationError> errors)
    {
        RequestJson.RejectUnknown(root, Properties, errors);
        var eventId = Text(root, "eventId", "事件编号 eventId", 100, true, errors);
        var kind = Text(root, "type", "就诊类型 type", 16, true, errors);
        if (kind is not null && kind is not (Outpatient or Inpatient))
        {
            errors.Add(new ValidationError("/type", "enum", "就诊类型 type 应为 outpatient（门诊）或 inpatient（住院）"));
        }

        var idText = Text(root, "idNumber", "身份证号 idNumber", 30, true, errors);
        string? idNumber = null;
        if (idText is not null)
        {
            var parsed = ChineseIdNumber.Parse(idText, clock.Today);
            if (parsed.IsValid)
            {
                idNumber = parsed.Normalized;
            }
            else
            {
                errors.Add(new ValidationError("/idNumber", parsed.ErrorCode ?? "format", parsed.Error ?? "身份证号无效"));
            }
        }

        var name = Text(root, "name", "姓名 name", 50, false, errors);
        var visitDate = Date(root, "visitDate", "就诊日期 visitDate", true, errors);
        var dischargeDate = Date(root, "dischargeDate", "出院日期 dischargeDate", false, errors);
        if (visitDate is { } v && v > clock.Today)
        {
            errors.Add(new ValidationError("/visitDate", "range", "就诊日期不能晚于今天"));
        }

        if (dischargeDate is { } d && (visitDate is { } start && d < start || d > clock.Today))
        {
            errors.Add(new ValidationError("/dischargeDate", "range", "出院日期应在入院日期与今天之间"));
        }

        if (dischargeDate is not null && kind == Outpatient)
        {
            errors.Add(new ValidationError("/dischargeDate", "not-allowed", "门诊就诊没有出院日期"));
        }

        string? code = null, institution = null;
        if (!root.TryGetProperty("institution", out var inst) || inst.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new ValidationError("/institution", "required", "请给出就诊机构 institution：{\"code\": 机构编码, \"name\": 机构名称}"));
        }
        else
        {
            RequestJson.RejectUnknown(inst, InstitutionProperties, errors);
            code = Text(inst, "code", "机构编码 institution.code", 64, true, errors, "/institution");
            institution = Text(inst, "name", "机构名称 institution.name", 200, true, errors, "/institution");
        }

        var department = Text(root, "department", "科室 department", 100, false, errors);
        var doctor = Text(root, "doctor", "医生 doctor", 50, false, errors);
        var diagnoses = List(root, "diagnoses", "诊断 diagnoses", 50, true, errors, (item, at) =>
        {
            RequestJson.RejectUnknown(item, DiagnosisProperties, errors);
            var icd = Text(item, "code", "ICD-10 编码", 16, true, errors, at);
            if (icd is not null && !Icd10().IsMatch(icd))
            {
                errors.Add(new ValidationError(at + "/code", "format", $"“{icd}”不是 ICD-10 编码（如 I10、E11.9）"));
            }

            var label = Text(item, "name", "诊断名称", 200, true, errors, at);
            return new JsonObject { ["code"] = icd?.ToUpperInvariant(), ["name"] = label };
        });
        var prescriptions = List(root, "prescriptions", "处方 prescriptions", 100, false, errors, (item, at) =>
        {
            RequestJson.RejectUnknown(item, PrescriptionProperties, errors);
            var result = new JsonObject { ["drug"] = Text(item, "drug", "药品名称", 200, true, errors, at) };
            foreach (var (key, label) in new[] { ("spec", "规格"), ("dose", "每次剂量"), ("frequency", "频次"), ("route", "用法") })
            {
                result[key] = Text(item, key, label, 100, false, errors, at);
            }

            foreach (var (key, label) in new[] { ("days", "天数"), ("quantity", "数量") })
            {
                if (item.TryGetProperty(key, out var n) && n.ValueKind != JsonValueKind.Null)
                {
                    if (n.ValueKind == JsonValueKind.Number && n.TryGetDecimal(out var value) && value is >= 0 and <= 10000)
                    {
                        result[key] = value;
                    }
                    else
                    {
                        errors.Add(new ValidationError($"{at}/{key}", "type", $"{label}应为 0～10000 的数值"));
                    }
                }
            }

            return result;
        });

        return errors.Count > 0 ? null : new HisEvent(eventId!, kind!, idNumber!, name, visitDate!.Value, dischargeDate, code!, institution!, department, doctor, diagnoses!, prescriptions ?? []);
    }

    private static string? Text(JsonElement o, string name, string label, int max, bool required, List<ValidationError> errors, string prefix = "")
    {
        var path = $"{prefix}/{name}";
        if (!o.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                errors.Add(new ValidationError(path, "required", $"缺少{label}"));
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(new ValidationError(path, "type", $"{label}应为字符串"));
            return null;
        }

        var text = value.GetString()!.Trim();
        if (text.Length == 0 && required)
        {
            errors.Add(new ValidationError(path, "required", $"{label}不能为空"));
            return null;
        }

        if (text.Length > max || text.Any(char.IsControl))
        {
            errors.Add(new ValidationError(path, "maxLength", $"{label}不能超过 {max} 个字，且不能含控制字符"));
            return null;
        }

        return text.Length == 0 ? null : text;
    }

    private static DateOnly? Date(JsonElement o, string name, string label, bool required, List<ValidationError> errors)
    {
        var text = Text(o, name, label, 10, required, errors);
        if (text is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        errors.Add(new ValidationError("/" + name, "format", $"{label}应为日期，格式 yyyy-MM-dd"));
        return null;
    }

    private static JsonArray? List(JsonElement o, string name, string label, int max, bool required, List<ValidationError> errors, Func<JsonElement, string, JsonObject> item)
    {
        if (!o.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                errors.Add(new ValidationError("/" + name, "required", $"缺少{label}（至少一项）"));
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || (required && value.GetArrayLength() == 0) || value.GetArrayLength() > max)
        {
            errors.Add(new ValidationError("/" + name, "type", $"{label}应为数组，{(required ? "至少 1 项，" : "")}最多 {max} 项"));
            return null;
        }

        var result = new JsonArray();
        var index = 0;
        foreach (var element in value.EnumerateArray())
        {
            var at = $"/{name}/{index++}";
            if (element.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new ValidationError(at, "type", $"{label}的每一项应为对象"));
                continue;
            }

            result.Add(item(element, at));
        }

        return result;
    }

    [GeneratedRegex("^[A-Za-z][0-9]{2}(\\.[0-9A-Za-z]{1,4})?$")]
    private static partial Regex Icd10();
}
