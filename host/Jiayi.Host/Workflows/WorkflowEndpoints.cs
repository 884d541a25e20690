using System.Text.Json;
using Jiayi.Data;
using Jiayi.Data.Workflows;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Workflows;
using Jiayi.Host.Access;
using Jiayi.Host.Contracts;
using Jiayi.Host.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Workflows;

public sealed record WorkflowDetail(string Id, int Version, IReadOnlyList<int> Versions, string Title, string Subject, string? Description, JsonElement Definition, string Mermaid);

public sealed record InstanceView(
    Guid Id, string WorkflowId, int WorkflowVersion, string WorkflowTitle, string SubjectType, Guid SubjectId, string Link, string Title,
    string State, string StateName, bool IsOpen, int Revision, DateTime StartedAt, DateTime UpdatedAt, DateTime? CompletedAt,
    IReadOnlyList<HistoryView> History, IReadOnlyList<TriggerOption> Triggers, string Mermaid);

/// <summary>The body of <c>POST /api/workflow-instances/{id}/fire</c>.</summary>
public sealed record FireBody(string Trigger, string? Comment, JsonElement? Data, int? Revision);

/// <summary>The body of <c>POST /api/work-items/batch</c>.</summary>
public sealed record BatchBody(IReadOnlyList<Guid> Ids, string Trigger, string? Comment);

/// <summary>The body of <c>POST /api/workflows/{id}/migrations</c>.</summary>
public sealed record MigrationBody(int FromVersion, int ToVersion, IReadOnlyDictionary<string, string>? States, bool? DryRun);

public static class WorkflowEndpoints
{
    private static readonly string[] FireProperties = ["trigger", "comment", "data", "revision"];
    private static readonly string[] BatchProperties = ["ids", "trigger", "comment"];
    private static readonly string[] MigrationProperties = ["fromVersion", "toVersion", "states", "dryRun"];
    private static readonly string[] VersionParameter = ["version"];
    private static readonly string[] WorkItemParameters = ["status", "workflow", "q", "from", "to", "page", "pageSize"];

