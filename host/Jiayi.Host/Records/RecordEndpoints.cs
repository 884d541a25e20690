using System.Text.Json;
using Jiayi.Engine.Forms;
using Jiayi.Host.Access;
using Jiayi.Host.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jiayi.Host.Records;

/// <summary>The body of <c>POST /api/records</c>.</summary>
public sealed record CreateRecordRequest(string FormId, JsonElement Data, Guid? SubjectId, int? FormVersion, Guid? Id);

public static class RecordEndpoints
{
    private static readonly string[] CreateProperties = ["formId", "data", "subjectId", "formVersion", "id"];
    private static readonly string[] ListParameters = ["formId", "subjectId", "from", "to", "page", "pageSize"];

    public const int MaxPageSize = 100;

    public static void MapRecordEndpoints(this IEndpointRouteBuilder api)
    {
        var records = api.MapGroup("/records").WithTags("记录");

        records.MapPost("/", CreateAsync)
            .RequirePermission(FormPermissions.RecordsWrite)
            .WithSummary("保存一条表单记录：按表单定义校验，通过后保存；带 id 重试不会重复保存")
            .DocumentsJsonBody<CreateRecordRequest>()
            .Produces<RecordView>(StatusCodes.Status201Created)
            .Produces<RecordView>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        records.MapGet("/{id}", async Task<Ok<RecordView>> (string id, HttpContext http, RecordService service, CancellationToken ct) =>
            {
                var record = Guid.TryParse(id, out var guid) ? await service.GetAsync(await http.AccessAsync(), guid, ct) : null;
                return TypedResults.Ok(record ?? throw ProblemException.RecordNotFound(id));
            })
            .RequirePermission(FormPermissions.RecordsRead)
            .WithSummary("一条记录，含填写时的表单版本与数据")
            .ProducesProblem(StatusCodes.Status404NotFound);

        records.MapGet("/", async Task<Ok<RecordPage>> (HttpContext http, RecordService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ListAsync(await http.AccessAsync(), ParseQuery(http.Request.Query), ct)))
            .RequirePermission(FormPermissions.RecordsRead)
            .WithSummary("记录列表（分页，最新在前）：可按 formId、subjectId、from、to（yyyy-MM-dd）筛选")
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> CreateAsync(HttpContext http, RecordService service, CancellationToken ct)
    {
        var request = http.Request;
        using var body = await RequestJson.ReadObjectAsync(request, ct);
        var root = body.RootElement;
        var errors = new List<ValidationError>();
        RequestJson.RejectUnknown(root, CreateProperties, errors);
        var formId = RequestJson.OptionalString(root, "formId", "表单代码 formId", errors);
        if (formId is null && !errors.Exists(e => e.Path == "/formId"))
        {
            errors.Add(new ValidationError("/formId", ErrorCodes.Required, "缺少表单代码 formId"));
        }

        var subjectId = RequestJson.OptionalGuid(root, "subjectId", "居民编号 subjectId", errors);
        var version = RequestJson.OptionalInt(root, "formVersion", "表单版本 formVersion", 1, int.MaxValue, errors);
        var id = RequestJson.OptionalGuid(root, "id", "记录编号 id", errors);
        if (!root.TryGetProperty("data", out var data))
        {
            errors.Add(new ValidationError("/data", ErrorCodes.Required, "缺少 data：应为表单数据对象"));
        }
        else if (data.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new ValidationError("/data", ErrorCodes.Type, "data 应为 JSON 对象"));
        }

        if (errors.Count > 0)
        {
            throw ProblemException.Invalid(errors);
        }

        var (record, created) = await service.CreateAsync(await http.AccessAsync(), new NewRecord(formId!, data, subjectId, version, id), ct);
        return created ? TypedResults.Created($"/api/records/{record.Id}", record) : TypedResults.Ok(record);
    }

    private static RecordQuery ParseQuery(IQueryCollection query)
    {
        var errors = new List<ValidationError>();
        QueryValues.RejectUnknown(query, ListParameters, errors);
        var page = QueryValues.Whole(query, "page", "页码 page", 1, 1, 100_000, errors);
        var pageSize = QueryValues.Whole(query, "pageSize", "每页条数 pageSize", 20, 1, MaxPageSize, errors);
        var subjectId = QueryValues.Id(query, "subjectId", "居民编号 subjectId", errors);
        var from = QueryValues.Date(query, "from", "开始日期 from", errors);
        var to = QueryValues.Date(query, "to", "结束日期 to", errors);
        if (errors.Count > 0)
        {
            throw ProblemException.Invalid(errors);
        }

        return new RecordQuery(QueryValues.Text(query, "formId"), subjectId, from, to, page, pageSize);
    }
}
