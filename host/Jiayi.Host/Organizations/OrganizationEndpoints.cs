using System.Text.Json;
using Jiayi.Data.Organizations;
using Jiayi.Engine.Forms;
using Jiayi.Host.Access;
using Jiayi.Host.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jiayi.Host.Organizations;

public static class OrganizationEndpoints
{
    private static readonly string[] CreateProperties = ["kind", "code", "name", "parentId", "level", "category", "beds", "address", "contactPerson", "contactPhone"];
    private static readonly string[] UpdateProperties = [.. CreateProperties, "isActive"];
    private static readonly string[] MemberProperties = ["name", "role", "isLeader", "phone", "userId"];
    private static readonly string[] ListParameters = ["kind", "parentId", "q", "page", "pageSize"];
    private static readonly string[] TreeParameters = ["rootId"];

    public const int MaxPageSize = 100;

    public static void MapOrganizationEndpoints(this IEndpointRouteBuilder api)
    {
        var organizations = api.MapGroup("/organizations").WithTags("机构");

        organizations.MapGet("/", async Task<Ok<OrganizationPage>> (HttpContext http, OrganizationService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ListAsync(await http.AccessAsync(), ParseQuery(http.Request.Query), ct)))
            .RequirePermission(OrganizationPermissions.Read)
            .WithSummary("机构、部门与团队列表（管辖范围内，按路径排序，分页）：可按 kind、parentId 筛选，q 为名称或代码（包含）")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        organizations.MapGet("/tree", async Task<Ok<OrganizationTreeNode>> (HttpContext http, OrganizationService service, CancellationToken ct) =>
            {
                var query = http.Request.Query;
                var errors = new List<ValidationError>();
                QueryValues.RejectUnknown(query, TreeParameters, errors);
                var rootId = QueryValues.Id(query, "rootId", "根节点 rootId", errors);
                return errors.Count > 0
                    ? throw ProblemException.Invalid(errors)
                    : TypedResults.Ok(await service.TreeAsync(await http.AccessAsync(), rootId, ct));
            })
            .RequirePermission(OrganizationPermissions.Read)
            .WithSummary("机构树：管辖范围（或 rootId）下的全部节点，含行政区划，逐级嵌套")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        organizations.MapGet("/import-template", () => TypedResults.File(InstitutionSheet.Template(), InstitutionSheet.ContentType, InstitutionSheet.TemplateFileName))
            .RequirePermission(OrganizationPermissions.Import)
            .WithSummary("医疗机构导入模板（.xlsx，中文表头和一行示例）");

        organizations.MapPost("/import", async Task<Ok<OrganizationImportResult>> (HttpContext http, OrganizationService service, CancellationToken ct) =>
            {
                var (fileName, rows) = await InstitutionSheet.ReadUploadAsync(http, ct);
                return TypedResults.Ok(await service.ImportAsync(await http.AccessAsync(), fileName, rows, ct));
            })
            .RequirePermission(OrganizationPermissions.Import)
            .DisableAntiforgery()
            .WithSummary("批量导入医疗机构：multipart/form-data 的 file 字段上传 .xlsx（不超过 5 MB）；上级代码为管辖范围内的行政区划或医疗机构代码；有效行一次保存，已存在的机构跳过，错误按 Excel 行号和列名返回")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        organizations.MapGet("/{id}", async Task<Ok<OrganizationView>> (string id, HttpContext http, OrganizationService service, CancellationToken ct) =>
                TypedResults.Ok(await service.GetAsync(await http.AccessAsync(), ParseId(id), ct)))
            .RequirePermission(OrganizationPermissions.Read)
            .WithSummary("机构、部门或团队的详情（团队含成员）")
            .ProducesProblem(StatusCodes.Status404NotFound);

        organizations.MapPost("/", async Task<Created<OrganizationView>> (HttpContext http, OrganizationService service, CancellationToken ct) =>
            {
                var input = await ReadAsync(http.Request, CreateProperties, ct);
                var node = await service.CreateAsync(await http.AccessAsync(), input, ct);
                return TypedResults.Created($"/api/organizations/{node.Id}", node);
            })
            .RequirePermission(OrganizationPermissions.Write)
            .WithSummary("新增卫生部门（上级为行政区划）、医疗机构（上级为行政区划或医疗机构）或家庭医生团队（上级为医疗机构）；同一上级下代码不能重复（409）")
            .DocumentsJsonBody<OrganizationInput>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict);

