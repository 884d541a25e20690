using Jiayi.Data;
using Jiayi.Data.Integrations;
using Jiayi.Engine.Forms;
using Jiayi.Host.Access;
using Jiayi.Host.Audit;
using Jiayi.Host.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Integrations;

public sealed record RejectionView(Guid Id, string Channel, string? EventId, string Reason, string Status, int Attempts, DateTime ReceivedAt, DateTime LastAttemptAt, string? ResolvedByName, DateTime? ResolvedAt, string? Note, string? Payload);

public sealed record RejectionPage(IReadOnlyList<RejectionView> Items, int Total, int Page, int PageSize);

public sealed record HisVisitView(
    Guid Id, string EventId, string Kind, string KindName, DateOnly VisitDate, DateOnly? DischargeDate, string InstitutionName, string? Department, string? DoctorName,
    System.Text.Json.Nodes.JsonNode? Diagnoses, System.Text.Json.Nodes.JsonNode? Prescriptions, DateTime ReceivedAt);

/// <summary>The HIS visit intake (signed, no login) and, for staff, the correction queue and residents' visit history.</summary>
public static class IntegrationEndpoints
{
    private static readonly string[] QueueParameters = ["status", "page", "pageSize"];
    private static readonly string[] DiscardProperties = ["note"];

