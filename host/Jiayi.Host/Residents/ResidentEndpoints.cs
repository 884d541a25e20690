using Jiayi.Engine.Forms;
using Jiayi.Host.Access;
using Jiayi.Host.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jiayi.Host.Residents;

public static class ResidentEndpoints
{
    private static readonly string[] LookupProperties = ["idNumber", "reason"];

    private static readonly string[] Properties = ["name", "idNumber", "phone", "sex", "birthDate", "addressDivisionId", "addressDetail", "householdId", "relationToHead", "orgId", "tags"];
    private static readonly string[] ListParameters = ["q", "tag", "page", "pageSize"];

    public const int MaxPageSize = 100;

    public static void MapResidentEndpoints(this IEndpointRouteBuilder api)
    {
        var residents = api.MapGroup("/residents").WithTags("居民");

        residents.MapPost("/", async Task<Created<ResidentView>> (HttpContext http, ResidentService service, CancellationToken ct) =>
            {
                var input = await ReadAsync(http.Request, ct);
                var resident = await service.CreateAsync(await http.AccessAsync(), input, ct);
                return TypedResults.Created($"/api/residents/{resident.Id}", resident);
            })
            .RequirePermission(ResidentPermissions.Write)
            .WithSummary("登记居民：身份证号按 GB 11643 校验，出生日期和性别由身份证号得出；同一身份证号只能登记一次（409）")
            .DocumentsJsonBody<ResidentInput>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict);

        residents.MapGet("/", async Task<Ok<ResidentPage>> (HttpContext http, ResidentService service, CancellationToken ct) =>
            {
                var query = http.Request.Query;
                var errors = new List<ValidationError>();
                QueryValues.RejectUnknown(query, ListParameters, errors);
                var page = QueryValues.Whole(query, "page", "页码 page", 1, 1, 100_000, errors);
                var pageSize = QueryValues.Whole(query, "pageSize", "每页条数 pageSize", 20, 1, MaxPageSize, errors);
                var q = QueryValues.Text(query, "q");
                if (q is { Length: > 50 })
                {
                    errors.Add(new ValidationError("/q", ErrorCodes.MaxLength, "查询内容不能超过 50 个字"));
                }

                if (errors.Count > 0)
                {
                    throw ProblemException.Invalid(errors);
                }

                return TypedResults.Ok(await service.ListAsync(await http.AccessAsync(), q, QueryValues.Text(query, "tag"), page, pageSize, ct));
            })
            .RequirePermission(ResidentPermissions.Read)
            .WithSummary("居民列表（管辖范围内，分页）：q 为姓名（包含）或完整身份证号、电话号码（精确）；tag 为重点人群代码")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        residents.MapGet("/{id}", async Task<Ok<ResidentView>> (string id, HttpContext http, ResidentService service, CancellationToken ct) =>
                TypedResults.Ok(await service.GetAsync(await http.AccessAsync(), ParseId(id), ct)))
            .RequirePermission(ResidentPermissions.Read)
            .WithSummary("居民信息（身份证号和电话脱敏显示）")
            .ProducesProblem(StatusCodes.Status404NotFound);

