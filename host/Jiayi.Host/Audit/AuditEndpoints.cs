using Jiayi.Data.Audit;
using Jiayi.Engine.Forms;
using Jiayi.Host.Access;
using Jiayi.Host.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jiayi.Host.Audit;

/// <summary>The system log (W6.4): search it within the caller's scope, export it to Excel, verify its hash chain.</summary>
public static class AuditEndpoints
{
    private static readonly string[] FilterParameters = ["entityType", "entityId", "user", "action", "from", "to"];
    private static readonly string[] ListParameters = [.. FilterParameters, "page", "pageSize"];

    public const int MaxPageSize = 100;


    public static void MapAuditEndpoints(this IEndpointRouteBuilder api)
    {
        var audit = api.MapGroup("/audit").WithTags("系统日志");

        audit.MapGet("/", async Task<Ok<AuditPage>> (HttpContext http, AuditLog log, Clock clock, CancellationToken ct) =>
                TypedResults.Ok(await log.ListAsync(await http.AccessAsync(), ParseQuery(http.Request.Query, ListParameters, clock), ct)))
            .RequirePermission(AuditPermissions.Read)
            .WithSummary("系统日志（管辖范围内的机构的用户所为，及本人所为；最新在前，分页）：可按 entityType、entityId、user（用户名）、action、from、to（yyyy-MM-dd，北京时间，含当日）筛选")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        audit.MapGet("/export", async Task<FileContentHttpResult> (HttpContext http, AuditExport export, Clock clock, CancellationToken ct) =>
            {
                var query = ParseQuery(http.Request.Query, FilterParameters, clock);
                var workbook = await export.WorkbookAsync(await http.AccessAsync(), query, Describe(http.Request.Query), ct);
                return TypedResults.File(workbook, AuditExport.ContentType, export.FileName());
            })
            .RequirePermission(AuditPermissions.Export)
            .WithSummary("导出系统日志为 Excel（筛选条件同列表，至多 100,000 条）；导出本身记入日志")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        audit.MapPost("/verify", async Task<Ok<AuditVerification>> (AuditLog log, CancellationToken ct) => TypedResults.Ok(await log.VerifyAsync(ct)))
            .RequirePermission(AuditPermissions.Verify)
            .WithSummary("逐条校验日志的哈希链：给出是否完整、校验条数和第一条被篡改或删除处");
    }

    /// <summary>The filters; dates are whole days in the users' zone, turned into UTC bounds (from inclusive, to exclusive).</summary>
    private static AuditQuery ParseQuery(IQueryCollection query, IReadOnlyCollection<string> allowed, Clock clock)
    {
        var errors = new List<ValidationError>();
        QueryValues.RejectUnknown(query, allowed, errors);
        var page = QueryValues.Whole(query, "page", "页码 page", 1, 1, 100_000, errors);
        var pageSize = QueryValues.Whole(query, "pageSize", "每页条数 pageSize", 50, 1, MaxPageSize, errors);
        var from = QueryValues.Date(query, "from", "开始日期 from", errors);
        var to = QueryValues.Date(query, "to", "结束日期 to", errors);
        if (from > to)
        {
            errors.Add(new ValidationError("/to", ErrorCodes.Minimum, "结束日期不能早于开始日期"));
        }

        if (errors.Count > 0)
        {
            throw ProblemException.Invalid(errors);
        }

        return new AuditQuery(
            QueryValues.Text(query, "entityType"),
            QueryValues.Text(query, "entityId"),
            QueryValues.Text(query, "user"),
            QueryValues.Text(query, "action"),
            from is { } start ? clock.StartOfDayUtc(start) : null,
            to is { } end ? clock.StartOfDayUtc(end.AddDays(1)) : null,
            Page: page,
            PageSize: pageSize);
    }

    private static string Describe(IQueryCollection query)
    {
        var filters = FilterParameters.Where(p => QueryValues.Text(query, p) is not null).Select(p => $"{p}={QueryValues.Text(query, p)}").ToList();
        return filters.Count == 0 ? "" : $"（筛选：{string.Join("，", filters)}）";
    }
}
