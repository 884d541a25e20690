using Jiayi.Engine.Forms;
using Jiayi.Host.Access;
using Jiayi.Host.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jiayi.Host.Residents;

/// <summary>What a client gets back when an import is queued.</summary>
public sealed record ImportAccepted(Guid Id, string Status);

public static class ResidentImportEndpoints
{
    private static readonly string[] ErrorParameters = ["format"];

    public static void MapResidentImportEndpoints(this IEndpointRouteBuilder api)
    {
        var residents = api.MapGroup("/residents").WithTags("居民");

        residents.MapGet("/import-template", () =>
                TypedResults.File(ResidentImportSheet.Template(), ResidentImportSheet.ContentType, ResidentImportSheet.TemplateFileName))
            .RequirePermission(ResidentPermissions.Import)
            .WithSummary("下载居民导入模板（.xlsx）：第一张表为列名和示例行，“说明”表列出各列规则和可填的值");

        residents.MapPost("/imports", async Task<Accepted<ImportAccepted>> (HttpContext http, ResidentImport imports, CancellationToken ct) =>
            {
                var me = await http.AccessAsync();
                var file = await FileUpload.ReadAsync(http, ResidentImport.MaxFileBytes, ct);
                await using var content = file.OpenReadStream();
                var job = await imports.SubmitAsync(me, file.FileName, content, ct);
                return TypedResults.Accepted($"/api/residents/imports/{job.Id}", new ImportAccepted(job.Id, job.Status));
            })
            .RequirePermission(ResidentPermissions.Import)
            .WithSummary("上传 .xlsx（multipart/form-data，字段 file，不超过 20 MB）批量导入居民：在后台逐批导入，返回任务编号；已登记的身份证号跳过，可重复导入同一文件")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        residents.MapGet("/imports", async Task<Ok<IReadOnlyList<ImportJobView>>> (HttpContext http, ResidentImport imports, CancellationToken ct) =>
                TypedResults.Ok(await imports.ListAsync(await http.AccessAsync(), ct)))
            .RequirePermission(ResidentPermissions.Import)
            .WithSummary("我最近的居民导入任务（最新的在前）");

        residents.MapGet("/imports/{id}", async Task<Ok<ImportJobView>> (string id, HttpContext http, ResidentImport imports, CancellationToken ct) =>
                TypedResults.Ok(await imports.GetAsync(await http.AccessAsync(), ParseId(id), ct)))
            .RequirePermission(ResidentPermissions.Import)
            .WithSummary("导入任务的状态和进度：queued 排队中，running 导入中，completed 已完成，failed 已中断")
            .ProducesProblem(StatusCodes.Status404NotFound);

        residents.MapGet("/imports/{id}/errors", async Task<Results<FileContentHttpResult, Ok<IReadOnlyList<ImportErrorView>>>> (string id, HttpContext http, ResidentImport imports, CancellationToken ct) =>
            {
                var query = http.Request.Query;
                var errors = new List<ValidationError>();
                QueryValues.RejectUnknown(query, ErrorParameters, errors);
                var format = QueryValues.Text(query, "format") ?? "xlsx";
                if (format is not ("xlsx" or "json"))
                {
                    errors.Add(new ValidationError("/format", ErrorCodes.Enum, "格式 format 应为 xlsx（默认）或 json"));
                }

                if (errors.Count > 0)
                {
                    throw ProblemException.Invalid(errors);
                }

                var me = await http.AccessAsync();
                if (format == "json")
                {
                    return TypedResults.Ok(await imports.ErrorsAsync(me, ParseId(id), ct));
                }

                var (fileName, content) = await imports.ErrorReportAsync(me, ParseId(id), ct);
                return TypedResults.File(content, ResidentImportSheet.ContentType, fileName);
            })
            .RequirePermission(ResidentPermissions.Import)
            .WithSummary("导入错误报告：默认 .xlsx（行号、列、原因），format=json 时为 [{row, column, reason}]；行号即 Excel 行号（列名行为第 1 行）")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static Guid ParseId(string id) => Guid.TryParse(id, out var guid) ? guid : throw ResidentImport.NotFound(id);
}
