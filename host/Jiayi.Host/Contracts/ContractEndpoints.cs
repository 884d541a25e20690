using System.Text.Json;
using Jiayi.Data.Audit;
using Jiayi.Data.Contracts;
using Jiayi.Engine.Forms;
using Jiayi.Host.Access;
using Jiayi.Host.Audit;
using Jiayi.Host.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jiayi.Host.Contracts;

/// <summary>The body of <c>POST /api/contracts</c> (doctor-initiated signing).</summary>
public sealed record SignRequest(Guid ResidentId, IReadOnlyList<Guid> PackageIds, Guid? TeamId, Guid? DoctorUserId, DateOnly? StartDate, string? Source, string Signature, string? Photo, double? Latitude, double? Longitude, IReadOnlyList<string>? Populations);

/// <summary>The body of <c>POST /api/contracts/requests</c> (a resident's request).</summary>
public sealed record ContractRequestBody(Guid ResidentId, IReadOnlyList<Guid> PackageIds, Guid? TeamId);

/// <summary>The body of <c>POST /api/contracts/households</c> (a household signed together).</summary>
public sealed record HouseholdSignBody(Guid HouseholdId, IReadOnlyList<Guid> PackageIds, Guid? TeamId, DateOnly? StartDate, string? Source, string? Signature, string? Photo, double? Latitude, double? Longitude);

public static class ContractEndpoints
{
    /// <summary>Signature and photo travel inside the JSON body (base64): allow up to 8 MB.</summary>
    public const int MaxSignBytes = 8 * 1024 * 1024;

    internal const int MaxSignatureBytes = 512 * 1024;
    internal const int MaxPhotoBytes = 4 * 1024 * 1024;

    private static readonly string[] SignProperties = ["residentId", "packageIds", "teamId", "doctorUserId", "startDate", "source", "signature", "photo", "latitude", "longitude", "populations"];
    private static readonly string[] RequestProperties = ["residentId", "packageIds", "teamId"];
    private static readonly string[] HouseholdProperties = ["householdId", "packageIds", "teamId", "startDate", "source", "signature", "photo", "latitude", "longitude"];
    private static readonly string[] ListParameters = ["status", "team", "resident", "q", "from", "to", "page", "pageSize"];
    private static readonly string[] LogParameters = ["user", "org", "action", "from", "to", "page", "pageSize"];

    public static void MapContractEndpoints(this IEndpointRouteBuilder api)
    {
        var contracts = api.MapGroup("/contracts").WithTags("签约");

        contracts.MapPost("/", async Task<Created<SignResult>> (HttpContext http, ContractService service, CancellationToken ct) =>
            {
                var input = await RequestJson.ReadAsync(http.Request, SignProperties, (root, errors) => BindSign(root, errors), MaxSignBytes, ct);
                var result = await service.SignAsync(await http.AccessAsync(), input, ct);
                return TypedResults.Created($"/api/contracts/{result.Id}", result);
            })
            .RequirePermission(ContractPermissions.Sign)
            .WithSummary("医生签约：居民在屏幕上签字（signature，PNG/JPEG 的 base64 或 data URL），可附现场照片（photo）与定位（latitude、longitude）；按流程 contract-doctor 立即生效")
            .DocumentsJsonBody<SignRequest>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        contracts.MapPost("/requests", async Task<Created<object>> (HttpContext http, ContractService service, CancellationToken ct) =>
            {
                var input = await RequestJson.ReadAsync(http.Request, RequestProperties, (root, errors) => new SignInput(
                    Required(RequestJson.OptionalGuid(root, "residentId", "居民 residentId", errors), "residentId", "居民 residentId", errors),
                    RequestJson.OptionalGuids(root, "packageIds", "服务包 packageIds", errors) ?? [],
                    RequestJson.OptionalGuid(root, "teamId", "团队 teamId", errors),
                    null, null, ContractSources.ResidentApp, null, null, null, null, null), ct);
                var result = await service.RequestAsync(await http.AccessAsync(), input, ct);
                return TypedResults.Created($"/api/contracts/{result.Id}", (object)new { id = result.Id, number = result.Number, instanceId = result.InstanceId, status = result.Status, startDate = result.StartDate, endDate = result.EndDate });
            })
            .RequirePermission(ContractPermissions.Request)
            .WithSummary("居民申请签约（居民端）：团队默认为居民的管理团队；按流程 contract-request 进入待初审")
            .DocumentsJsonBody<ContractRequestBody>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict);

