using System.Text.Json;
using Jiayi.Data.Contracts;
using Jiayi.Engine.Forms;
using Jiayi.Host.Access;
using Jiayi.Host.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jiayi.Host.Contracts;

public static class PackageEndpoints
{
    private static readonly string[] Properties = ["name", "kind", "description", "targetPopulations", "price", "subsidy", "validFrom", "validTo", "issuerOrgId", "agreementTemplate", "items"];
    private static readonly string[] ItemProperties = ["name", "formId", "serviceType", "timesPerYear", "price", "subsidy"];
    private static readonly string[] ListParameters = ["published", "kind", "q", "page", "pageSize"];

    public const int MaxPageSize = 100;

    public static void MapPackageEndpoints(this IEndpointRouteBuilder api)
    {
        var packages = api.MapGroup("/packages").WithTags("服务包");

        packages.MapGet("/", async Task<Ok<PackagePage>> (HttpContext http, PackageService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ListAsync(await http.AccessAsync(), ParseQuery(http.Request.Query), ct)))
            .RequirePermission(ContractPermissions.PackagesRead)
            .WithSummary("服务包列表（本机构及上级机构发布的，已发布在前，分页）：published=true 为今天可签约的（已发布且在有效期内），false 为未发布的；kind 为基础包或个性化包；q 为名称（包含）")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        packages.MapGet("/{id}", async Task<Ok<PackageView>> (string id, HttpContext http, PackageService service, CancellationToken ct) =>
                TypedResults.Ok(await service.GetAsync(await http.AccessAsync(), ParseId(id), ct)))
            .RequirePermission(ContractPermissions.PackagesRead)
            .WithSummary("服务包详情：服务项目、签约协议模板、有效期和已生效签约数")
            .ProducesProblem(StatusCodes.Status404NotFound);

        packages.MapPost("/", async Task<Created<PackageView>> (HttpContext http, PackageService service, CancellationToken ct) =>
            {
                var input = await ReadAsync(http.Request, ct);
                var package = await service.CreateAsync(await http.AccessAsync(), input, ct);
                return TypedResults.Created($"/api/packages/{package.Id}", package);
            })
            .RequirePermission(ContractPermissions.PackagesWrite)
            .WithSummary("新增服务包（未发布）：金额以元计、最多两位小数，补助不超过价格；服务项目 1～50 项，formId 为已发布表单；issuerOrgId 为管辖范围内的医疗机构或卫生部门，默认为本机构")
            .DocumentsJsonBody<PackageInput>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        packages.MapPut("/{id}", async Task<Ok<PackageView>> (string id, HttpContext http, PackageService service, CancellationToken ct) =>
            {
                var packageId = ParseId(id);
                var input = await ReadAsync(http.Request, ct);
                return TypedResults.Ok(await service.UpdateAsync(await http.AccessAsync(), packageId, input, ct));
            })
            .RequirePermission(ContractPermissions.PackagesWrite)
            .WithSummary("修改服务包（整体替换，服务项目一并替换；不传 issuerOrgId 则发布机构不变）；已发布的须先停用（409）")
            .DocumentsJsonBody<PackageInput>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        packages.MapDelete("/{id}", async Task<NoContent> (string id, HttpContext http, PackageService service, CancellationToken ct) =>
            {
                await service.DeleteAsync(await http.AccessAsync(), ParseId(id), ct);
                return TypedResults.NoContent();
            })
            .RequirePermission(ContractPermissions.PackagesWrite)
            .WithSummary("删除未发布且从未被签约使用的服务包（否则 409，可停用）")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        packages.MapPost("/{id}/publish", async Task<Ok<PackageView>> (string id, HttpContext http, PackageService service, CancellationToken ct) =>
                TypedResults.Ok(await service.PublishAsync(await http.AccessAsync(), ParseId(id), ct)))
            .RequirePermission(ContractPermissions.PackagesPublish)
            .WithSummary("发布服务包：发布后在有效期内可签约；已过期的不能发布（409）；重复发布不变")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        packages.MapPost("/{id}/unpublish", async Task<Ok<PackageView>> (string id, HttpContext http, PackageService service, CancellationToken ct) =>
                TypedResults.Ok(await service.UnpublishAsync(await http.AccessAsync(), ParseId(id), ct)))
            .RequirePermission(ContractPermissions.PackagesPublish)
            .WithSummary("停用服务包：不再能新签约，已有签约不受影响；停用后可修改或删除（未被签约使用的）")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static Guid ParseId(string id) => Guid.TryParse(id, out var guid)
        ? guid
        : throw new ProblemException(StatusCodes.Status404NotFound, "package-not-found", "服务包不存在", $"没有编号为“{id}”的服务包，或不在您的管辖范围内");

    private static PackageQuery ParseQuery(IQueryCollection query)
    {
        var errors = new List<ValidationError>();
        QueryValues.RejectUnknown(query, ListParameters, errors);
        var page = QueryValues.Whole(query, "page", "页码 page", 1, 1, 100_000, errors);
        var pageSize = QueryValues.Whole(query, "pageSize", "每页条数 pageSize", 20, 1, MaxPageSize, errors);
        bool? published = null;
        if (QueryValues.Text(query, "published") is { } text)
        {
            if (text is "true" or "false")
            {
                published = text == "true";
            }
            else
            {
                errors.Add(new ValidationError("/published", ErrorCodes.Enum, "published 应为 true（今天可签约的）或 false（未发布的）"));
            }
        }

        var kind = QueryValues.Text(query, "kind");
        if (kind is not null && !PackageKinds.All.Contains(kind))
        {
            errors.Add(new ValidationError("/kind", ErrorCodes.Enum, $"类型 kind 应为：{string.Join("、", PackageKinds.All)}"));
        }

        var q = QueryValues.Text(query, "q");
        if (q is { Length: > 50 })
        {
            errors.Add(new ValidationError("/q", ErrorCodes.MaxLength, "查询内容不能超过 50 个字"));
        }

        return errors.Count > 0 ? throw ProblemException.Invalid(errors) : new PackageQuery(published, kind, q, page, pageSize);
    }

    private static Task<PackageInput> ReadAsync(HttpRequest request, CancellationToken ct) =>
        RequestJson.ReadAsync(request, Properties, (root, errors) => new PackageInput(
            RequestJson.OptionalString(root, "name", "名称 name", errors),
            RequestJson.OptionalString(root, "kind", "类型 kind", errors),
            OptionalAmount(root, "price", "价格 price", errors),
            RequestJson.OptionalDate(root, "validFrom", "有效期开始日期 validFrom", errors),
            RequestJson.OptionalDate(root, "validTo", "有效期结束日期 validTo", errors),
            Items(root, errors),
            RequestJson.OptionalString(root, "description", "说明 description", errors),
            RequestJson.OptionalStrings(root, "targetPopulations", "服务人群 targetPopulations", errors),
            OptionalAmount(root, "subsidy", "补助 subsidy", errors),
            RequestJson.OptionalGuid(root, "issuerOrgId", "发布机构 issuerOrgId", errors),
            RequestJson.OptionalString(root, "agreementTemplate", "签约协议模板 agreementTemplate", errors)), ct);

    /// <summary>The items array; each item's errors are reported at <c>/items/{index}/…</c>.</summary>
    private static List<PackageItemInput>? Items(JsonElement body, List<ValidationError> errors)
    {
        if (!body.TryGetProperty("items", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new ValidationError("/items", ErrorCodes.Type, "服务项目 items 应为数组"));
            return null;
        }

        var items = new List<PackageItemInput>();
        var index = 0;
        foreach (var element in value.EnumerateArray())
        {
            var at = $"/items/{index}";
            var row = $"第 {index + 1} 项服务的";
            index++;
            if (element.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new ValidationError(at, ErrorCodes.Type, $"第 {index} 项服务应为 JSON 对象"));
                continue;
            }

            var own = new List<ValidationError>();
            RequestJson.RejectUnknown(element, ItemProperties, own);
            items.Add(new PackageItemInput(
                RequestJson.OptionalString(element, "name", row + "名称 name", own),
                RequestJson.OptionalString(element, "formId", row + "表单 formId", own),
                RequestJson.OptionalString(element, "serviceType", row + "服务类型 serviceType", own),
                RequestJson.OptionalInt(element, "timesPerYear", row + "每年次数 timesPerYear", int.MinValue, int.MaxValue, own),
                OptionalAmount(element, "price", row + "价格 price", own),
                OptionalAmount(element, "subsidy", row + "补助 subsidy", own)));
            errors.AddRange(own.Select(e => e with { Path = at + e.Path }));
        }

        return items;
    }

    private static decimal? OptionalAmount(JsonElement body, string name, string label, List<ValidationError> errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var amount))
        {
            errors.Add(new ValidationError("/" + name, ErrorCodes.Type, $"{label}应为数字（元）"));
            return null;
        }

        return amount;
    }
}
