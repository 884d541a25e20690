using System.Text.Json;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Programmes;
using Jiayi.Host.Access;
using Jiayi.Host.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jiayi.Host.Programmes;

public sealed record ProgrammeServiceView(string Key, string Label, string FormId, string Kind, string? Description);

public sealed record ProgrammeAttributeView(string Key, string Label, string Type, bool Required, string? Help, string? FromForm, string? FromField);

public sealed record ProgrammeView(
    string Id, int Version, string Title, string? Description, string? Population, string EnrolmentMode, IReadOnlyList<string> EnrolOn,
    IReadOnlyList<string> StopReasons, IReadOnlyList<ProgrammeAttributeView> Attributes, IReadOnlyList<ProgrammeServiceView> Services, IReadOnlyList<string> Notes);

/// <summary>Request bodies, for the API description.</summary>
public sealed record EnrolBody(Guid ResidentId, string ProgrammeId, DateOnly? StartedOn, Dictionary<string, object?>? Attributes, string? Note);

public sealed record EnrolmentPatchBody(Dictionary<string, object?>? Attributes, string? Note);

public sealed record StopBody(DateOnly StoppedOn, string Reason, string? Note);

/// <summary>Programmes, enrolments, due lists (随访计划) and a resident's plan.</summary>
public static class ProgrammeEndpoints
{
    private static readonly string[] EnrolProperties = ["residentId", "programmeId", "startedOn", "attributes", "note"];
    private static readonly string[] PatchProperties = ["attributes", "note"];
    private static readonly string[] StopProperties = ["stoppedOn", "reason", "note"];
    private static readonly string[] ListParameters = ["resident", "programme", "active"];
    private static readonly string[] DueParameters = ["team", "programme", "from", "to", "status", "doctor", "resident", "q", "page", "pageSize"];

    public static void MapProgrammeEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapGet("/programmes", async Task<Ok<List<ProgrammeView>>> (ProgrammeCatalog catalog, CancellationToken ct) =>
                TypedResults.Ok((await catalog.ListAsync(ct)).Select(View).ToList()))
            .WithTags("随访计划")
            .RequirePermission(ProgrammePermissions.Read)
            .WithSummary("管理项目（高血压、2型糖尿病、肺结核、严重精神障碍、孕产妇、0～6岁儿童、65岁及以上老年人）：入组方式、登记项、结案原因与随访计划中的各项服务");