    /// <summary>The inbound endpoint: authenticated by its signature, not by a user token.</summary>
    public static void MapIntegrationIntake(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/integrations/his/visits", async Task<IResult> (HttpContext http, HisIntake intake, CancellationToken ct) =>
            {
                // Unsigned requests are refused before their body is read.
                var signature = http.Request.Headers["X-Signature"].FirstOrDefault();
                intake.Verify([], signature, headerOnly: true);
                var body = await RequestJson.ReadBytesAsync(http.Request, HisIntake.MaxBytes, ct);
                intake.Verify(body.Span, signature);
                var result = await intake.ReceiveAsync(body, ct);
                return result.Duplicate ? TypedResults.Ok(result) : TypedResults.Created($"/api/integrations/his/visits/{result.VisitId}", result);
            })
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithTags("接口对接")
            .WithSummary("区域 HIS 推送门诊、住院就诊（W3.2）：请求头 X-Signature: sha256=<请求体的 HMAC-SHA256 十六进制>（密钥为配置项 Integrations__His__Secret）；按 eventId 幂等（重复推送返回 200 与原记录）；有误的事件返回 422 及逐项原因，并进入纠错队列（rejectionId）。见 docs/integrations/his.md")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }

    public static void MapIntegrationEndpoints(this IEndpointRouteBuilder api)
    {
        var queue = api.MapGroup("/integrations/rejections").WithTags("接口对接");
        queue.MapGet("", async Task<Ok<RejectionPage>> (HttpContext http, IDbContextFactory<JiayiDbContext> databases, CancellationToken ct) =>
            {
                var query = http.Request.Query;
                var errors = new List<ValidationError>();
                QueryValues.RejectUnknown(query, QueueParameters, errors);
                var status = QueryValues.Text(query, "status") ?? RejectionStatus.Open;
                if (status is not (RejectionStatus.Open or RejectionStatus.Resolved or RejectionStatus.Discarded))
                {
                    errors.Add(new ValidationError("/status", "enum", "status 应为 open（待处理）、resolved（已处理）或 discarded（已作废）"));
                }

                var (page, size) = QueryValues.Paging(query, 50, 200, errors);
                if (errors.Count > 0)
                {
                    throw ProblemException.Invalid(errors);
                }

                await using var db = await databases.CreateDbContextAsync(ct);
                var rows = db.InboundRejections.AsNoTracking().Where(r => r.Status == status);
                var total = await rows.CountAsync(ct);
                var items = await rows.OrderByDescending(r => r.LastAttemptAt).Skip((page - 1) * size).Take(size).ToListAsync(ct);
                return TypedResults.Ok(new RejectionPage([.. items.Select(r => View(r, withPayload: false))], total, page, size));
            })
            .RequirePermission(IntegrationPermissions.Read)
            .WithSummary("纠错队列：接收失败的推送（原因逐项列出），status=open 待处理（默认）、resolved 已处理、discarded 已作废")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        queue.MapGet("/{id}", async Task<Ok<RejectionView>> (string id, IDbContextFactory<JiayiDbContext> databases, AuditLog audit, CancellationToken ct) =>
            {
                var key = QueryValues.RouteId(id);
                await using var db = await databases.CreateDbContextAsync(ct);
                var row = await db.InboundRejections.AsNoTracking().SingleOrDefaultAsync(r => r.Id == key, ct);
                if (row is null)
                {
                    throw new ProblemException(StatusCodes.Status404NotFound, "rejection-not-found", "纠错记录不存在", $"纠错队列中没有编号为“{id}”的记录");
                }

                await audit.RecordAsync(Jiayi.Data.Audit.AuditActions.Read, "inbound-rejection", key.ToString(), $"查看接口纠错：{row.EventId}", ct);
                return TypedResults.Ok(View(row, withPayload: true));
            })
            .RequirePermission(IntegrationPermissions.Read)
            .WithSummary("纠错队列中的一条：原因与收到的原文（payload）");

        queue.MapPost("/{id}/resubmit", async Task<Results<Created<HisIntakeResult>, Ok<HisIntakeResult>>> (string id, HttpContext http, HisIntake intake, CancellationToken ct) =>
            {
                var key = QueryValues.RouteId(id);
                using var document = await RequestJson.ReadObjectAsync(http.Request, HisIntake.MaxBytes, ct);
                var result = await intake.ResubmitAsync(await http.AccessAsync(), key, document.RootElement, ct);
                return result is null ? throw new ProblemException(StatusCodes.Status404NotFound, "rejection-not-found", "纠错记录不存在", $"纠错队列中没有编号为“{id}”的记录")
                    : result.Duplicate ? TypedResults.Ok(result) : TypedResults.Created($"/api/integrations/his/visits/{result.VisitId}", result);
            })
            .RequirePermission(IntegrationPermissions.Manage)
            .WithSummary("修正后重新提交：请求体为修正后的完整就诊事件；成功则该条标为已处理，仍有误返回 422 并更新原因")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        queue.MapPost("/{id}/discard", async Task<NoContent> (string id, HttpContext http, HisIntake intake, CancellationToken ct) =>
            {
                var key = QueryValues.RouteId(id);
                var note = await RequestJson.ReadAsync(http.Request, DiscardProperties, (root, errors) => RequestJson.OptionalString(root, "note", "说明 note", errors), ct);
                if (note is null || note.Length > 500)
                {
                    throw ProblemException.Invalid("/note", "required", "作废须填写说明 note（不超过 500 字）");
                }

                return await intake.DiscardAsync(await http.AccessAsync(), key, note, ct) ? TypedResults.NoContent() : throw new ProblemException(StatusCodes.Status404NotFound, "rejection-not-found", "纠错记录不存在", $"纠错队列中没有编号为“{id}”的记录");
            })
            .RequirePermission(IntegrationPermissions.Manage)
            .WithSummary("作废：确认不需接收（如误推送的测试数据），须填写说明")
            .ProducesProblem(StatusCodes.Status409Conflict);

        api.MapGet("/residents/{id}/visits", async Task<Ok<List<HisVisitView>>> (string id, HttpContext http, IDbContextFactory<JiayiDbContext> databases, AuditLog audit, CancellationToken ct) =>
            {
                var key = QueryValues.RouteId(id);
                var me = await http.AccessAsync();
                await using var db = await databases.CreateDbContextAsync(ct);
                var resident = await db.Residents.AsNoTracking().Where(r => r.Id == key).Select(r => new { r.Name, r.OrgPath }).SingleOrDefaultAsync(ct);
                if (resident is null || !me.InScope(resident.OrgPath))
                {
                    throw new ProblemException(StatusCodes.Status404NotFound, "resident-not-found", "居民不存在", $"没有编号为“{id}”的居民，或不在您的管辖范围内");
                }

                var visits = await db.HisVisits.AsNoTracking().Where(v => v.ResidentId == key).OrderByDescending(v => v.VisitDate).Take(500).ToListAsync(ct);
                await audit.RecordAsync(Jiayi.Data.Audit.AuditActions.Read, "resident", key.ToString(), $"查看门诊、住院记录（{resident.Name}）", ct);
                return TypedResults.Ok(visits.Select(VisitView).ToList());
            })
            .WithTags("健康档案")
            .RequirePermission(FormPermissions.RecordsRead)
            .WithSummary("居民的门诊、住院就诊（来自区域 HIS）：诊断（ICD-10）与处方");
    }

    public static HisVisitView VisitView(HisVisit v) => new(
        v.Id, v.EventId, v.Kind, v.Kind == HisIntake.Inpatient ? "住院" : "门诊", v.VisitDate, v.DischargeDate, v.InstitutionName, v.Department, v.DoctorName,
        System.Text.Json.Nodes.JsonNode.Parse(v.Diagnoses), System.Text.Json.Nodes.JsonNode.Parse(v.Prescriptions), v.ReceivedAt);

    private static RejectionView View(InboundRejection r, bool withPayload) => new(
        r.Id, r.Channel, r.EventId, r.Reason, r.Status, r.Attempts, r.ReceivedAt, r.LastAttemptAt, r.ResolvedByName, r.ResolvedAt, r.Note, withPayload ? r.Payload : null);

}