    public static void MapWorkflowEndpoints(this IEndpointRouteBuilder api)
    {
        var workflows = api.MapGroup("/workflows").WithTags("流程");
        workflows.MapGet("/", async Task<Ok<IReadOnlyList<WorkflowSummary>>> (WorkflowCatalog catalog, CancellationToken ct) => TypedResults.Ok(await catalog.ListAsync(ct)))
            .RequirePermission(WorkflowPermissions.Read)
            .WithSummary("已发布的流程（各取最新版本）");

        workflows.MapGet("/{id}", async Task<Ok<WorkflowDetail>> (string id, HttpContext http, WorkflowCatalog catalog, CancellationToken ct) =>
            {
                var errors = new List<ValidationError>();
                QueryValues.RejectUnknown(http.Request.Query, VersionParameter, errors);
                int? version = http.Request.Query.ContainsKey("version") ? QueryValues.Whole(http.Request.Query, "version", "版本 version", 1, 1, 100_000, errors) : null;
                if (errors.Count > 0)
                {
                    throw ProblemException.Invalid(errors);
                }

                var workflow = version is { } v ? await catalog.GetAsync(id, v, ct) : await catalog.GetLatestAsync(id, ct);
                if (workflow is null)
                {
                    throw new ProblemException(404, "not-found", "流程不存在", $"流程“{id}”{(version is null ? "" : $"第 {version} 版")}不存在");
                }

                var definition = JsonSerializer.SerializeToElement(workflow.Definition with { Schema = null }, WorkflowJsonContext.Default.WorkflowDefinition);
                return TypedResults.Ok(new WorkflowDetail(workflow.Id, workflow.Version, await catalog.VersionsAsync(id, ct), workflow.Title, workflow.Subject.Name, workflow.Definition.Description, definition, WorkflowDiagram.Mermaid(workflow)));
            })
            .RequirePermission(WorkflowPermissions.Read)
            .WithSummary("流程定义（可用 ?version= 取某一版本）与其 Mermaid 状态图")
            .ProducesProblem(StatusCodes.Status404NotFound);

        workflows.MapPost("/{id}/migrations", async Task<Ok<MigrationReport>> (string id, HttpContext http, WorkflowMigration migration, CancellationToken ct) =>
            {
                var plan = await RequestJson.ReadAsync(http.Request, MigrationProperties, (root, errors) => new MigrationPlan(
                    id,
                    RequestJson.OptionalInt(root, "fromVersion", "原版本 fromVersion", 1, 100_000, errors) ?? Missing(errors, "fromVersion", "原版本 fromVersion"),
                    RequestJson.OptionalInt(root, "toVersion", "目标版本 toVersion", 1, 100_000, errors) ?? Missing(errors, "toVersion", "目标版本 toVersion"),
                    States(root, errors),
                    RequestJson.OptionalBool(root, "dryRun", "试运行 dryRun", errors) ?? true), ct);
                return TypedResults.Ok(await migration.RunAsync(await http.AccessAsync(), plan, ct));
            })
            .RequirePermission(WorkflowPermissions.Migrate)
            .WithSummary("把运行中的流程实例从一个版本迁移到另一个版本：states 给出状态对照（未给出的按同名状态）；dryRun 默认为 true，只报告将迁移多少、从哪到哪")
            .DocumentsJsonBody<MigrationBody>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        var instances = api.MapGroup("/workflow-instances").WithTags("流程");
        instances.MapGet("/{id}", async Task<Ok<InstanceView>> (string id, HttpContext http, IDbContextFactory<JiayiDbContext> databases, WorkflowCatalog catalog, WorkflowRuntime runtime, WorkflowHandlers handlers, CancellationToken ct) =>
            {
                var me = await http.AccessAsync();
                await using var db = await databases.CreateDbContextAsync(ct);
                var scope = me.ScopePath;
                var instance = Guid.TryParse(id, out var guid)
                    ? await db.WorkflowInstances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == guid && i.OrgPath.StartsWith(scope), ct)
                    : null;
                if (instance is null)
                {
                    throw InstanceNotFound(id);
                }

                var workflow = (await catalog.GetAsync(instance.WorkflowId, instance.WorkflowVersion, ct))!;
                return TypedResults.Ok(new InstanceView(
                    instance.Id, instance.WorkflowId, instance.WorkflowVersion, workflow.Title, instance.SubjectType, instance.SubjectId,
                    handlers.Subject(instance.SubjectType).Link(instance.SubjectId), instance.Title, instance.State, workflow.StateName(instance.State),
                    instance.IsOpen, instance.Revision, instance.StartedAt, instance.UpdatedAt, instance.CompletedAt,
                    await ContractQueries.HistoryAsync(db, instance.Id, ct), await runtime.AvailableAsync(db, instance, me, ct),
                    WorkflowDiagram.Mermaid(workflow, instance.State)));
            })
            .RequirePermission(WorkflowPermissions.Read)
            .WithSummary("流程实例：当前状态、完整历史（谁、何时、从哪到哪、操作、意见、表单数据）、当前用户现在可执行的操作，以及标出当前状态的 Mermaid 图")
            .ProducesProblem(StatusCodes.Status404NotFound);

        instances.MapPost("/{id}/fire", async Task<Ok<FireResult>> (string id, HttpContext http, WorkflowRuntime runtime, CancellationToken ct) =>
            {
                var request = await RequestJson.ReadAsync(http.Request, FireProperties, (root, errors) => new FireRequest(
                    RequestJson.OptionalString(root, "trigger", "操作 trigger", errors) ?? MissingText(errors, "trigger", "操作 trigger"),
                    RequestJson.OptionalString(root, "comment", "意见 comment", errors),
                    root.TryGetProperty("data", out var data) ? data.Clone() : null,
                    RequestJson.OptionalInt(root, "revision", "版本号 revision", 0, int.MaxValue, errors)), ct);
                if (!Guid.TryParse(id, out var guid))
                {
                    throw InstanceNotFound(id);
                }

                return TypedResults.Ok(await runtime.FireAsync(guid, request, await http.AccessAsync(), ct));
            })
            .WithSummary("执行流程操作（如 approve、reject、send_back、renew、terminate）：200 返回新状态；无权执行 403；状态已变化或 revision 过期 409；需要意见或表单时缺少则 400")
            .DocumentsJsonBody<FireBody>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        var items = api.MapGroup("/work-items").WithTags("待办");
        items.MapGet("/", async Task<Ok<WorkItemPage>> (HttpContext http, WorkItemService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ListAsync(await http.AccessAsync(), ParseWorkItems(http.Request.Query), ct)))
            .WithSummary("我的待办（status=pending，默认）或已办（status=done）；可按 workflow、q、from、to 筛选")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        items.MapGet("/count", async Task<Ok<InboxCounts>> (HttpContext http, InboxNotifier inbox, CancellationToken ct) =>
                TypedResults.Ok(await inbox.CountsAsync((await http.AccessAsync()).UserId, ct)))
            .WithSummary("我的待办数与未读通知数（实时推送见 SignalR /hubs/inbox 的 inbox 消息）");