        var enrolments = api.MapGroup("/enrolments").WithTags("随访计划");
        enrolments.MapGet("", async Task<Ok<IReadOnlyList<EnrolmentView>>> (HttpContext http, EnrolmentService service, CancellationToken ct) =>
            {
                var query = http.Request.Query;
                var errors = new List<ValidationError>();
                QueryValues.RejectUnknown(query, ListParameters, errors);
                var resident = QueryValues.Id(query, "resident", "居民 resident", errors);
                var active = QueryValues.Text(query, "active") switch
                {
                    null => (bool?)null,
                    "true" => true,
                    "false" => false,
                    _ => Invalid(errors, "/active", "active 应为 true（在管）或 false（已结案）"),
                };
                if (errors.Count > 0)
                {
                    throw ProblemException.Invalid(errors);
                }

                return TypedResults.Ok(await service.ListAsync(await http.AccessAsync(), resident, QueryValues.Text(query, "programme"), active, ct));
            })
            .RequirePermission(ProgrammePermissions.Read)
            .WithSummary("入组记录（本辖区）：可按 resident、programme、active（true 在管 / false 已结案）筛选")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        enrolments.MapPost("", async Task<Created<EnrolmentView>> (HttpContext http, EnrolmentService service, CancellationToken ct) =>
            {
                var request = await RequestJson.ReadAsync(http.Request, EnrolProperties, (root, errors) =>
                {
                    var resident = RequestJson.OptionalGuid(root, "residentId", "居民 residentId", errors);
                    var programme = RequestJson.OptionalString(root, "programmeId", "管理项目 programmeId", errors);
                    if (resident is null && !errors.Any(e => e.Path == "/residentId"))
                    {
                        errors.Add(new ValidationError("/residentId", "required", "请指定居民 residentId"));
                    }

                    if (programme is null && !errors.Any(e => e.Path == "/programmeId"))
                    {
                        errors.Add(new ValidationError("/programmeId", "required", "请指定管理项目 programmeId"));
                    }

                    return new EnrolRequest(resident ?? Guid.Empty, programme ?? "", RequestJson.OptionalDate(root, "startedOn", "入组日期 startedOn", errors),
                        root.TryGetProperty("attributes", out var a) ? a.Clone() : null, RequestJson.OptionalString(root, "note", "备注 note", errors));
                }, ct);
                var view = await service.EnrolAsync(await http.AccessAsync(), request, ct);
                return TypedResults.Created($"/api/enrolments/{view.Id}", view);
            })
            .RequirePermission(ProgrammePermissions.Enrol)
            .WithSummary("登记入组（手工入组的项目）：startedOn 默认今天，attributes 为项目的登记项（如孕产妇的末次月经 lmp）；已在管 409")
            .DocumentsJsonBody<EnrolBody>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        enrolments.MapPatch("/{id}", async Task<Ok<EnrolmentView>> (string id, HttpContext http, EnrolmentService service, CancellationToken ct) =>
            {
                var enrolmentId = QueryValues.RouteId(id);
                var (attributes, note, noteGiven) = await RequestJson.ReadAsync(http.Request, PatchProperties, (root, errors) => (
                    root.TryGetProperty("attributes", out var a) ? a.Clone() : (JsonElement?)null,
                    RequestJson.OptionalString(root, "note", "备注 note", errors),
                    root.TryGetProperty("note", out _)), ct);
                var view = await service.UpdateAsync(await http.AccessAsync(), enrolmentId, attributes, note, noteGiven, ct);
                return view is null ? throw new ProblemException(StatusCodes.Status404NotFound, "enrolment-not-found", "入组记录不存在", $"没有编号为“{id}”的入组记录，或不在您的管辖范围内") : TypedResults.Ok(view);
            })
            .RequirePermission(ProgrammePermissions.Enrol)
            .WithSummary("修改入组的登记项与备注（如分娩后填写分娩、出院日期）；attributes 中给出的项被替换，null 清空")
            .DocumentsJsonBody<EnrolmentPatchBody>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        enrolments.MapPost("/{id}/stop", async Task<Ok<EnrolmentView>> (string id, HttpContext http, EnrolmentService service, Clock clock, CancellationToken ct) =>
            {
                var enrolmentId = QueryValues.RouteId(id);
                var request = await RequestJson.ReadAsync(http.Request, StopProperties, (root, errors) =>
                {
                    var on = RequestJson.OptionalDate(root, "stoppedOn", "结案日期 stoppedOn", errors);
                    var reason = RequestJson.OptionalString(root, "reason", "结案原因 reason", errors);
                    if (reason is null && !errors.Any(e => e.Path == "/reason"))
                    {
                        errors.Add(new ValidationError("/reason", "required", "请选择结案原因 reason"));
                    }

                    return new StopRequest(on ?? DateOnly.MinValue, reason ?? "", RequestJson.OptionalString(root, "note", "备注 note", errors));
                }, ct);
                var view = await service.StopAsync(await http.AccessAsync(), enrolmentId, request.StoppedOn == DateOnly.MinValue ? request with { StoppedOn = clock.Today } : request, ct);
                return view is null ? throw new ProblemException(StatusCodes.Status404NotFound, "enrolment-not-found", "入组记录不存在", $"没有编号为“{id}”的入组记录，或不在您的管辖范围内") : TypedResults.Ok(view);
            })
            .RequirePermission(ProgrammePermissions.Enrol)
            .WithSummary("结案（退出管理）：reason 为项目的结案原因之一，stoppedOn 默认今天；之后不再排随访")
            .DocumentsJsonBody<StopBody>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict);

        api.MapGet("/followups/due", async Task<Ok<DuePage>> (HttpContext http, PlanService plans, CancellationToken ct) =>
            {
                var query = http.Request.Query;
                var errors = new List<ValidationError>();
                QueryValues.RejectUnknown(query, DueParameters, errors);
                var team = QueryValues.Id(query, "team", "团队 team", errors);
                var doctor = QueryValues.Id(query, "doctor", "医生 doctor", errors);
                var resident = QueryValues.Id(query, "resident", "居民 resident", errors);
                var (from, to) = QueryValues.DateRange(query, errors);
                var (page, size) = QueryValues.Paging(query, 50, 500, errors);
                var statuses = query["status"].SelectMany(s => (s ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
                foreach (var status in statuses.Where(s => !DueStatus.All.Contains(s)))
                {
                    errors.Add(new ValidationError("/status", "enum", $"status“{status}”无效；可用 due（应随访）、overdue（逾期）、upcoming（未到期）、done（已完成），可用逗号分隔多个"));
                }

                if (errors.Count > 0)
                {
                    throw ProblemException.Invalid(errors);
                }

                var text = QueryValues.Text(query, "q");
                if (text is { Length: > 50 })
                {
                    throw ProblemException.Invalid("/q", "maxLength", "查找的姓名 q 不能超过 50 个字");
                }

                var wanted = statuses.Count == 0 ? [DueStatus.Due, DueStatus.Overdue, DueStatus.Upcoming] : statuses.Distinct().ToList();
                return TypedResults.Ok(await plans.DueAsync(await http.AccessAsync(), new DueQuery(team, QueryValues.Text(query, "programme"), from, to, wanted, doctor, resident, page, size, text), ct));
            })
            .WithTags("随访计划")
            .RequirePermission(ProgrammePermissions.Read)
            .WithSummary($"待随访 / 逾期 / 已完成：按管理项目的随访计划计算（下次日期取决于上次记录及其结论，如控制不满意 2 周内）。team、doctor（签约团队或医生）、programme、resident、q（居民姓名）、from/to（到期日，默认前 {PlanService.DefaultLookBackDays} 天至后 {PlanService.DefaultLookAheadDays} 天）、status（due,overdue,upcoming,done，默认前三种）；附合计及按团队、医生、项目的计数")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        api.MapGet("/residents/{id}/plan", async Task<Ok<IReadOnlyList<ResidentPlan>>> (string id, HttpContext http, PlanService plans, CancellationToken ct) =>
            {
                var plan = await plans.ResidentAsync(await http.AccessAsync(), QueryValues.RouteId(id), ct);
                return plan is null ? throw new ProblemException(StatusCodes.Status404NotFound, "resident-not-found", "居民不存在", $"没有编号为“{id}”的居民，或不在您的管辖范围内") : TypedResults.Ok(plan);
            })
            .WithTags("随访计划")
            .RequirePermission(ProgrammePermissions.Read)
            .WithSummary("居民的随访计划：每个入组（含已结案）及其全部服务——已完成的（附记录）与待完成的（到期日、状态、排期依据）");
    }

    private static bool? Invalid(List<ValidationError> errors, string path, string message)
    {
        errors.Add(new ValidationError(path, "enum", message));
        return null;
    }


    private static ProgrammeView View(CompiledProgramme p) => new(
        p.Id, p.Version, p.Title, p.Definition.Description, p.Definition.Population, p.Definition.Enrolment.Mode, p.EnrolOn, p.StopReasons,
        [.. p.Attributes.Select(a => new ProgrammeAttributeView(a.Key, a.Definition.Label, a.Definition.Type, a.Definition.Required, a.Definition.Help, a.Definition.From?.Form, a.Definition.From?.Field))],
        [.. p.Services.Select(s => new ProgrammeServiceView(s.Key, s.Label, s.Form, s.Repeat is not null ? "repeat" : s.Periodic is not null ? "periodic" : "points", s.Definition.Description))],
        p.Definition.Notes ?? []);
}