        contracts.MapPost("/households", async Task<Created<HouseholdSignResult>> (HttpContext http, ContractService service, CancellationToken ct) =>
            {
                var (householdId, input) = await RequestJson.ReadAsync(http.Request, HouseholdProperties, (root, errors) =>
                {
                    var household = Required(RequestJson.OptionalGuid(root, "householdId", "家庭 householdId", errors), "householdId", "家庭 householdId", errors);
                    var source = RequestJson.OptionalString(root, "source", "签约来源 source", errors) ?? ContractSources.Web;
                    if (!ContractSources.Names.ContainsKey(source))
                    {
                        errors.Add(new ValidationError("/source", "enum", "签约来源 source 应为 web、doctor-app 或 resident-app"));
                    }

                    var (latitude, longitude) = Location(root, errors);
                    return (household, new SignInput(
                        Guid.Empty,
                        RequestJson.OptionalGuids(root, "packageIds", "服务包 packageIds", errors) ?? [],
                        RequestJson.OptionalGuid(root, "teamId", "团队 teamId", errors),
                        null,
                        RequestJson.OptionalDate(root, "startDate", "开始日期 startDate", errors),
                        source,
                        Image(root, "signature", "签字 signature", MaxSignatureBytes, errors),
                        Image(root, "photo", "照片 photo", MaxPhotoBytes, errors),
                        latitude,
                        longitude,
                        null));
                }, MaxSignBytes, ct);
                var me = await http.AccessAsync();
                if (input.Source == ContractSources.ResidentApp ? !me.Has(ContractPermissions.Request) : !me.Has(ContractPermissions.Sign))
                {
                    throw new ProblemException(403, "forbidden", "没有权限", "当前账号无权以该来源办理签约");
                }

                var result = await service.SignHouseholdAsync(me, householdId, input, ct);
                return TypedResults.Created($"/api/contracts/{result.Contracts[0].Id}", result);
            })
            .RequirePermission(ContractPermissions.Read)
            .WithSummary("家庭签约：为一个家庭的成员各建一份签约（同一团队、服务包与周期），一起保存；已有签约的成员跳过并说明。source 为 resident-app 时为居民申请（待初审），否则为医生签约（须 signature）")
            .DocumentsJsonBody<HouseholdSignBody>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        contracts.MapGet("/", async Task<Ok<ContractPage>> (HttpContext http, ContractQueries queries, CancellationToken ct) =>
                TypedResults.Ok(await queries.ListAsync(await http.AccessAsync(), ParseList(http.Request.Query), ct)))
            .RequirePermission(ContractPermissions.Read)
            .WithSummary("签约列表（分页，最新在前）：status（状态名称如 已生效，或状态代码）、team、resident、q（姓名/编号/医生）、from、to（开始日期）")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        contracts.MapGet("/{id}/fulfilment", async Task<Ok<ContractFulfilment>> (string id, HttpContext http, ContractFulfilmentService fulfilment, AuditLog audit, CancellationToken ct) =>
            {
                var view = Guid.TryParse(id, out var guid) ? await fulfilment.GetAsync(await http.AccessAsync(), guid, ct) : null;
                if (view is null)
                {
                    throw NotFound(id);
                }

                await audit.RecordAsync(AuditActions.Read, "contract", view.ContractId.ToString(), $"查看履约 {view.Number}（{view.ResidentName}）", ct);
                return TypedResults.Ok(view);
            })
            .RequirePermission(ContractPermissions.Read)
            .WithSummary("履约：签约服务包中关联表单或服务类型的项目，按签约周期内的服务记录与区域 HIS 就诊自动计算——计划次数、截至今天应完成、已完成及履约率（每项最多按计划次数计）")
            .ProducesProblem(StatusCodes.Status404NotFound);