        organizations.MapPut("/{id}", async Task<Ok<OrganizationView>> (string id, HttpContext http, OrganizationService service, CancellationToken ct) =>
            {
                var nodeId = ParseId(id);
                var input = await ReadAsync(http.Request, UpdateProperties, ct);
                return TypedResults.Ok(await service.UpdateAsync(await http.AccessAsync(), nodeId, input, ct));
            })
            .RequirePermission(OrganizationPermissions.Write)
            .WithSummary("修改机构、部门或团队（整体替换；类型和上级不能改；已有下级或数据时代码不能改）；isActive 停用或启用")
            .DocumentsJsonBody<OrganizationInput>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        organizations.MapDelete("/{id}", async Task<NoContent> (string id, HttpContext http, OrganizationService service, CancellationToken ct) =>
            {
                await service.DeleteAsync(await http.AccessAsync(), ParseId(id), ct);
                return TypedResults.NoContent();
            })
            .RequirePermission(OrganizationPermissions.Write)
            .WithSummary("删除误建的部门、机构或团队（有下级、居民、服务记录或用户的不能删除；行政区划不能删除）")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        MapMemberEndpoints(organizations);
    }

    private static void MapMemberEndpoints(RouteGroupBuilder organizations)
    {
        var members = organizations.MapGroup("/{teamId}/members");

        members.MapGet("/", async Task<Ok<IReadOnlyList<TeamMemberView>>> (string teamId, HttpContext http, TeamMemberService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ListAsync(await http.AccessAsync(), ParseId(teamId), ct)))
            .RequirePermission(OrganizationPermissions.Read)
            .WithSummary("家庭医生团队的成员（队长在前）")
            .ProducesProblem(StatusCodes.Status404NotFound);

        members.MapPost("/", async Task<Created<TeamMemberView>> (string teamId, HttpContext http, TeamMemberService service, CancellationToken ct) =>
            {
                var team = ParseId(teamId);
                var input = await ReadMemberAsync(http.Request, ct);
                var member = await service.CreateAsync(await http.AccessAsync(), team, input, ct);
                return TypedResults.Created($"/api/organizations/{team}/members/{member.Id}", member);
            })
            .RequirePermission(OrganizationPermissions.Write)
            .WithSummary("添加团队成员：角色见团队角色列表；设为队长时原队长自动取消；userId 为管辖范围内的用户")
            .DocumentsJsonBody<TeamMemberInput>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        members.MapPut("/{memberId}", async Task<Ok<TeamMemberView>> (string teamId, string memberId, HttpContext http, TeamMemberService service, CancellationToken ct) =>
            {
                var team = ParseId(teamId);
                var member = ParseMemberId(memberId);
                var input = await ReadMemberAsync(http.Request, ct);
                return TypedResults.Ok(await service.UpdateAsync(await http.AccessAsync(), team, member, input, ct));
            })
            .RequirePermission(OrganizationPermissions.Write)
            .WithSummary("修改团队成员（整体替换；不传 isLeader 则不变）")
            .DocumentsJsonBody<TeamMemberInput>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        members.MapDelete("/{memberId}", async Task<NoContent> (string teamId, string memberId, HttpContext http, TeamMemberService service, CancellationToken ct) =>
            {
                await service.DeleteAsync(await http.AccessAsync(), ParseId(teamId), ParseMemberId(memberId), ct);
                return TypedResults.NoContent();
            })
            .RequirePermission(OrganizationPermissions.Write)
            .WithSummary("移除团队成员")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static Guid ParseId(string id) => Guid.TryParse(id, out var guid)
        ? guid
        : throw new ProblemException(StatusCodes.Status404NotFound, "organization-not-found", "机构不存在", $"没有编号为“{id}”的机构、部门或团队，或不在您的管辖范围内");

    private static Guid ParseMemberId(string id) => Guid.TryParse(id, out var guid)
        ? guid
        : throw new ProblemException(StatusCodes.Status404NotFound, "member-not-found", "团队成员不存在", $"本团队没有编号为“{id}”的成员");

    private static OrganizationQuery ParseQuery(IQueryCollection query)
    {
        var errors = new List<ValidationError>();
        QueryValues.RejectUnknown(query, ListParameters, errors);
        var page = QueryValues.Whole(query, "page", "页码 page", 1, 1, 100_000, errors);
        var pageSize = QueryValues.Whole(query, "pageSize", "每页条数 pageSize", 20, 1, MaxPageSize, errors);
        var parentId = QueryValues.Id(query, "parentId", "上级 parentId", errors);
        var kind = QueryValues.Text(query, "kind");
        if (kind is not null && !OrganizationKinds.Names.ContainsKey(kind))
        {
            errors.Add(new ValidationError("/kind", ErrorCodes.Enum, $"类型 kind 应为：{string.Join("、", OrganizationKinds.Names.Select(k => $"{k.Key}（{k.Value}）"))}"));
        }

        var q = QueryValues.Text(query, "q");
        if (q is { Length: > 50 })
        {
            errors.Add(new ValidationError("/q", ErrorCodes.MaxLength, "查询内容不能超过 50 个字"));
        }

        return errors.Count > 0 ? throw ProblemException.Invalid(errors) : new OrganizationQuery(kind, parentId, q, page, pageSize);
    }

    private static Task<OrganizationInput> ReadAsync(HttpRequest request, string[] properties, CancellationToken ct) =>
        RequestJson.ReadAsync(request, properties, (root, errors) => new OrganizationInput(
            RequestJson.OptionalString(root, "kind", "类型 kind", errors),
            RequestJson.OptionalString(root, "code", "代码 code", errors),
            RequestJson.OptionalString(root, "name", "名称 name", errors),
            RequestJson.OptionalGuid(root, "parentId", "上级 parentId", errors),
            RequestJson.OptionalString(root, "level", "级别 level", errors),
            RequestJson.OptionalString(root, "category", "类别 category", errors),
            RequestJson.OptionalInt(root, "beds", "床位数 beds", int.MinValue, int.MaxValue, errors),
            RequestJson.OptionalString(root, "address", "地址 address", errors),
            RequestJson.OptionalString(root, "contactPerson", "联系人 contactPerson", errors),
            RequestJson.OptionalString(root, "contactPhone", "联系电话 contactPhone", errors),
            RequestJson.OptionalBool(root, "isActive", "启用状态 isActive", errors)), ct);

    private static Task<TeamMemberInput> ReadMemberAsync(HttpRequest request, CancellationToken ct) =>
        RequestJson.ReadAsync(request, MemberProperties, (root, errors) => new TeamMemberInput(
            RequestJson.OptionalString(root, "name", "姓名 name", errors),
            RequestJson.OptionalString(root, "role", "团队角色 role", errors),
            RequestJson.OptionalBool(root, "isLeader", "是否队长 isLeader", errors),
            RequestJson.OptionalString(root, "phone", "电话 phone", errors),
            RequestJson.OptionalGuid(root, "userId", "用户 userId", errors)), ct);
}