        items.MapPost("/batch", async Task<Ok<IReadOnlyList<BatchOutcome>>> (HttpContext http, WorkItemService service, CancellationToken ct) =>
            {
                var body = await RequestJson.ReadAsync(http.Request, BatchProperties, (root, errors) => new BatchBody(
                    RequestJson.OptionalGuids(root, "ids", "待办 ids", errors) ?? [],
                    RequestJson.OptionalString(root, "trigger", "操作 trigger", errors) ?? MissingText(errors, "trigger", "操作 trigger"),
                    RequestJson.OptionalString(root, "comment", "意见 comment", errors)), ct);
                if (body.Ids.Count is 0 or > 200)
                {
                    throw ProblemException.Invalid("/ids", "range", "一次批量处理 1～200 条待办");
                }

                return TypedResults.Ok(await service.BatchAsync(await http.AccessAsync(), body.Ids, body.Trigger, body.Comment, ct));
            })
            .WithSummary("批量办理：对选中的每条待办执行同一操作（如 approve 或 reject）并填写同一意见；逐条返回结果")
            .DocumentsJsonBody<BatchBody>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        var notifications = api.MapGroup("/notifications").WithTags("待办");
        notifications.MapGet("/", async Task<Ok<List<Notification>>> (HttpContext http, IDbContextFactory<JiayiDbContext> databases, CancellationToken ct) =>
            {
                var me = await http.AccessAsync();
                await using var db = await databases.CreateDbContextAsync(ct);
                return TypedResults.Ok(await db.Notifications.AsNoTracking().Where(n => n.UserId == me.UserId).OrderByDescending(n => n.CreatedAt).Take(100).ToListAsync(ct));
            })
            .WithSummary("我的最近 100 条通知");
        notifications.MapPost("/read", async Task<NoContent> (HttpContext http, IDbContextFactory<JiayiDbContext> databases, InboxNotifier inbox, Clock clock, CancellationToken ct) =>
            {
                var me = await http.AccessAsync();
                await using var db = await databases.CreateDbContextAsync(ct);
                var now = clock.UtcNow;
                await db.Notifications.Where(n => n.UserId == me.UserId && n.ReadAt == null).ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
                await inbox.PushAsync([me.UserId], ct);
                return TypedResults.NoContent();
            })
            .WithSummary("把我的通知全部标为已读");
    }

    private static ProblemException InstanceNotFound(string id) => new(404, "not-found", "流程实例不存在", $"流程实例“{id}”不存在或不在您的管辖范围内");

    private static int Missing(List<ValidationError> errors, string name, string label)
    {
        if (!errors.Exists(e => e.Path == "/" + name))
        {
            errors.Add(new ValidationError("/" + name, ErrorCodes.Required, $"缺少{label}"));
        }

        return 0;
    }

    private static string MissingText(List<ValidationError> errors, string name, string label)
    {
        Missing(errors, name, label);
        return "";
    }

    private static Dictionary<string, string> States(JsonElement root, List<ValidationError> errors)
    {
        var states = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!root.TryGetProperty("states", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return states;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new ValidationError("/states", ErrorCodes.Type, "状态对照 states 应为对象，如 {\"first_review\": \"review\"}"));
            return states;
        }

        foreach (var pair in value.EnumerateObject())
        {
            if (pair.Value.ValueKind != JsonValueKind.String)
            {
                errors.Add(new ValidationError("/states/" + pair.Name, ErrorCodes.Type, "应为目标状态的代码（文本）"));
                continue;
            }

            states[pair.Name] = pair.Value.GetString()!;
        }

        return states;
    }

    private static WorkItemFilter ParseWorkItems(IQueryCollection query)
    {
        var errors = new List<ValidationError>();
        QueryValues.RejectUnknown(query, WorkItemParameters, errors);
        var status = QueryValues.Text(query, "status") ?? WorkItemStatus.Pending;
        if (status is not (WorkItemStatus.Pending or WorkItemStatus.Done))
        {
            errors.Add(new ValidationError("/status", "enum", "status 应为 pending（待办）或 done（已办）"));
        }

        var (from, to) = QueryValues.DateRange(query, errors);
        var (page, size) = QueryValues.Paging(query, 20, 100, errors);
        var filter = new WorkItemFilter(status, QueryValues.Text(query, "workflow"), QueryValues.Text(query, "q"), from, to, page, size);
        return errors.Count > 0 ? throw ProblemException.Invalid(errors) : filter;
    }
}