        contracts.MapGet("/{id}", async Task<Ok<ContractView>> (string id, HttpContext http, ContractQueries queries, AuditLog audit, CancellationToken ct) =>
            {
                var view = Guid.TryParse(id, out var guid) ? await queries.GetAsync(await http.AccessAsync(), guid, ct) : null;
                if (view is null)
                {
                    throw NotFound(id);
                }

                await audit.RecordAsync(AuditActions.Read, "contract", view.Id.ToString(), $"查看签约 {view.Number}（{view.Resident.Name}）", ct);
                return TypedResults.Ok(view);
            })
            .RequirePermission(ContractPermissions.Read)
            .WithSummary("一份签约：服务包、周期、状态、流程历史，以及当前用户现在可执行的操作（续约、解约等，经 /api/workflow-instances/{instanceId}/fire 执行）")
            .ProducesProblem(StatusCodes.Status404NotFound);

        contracts.MapGet("/{id}/agreement", async Task<ContentHttpResult> (string id, HttpContext http, ContractQueries queries, CancellationToken ct) =>
            {
                var agreement = Guid.TryParse(id, out var guid) ? await queries.AgreementAsync(await http.AccessAsync(), guid, ct) : null;
                return agreement is { } a ? TypedResults.Text(a.Text, "text/plain; charset=utf-8") : throw NotFound(id);
            })
            .RequirePermission(ContractPermissions.Read)
            .WithSummary("签约协议书全文（签约时按服务包模板生成，之后不变）")
            .ProducesProblem(StatusCodes.Status404NotFound);