        residents.MapGet("/{id}/health-record", async Task<Ok<HealthRecordView>> (string id, HttpContext http, HealthRecordService records, CancellationToken ct) =>
            {
                var view = await records.GetAsync(await http.AccessAsync(), ParseId(id), ct);
                return view is null ? throw new ProblemException(StatusCodes.Status404NotFound, "resident-not-found", "居民不存在", $"没有编号为“{id}”的居民，或不在您的管辖范围内") : TypedResults.Ok(view);
            })
            .RequirePermission(FormPermissions.RecordsRead)
            .WithTags("健康档案")
            .WithSummary("个人健康档案：基本信息、家庭成员、管理项目及随访计划，以及服务记录、门诊住院、签约与入组事件的时间线（新的在前）")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/health-records/lookup", async Task<Ok<HealthRecordView>> (HttpContext http, HealthRecordService records, CancellationToken ct) =>
            {
                var (idNumber, reason) = await RequestJson.ReadAsync(http.Request, LookupProperties, (root, errors) => (
                    RequestJson.OptionalString(root, "idNumber", "身份证号 idNumber", errors),
                    RequestJson.OptionalString(root, "reason", "查档理由 reason", errors)), ct);
                var view = await records.LookupAsync(await http.AccessAsync(), idNumber, reason, ct);
                return view is null ? throw new ProblemException(StatusCodes.Status404NotFound, "resident-not-found", "未找到档案", "没有该身份证号的居民档案（本次查档已记入系统日志）") : TypedResults.Ok(view);
            })
            .RequirePermission(ProgrammePermissions.RemoteLookup)
            .WithTags("健康档案")
            .WithSummary("远程查档：按身份证号调阅任一辖区居民的健康档案，须说明理由（reason）；每次查档（含未找到）都记入系统日志")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        residents.MapGet("/{id}/identifiers", async Task<Ok<ResidentIdentifiers>> (string id, HttpContext http, ResidentService service, CancellationToken ct) =>
                TypedResults.Ok(await service.IdentifiersAsync(await http.AccessAsync(), ParseId(id), ct)))
            .RequirePermission(ResidentPermissions.ViewSensitive)
            .WithSummary("完整的身份证号和电话（须有相应权限；每次查看都记入系统日志）")
            .ProducesProblem(StatusCodes.Status404NotFound);

        residents.MapPut("/{id}", async Task<Ok<ResidentView>> (string id, HttpContext http, ResidentService service, CancellationToken ct) =>
            {
                var residentId = ParseId(id);
                var input = await ReadAsync(http.Request, ct);
                return TypedResults.Ok(await service.UpdateAsync(await http.AccessAsync(), residentId, input, ct));
            })
            .RequirePermission(ResidentPermissions.Write)
            .WithSummary("修改居民信息（整体替换）")
            .DocumentsJsonBody<ResidentInput>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        residents.MapDelete("/{id}", async Task<NoContent> (string id, HttpContext http, ResidentService service, CancellationToken ct) =>
            {
                await service.DeleteAsync(await http.AccessAsync(), ParseId(id), ct);
                return TypedResults.NoContent();
            })
            .RequirePermission(ResidentPermissions.Delete)
            .WithSummary("删除误登记的居民（已有服务记录的不能删除）")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static void MapHouseholdEndpoints(this IEndpointRouteBuilder api) =>
        api.MapGet("/households/{id}", async Task<Ok<HouseholdView>> (string id, HttpContext http, ResidentService service, CancellationToken ct) =>
                TypedResults.Ok(await service.HouseholdAsync(await http.AccessAsync(), Guid.TryParse(id, out var guid) ? guid : Guid.Empty, ct)))
            .RequirePermission(ResidentPermissions.Read)
            .WithTags("居民")
            .WithSummary("家庭：户主与成员（身份证号脱敏）。登记户主（relationToHead 为“户主”且不带 householdId）时自动建立家庭，其他成员以 householdId 加入")
            .ProducesProblem(StatusCodes.Status404NotFound);

    private static Guid ParseId(string id) => Guid.TryParse(id, out var guid)
        ? guid
        : throw new ProblemException(StatusCodes.Status404NotFound, "resident-not-found", "居民不存在", $"没有编号为“{id}”的居民，或不在您的管辖范围内");

    private static Task<ResidentInput> ReadAsync(HttpRequest request, CancellationToken ct) =>
        RequestJson.ReadAsync(request, Properties, (root, errors) => new ResidentInput(
            RequestJson.OptionalString(root, "name", "姓名 name", errors),
            RequestJson.OptionalString(root, "idNumber", "身份证号 idNumber", errors),
            RequestJson.OptionalString(root, "phone", "电话 phone", errors),
            RequestJson.OptionalString(root, "sex", "性别 sex", errors),
            RequestJson.OptionalDate(root, "birthDate", "出生日期 birthDate", errors),
            RequestJson.OptionalGuid(root, "addressDivisionId", "住址区划 addressDivisionId", errors),
            RequestJson.OptionalString(root, "addressDetail", "详细地址 addressDetail", errors),
            RequestJson.OptionalGuid(root, "householdId", "家庭 householdId", errors),
            RequestJson.OptionalString(root, "relationToHead", "与户主关系 relationToHead", errors),
            RequestJson.OptionalGuid(root, "orgId", "管理机构 orgId", errors),
            RequestJson.OptionalStrings(root, "tags", "重点人群 tags", errors)), ct);
}