        contracts.MapGet("/{id}/files/{kind}", async Task<FileContentHttpResult> (string id, string kind, HttpContext http, ContractQueries queries, AuditLog audit, CancellationToken ct) =>
            {
                if (kind is not ("signature" or "photo") || !Guid.TryParse(id, out var guid) || await queries.FileAsync(await http.AccessAsync(), guid, kind, ct) is not { } file)
                {
                    throw new ProblemException(404, "not-found", "文件不存在", $"签约“{id}”没有{(kind == "photo" ? "照片" : "签字")}，或不在您的管辖范围内");
                }

                await audit.RecordAsync(AuditActions.Read, "contract", id, kind == "photo" ? "查看签约现场照片" : "查看签约签字", ct);
                return TypedResults.File(file.Content, file.ContentType);
            })
            .RequirePermission(ContractPermissions.Read)
            .WithSummary("签约的签字图片（signature）或现场照片（photo）")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/contract-log", async Task<Ok<SigningLogPage>> (HttpContext http, ContractQueries queries, CancellationToken ct) =>
                TypedResults.Ok(await queries.LogAsync(await http.AccessAsync(), ParseLog(http.Request.Query), ct)))
            .WithTags("签约")
            .RequirePermission(ContractPermissions.Log)
            .WithSummary("签约人员日志：谁在何时对哪份签约做了什么；按 user（姓名）、org（操作人所在机构）、action（操作代码或名称）、from、to 筛选")
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }

    private static ProblemException NotFound(string id) => new(404, "not-found", "签约不存在", $"签约“{id}”不存在或不在您的管辖范围内");

    private static Guid Required(Guid? value, string name, string label, List<ValidationError> errors)
    {
        if (value is null && !errors.Exists(e => e.Path == "/" + name))
        {
            errors.Add(new ValidationError("/" + name, ErrorCodes.Required, $"缺少{label}"));
        }

        return value ?? Guid.Empty;
    }

    private static SignInput BindSign(JsonElement root, List<ValidationError> errors)
    {
        var source = RequestJson.OptionalString(root, "source", "签约来源 source", errors) ?? ContractSources.Web;
        if (source is not (ContractSources.Web or ContractSources.DoctorApp))
        {
            errors.Add(new ValidationError("/source", "enum", "签约来源 source 应为 web 或 doctor-app"));
        }

        var (latitude, longitude) = Location(root, errors);
        return new SignInput(
            Required(RequestJson.OptionalGuid(root, "residentId", "居民 residentId", errors), "residentId", "居民 residentId", errors),
            RequestJson.OptionalGuids(root, "packageIds", "服务包 packageIds", errors) ?? [],
            RequestJson.OptionalGuid(root, "teamId", "团队 teamId", errors),
            RequestJson.OptionalGuid(root, "doctorUserId", "责任医生 doctorUserId", errors),
            RequestJson.OptionalDate(root, "startDate", "开始日期 startDate", errors),
            source,
            Image(root, "signature", "签字 signature", MaxSignatureBytes, errors),
            Image(root, "photo", "照片 photo", MaxPhotoBytes, errors),
            latitude,
            longitude,
            RequestJson.OptionalStrings(root, "populations", "人群分类 populations", errors));
    }

    private static (double? Latitude, double? Longitude) Location(JsonElement root, List<ValidationError> errors)
    {
        var latitude = Coordinate(root, "latitude", "纬度", 90, errors);
        var longitude = Coordinate(root, "longitude", "经度", 180, errors);
        if ((latitude is null) != (longitude is null) && !errors.Exists(e => e.Path is "/latitude" or "/longitude"))
        {
            errors.Add(new ValidationError(latitude is null ? "/latitude" : "/longitude", ErrorCodes.Required, "定位须同时提供纬度 latitude 和经度 longitude"));
        }

        return (latitude, longitude);
    }

    private static double? Coordinate(JsonElement root, string name, string label, double limit, List<ValidationError> errors)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || double.IsNaN(number) || Math.Abs(number) > limit)
        {
            errors.Add(new ValidationError("/" + name, "range", $"{label}应为 -{limit} 至 {limit} 之间的数"));
            return null;
        }

        return number;
    }

    /// <summary>An inline PNG or JPEG: base64 or a data URL; the type is read from the bytes, not trusted from the text.</summary>
    internal static ImageInput? Image(JsonElement root, string name, string label, int maxBytes, List<ValidationError> errors)
    {
        var text = RequestJson.OptionalString(root, name, label, errors);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var comma = text.StartsWith("data:", StringComparison.Ordinal) ? text.IndexOf(',', StringComparison.Ordinal) : -1;
        var payload = comma >= 0 ? text[(comma + 1)..] : text;
        var bytes = new byte[payload.Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64String(payload, bytes, out var length))
        {
            errors.Add(new ValidationError("/" + name, ErrorCodes.Type, $"{label}应为 PNG 或 JPEG 图片的 base64 编码（可带 data:image/png;base64, 前缀）"));
            return null;
        }

        if (length > maxBytes)
        {
            errors.Add(new ValidationError("/" + name, "too-large", $"{label}不能超过 {maxBytes / 1024} KB"));
            return null;
        }

        var content = bytes[..length];
        string? type = content switch
        {
            [0x89, 0x50, 0x4E, 0x47, ..] => "image/png",
            [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
            _ => null,
        };
        if (type is null)
        {
            errors.Add(new ValidationError("/" + name, ErrorCodes.Type, $"{label}不是 PNG 或 JPEG 图片"));
            return null;
        }

        return new ImageInput(type, content);
    }

    private static ContractFilter ParseList(IQueryCollection query)
    {
        var errors = new List<ValidationError>();
        QueryValues.RejectUnknown(query, ListParameters, errors);
        var (from, to) = QueryValues.DateRange(query, errors);
        var (page, size) = QueryValues.Paging(query, 20, 100, errors);
        var filter = new ContractFilter(
            QueryValues.Text(query, "status"),
            QueryValues.Id(query, "team", "团队 team", errors),
            QueryValues.Id(query, "resident", "居民 resident", errors),
            QueryValues.Text(query, "q"),
            from,
            to,
            page,
            size);
        return errors.Count > 0 ? throw ProblemException.Invalid(errors) : filter;
    }

    private static SigningLogFilter ParseLog(IQueryCollection query)
    {
        var errors = new List<ValidationError>();
        QueryValues.RejectUnknown(query, LogParameters, errors);
        var (from, to) = QueryValues.DateRange(query, errors);
        var (page, size) = QueryValues.Paging(query, 50, 200, errors);
        var filter = new SigningLogFilter(QueryValues.Text(query, "user"), QueryValues.Id(query, "org", "机构 org", errors), QueryValues.Text(query, "action"), from, to, page, size);
        return errors.Count > 0 ? throw ProblemException.Invalid(errors) : filter;
    }
}
