using System.Text.Json;
using Jiayi.Engine.Forms;
using Jiayi.Host.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jiayi.Host.Access;

/// <summary>The body of <c>POST /api/users/{id}/reset-password</c>'s answer: the new password, shown this once.</summary>
public sealed record NewPassword(string Password);

/// <summary>Users, roles, the permission catalogue and user groups (W6.1).</summary>
public static class UserEndpoints
{
    private static readonly string[] CreateProperties = ["userName", "displayName", "userType", "orgId", "teamId", "roleIds", "password"];
    private static readonly string[] UpdateProperties = ["displayName", "userType", "orgId", "teamId", "roleIds", "isActive"];
    private static readonly string[] RoleProperties = ["name", "description", "permissions", "requiresTwoFactor"];
    private static readonly string[] GroupProperties = ["name", "description", "roleIds", "userIds"];
    private static readonly string[] ListParameters = ["q", "orgId", "page", "pageSize"];

    public const int MaxPageSize = 100;

    public static void MapUserEndpoints(this IEndpointRouteBuilder api)
    {
        MapUsers(api.MapGroup("/users").WithTags("用户与权限"));
        MapRoles(api);
        MapGroups(api.MapGroup("/user-groups").WithTags("用户与权限"));
    }

    private static void MapUsers(RouteGroupBuilder users)
    {
        users.MapGet("/", async Task<Ok<UserPage>> (HttpContext http, UserService service, CancellationToken ct) =>
            {
                var query = http.Request.Query;
                var errors = new List<ValidationError>();
                QueryValues.RejectUnknown(query, ListParameters, errors);
                var page = QueryValues.Whole(query, "page", "页码 page", 1, 1, 100_000, errors);
                var pageSize = QueryValues.Whole(query, "pageSize", "每页条数 pageSize", 20, 1, MaxPageSize, errors);
                var orgId = QueryValues.Id(query, "orgId", "机构 orgId", errors);
                var q = QueryValues.Text(query, "q");
                if (q is { Length: > 50 })
                {
                    errors.Add(new ValidationError("/q", ErrorCodes.MaxLength, "查询内容不能超过 50 个字"));
                }

                if (errors.Count > 0)
                {
                    throw ProblemException.Invalid(errors);
                }

                return TypedResults.Ok(await service.ListAsync(await http.AccessAsync(), q, orgId, page, pageSize, ct));
            })
            .RequirePermission(AccessPermissions.UsersRead)
            .WithSummary("用户列表（管辖范围内，分页）：q 为用户名或姓名（包含）；orgId 为机构（含下级）")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        users.MapGet("/{id}", async Task<Ok<UserView>> (string id, HttpContext http, UserService service, CancellationToken ct) =>
                TypedResults.Ok(await service.GetAsync(await http.AccessAsync(), ParseId(id, UserService.NotFound), ct)))
            .RequirePermission(AccessPermissions.UsersRead)
            .WithSummary("一个用户：所属机构与团队、角色、用户组、锁定与两步验证状态")
            .ProducesProblem(StatusCodes.Status404NotFound);

        users.MapPost("/", async Task<Created<CreatedUser>> (HttpContext http, UserService service, CancellationToken ct) =>
            {
                var input = await ReadUserAsync(http.Request, CreateProperties, ct);
                var created = await service.CreateAsync(await http.AccessAsync(), input, ct);
                return TypedResults.Created($"/api/users/{created.User.Id}", created);
            })
            .RequirePermission(AccessPermissions.UsersWrite)
            .WithSummary("新建用户：不给 password 时生成随机初始密码，仅在本次应答中返回，首次登录须修改；只能授予自己拥有的权限")
            .DocumentsJsonBody<UserInput>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);

        users.MapPut("/{id}", async Task<Ok<UserView>> (string id, HttpContext http, UserService service, CancellationToken ct) =>
            {
                var userId = ParseId(id, UserService.NotFound);
                var input = await ReadUserAsync(http.Request, UpdateProperties, ct);
                return TypedResults.Ok(await service.UpdateAsync(await http.AccessAsync(), userId, input, ct));
            })
            .RequirePermission(AccessPermissions.UsersWrite)
            .WithSummary("修改用户（整体替换角色）；停用后其令牌与登录立即失效；不能停用自己或移除自己的角色")
            .DocumentsJsonBody<UserInput>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        users.MapPost("/{id}/reset-password", async Task<Ok<NewPassword>> (string id, HttpContext http, UserService service, CancellationToken ct) =>
                TypedResults.Ok(new NewPassword(await service.ResetPasswordAsync(await http.AccessAsync(), ParseId(id, UserService.NotFound), ct))))
            .RequirePermission(AccessPermissions.UsersWrite)
            .WithSummary("重置密码：返回新的随机密码（仅此一次），用户下次登录须修改；同时解除锁定，已登录的会话失效")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        users.MapPost("/{id}/unlock", async Task<Ok<UserView>> (string id, HttpContext http, UserService service, CancellationToken ct) =>
                TypedResults.Ok(await service.UnlockAsync(await http.AccessAsync(), ParseId(id, UserService.NotFound), ct)))
            .RequirePermission(AccessPermissions.UsersWrite)
            .WithSummary("解除登录失败造成的锁定")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        users.MapPost("/{id}/reset-two-factor", async Task<Ok<UserView>> (string id, HttpContext http, UserService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ResetTwoFactorAsync(await http.AccessAsync(), ParseId(id, UserService.NotFound), ct)))
            .RequirePermission(AccessPermissions.UsersWrite)
            .WithSummary("重置两步验证（如手机丢失）：关闭并清除验证器密钥，用户须重新绑定")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static void MapRoles(IEndpointRouteBuilder api)
    {
        api.MapGet("/permissions", () => TypedResults.Ok(RoleService.Catalogue()))
            .WithTags("用户与权限")
            .RequirePermission(AccessPermissions.UsersRead)
            .WithSummary("全部权限，按功能分组");

        var roles = api.MapGroup("/roles").WithTags("用户与权限");
        roles.MapGet("/", async Task<Ok<IReadOnlyList<RoleView>>> (RoleService service, CancellationToken ct) => TypedResults.Ok(await service.ListAsync(ct)))
            .RequirePermission(AccessPermissions.UsersRead)
            .WithSummary("角色列表：权限（代码与名称）、直接授予的用户数和用户组数");

        roles.MapPost("/", async Task<Created<RoleView>> (HttpContext http, RoleService service, CancellationToken ct) =>
            {
                var role = await service.CreateAsync(await ReadRoleAsync(http.Request, ct), ct);
                return TypedResults.Created($"/api/roles/{role.Id}", role);
            })
            .RequirePermission(AccessPermissions.RolesWrite)
            .WithSummary("新建角色：permissions 为权限代码（见 GET /api/permissions）；名称不能重复")
            .DocumentsJsonBody<RoleInput>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict);

        roles.MapPut("/{id}", async Task<Ok<RoleView>> (string id, HttpContext http, RoleService service, CancellationToken ct) =>
            {
                var roleId = ParseId(id, RoleService.NotFound);
                return TypedResults.Ok(await service.UpdateAsync(roleId, await ReadRoleAsync(http.Request, ct), ct));
            })
            .RequirePermission(AccessPermissions.RolesWrite)
            .WithSummary("修改角色（整体替换权限）：持有者下一次请求起按新权限")
            .DocumentsJsonBody<RoleInput>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        roles.MapDelete("/{id}", async Task<NoContent> (string id, RoleService service, CancellationToken ct) =>
            {
                await service.DeleteAsync(ParseId(id, RoleService.NotFound), ct);
                return TypedResults.NoContent();
            })
            .RequirePermission(AccessPermissions.RolesWrite)
            .WithSummary("删除角色：内置角色和仍授予用户或用户组的角色不能删除（409）")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static void MapGroups(RouteGroupBuilder groups)
    {
        groups.MapGet("/", async Task<Ok<IReadOnlyList<UserGroupView>>> (HttpContext http, UserGroupService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ListAsync(await http.AccessAsync(), ct)))
            .RequirePermission(AccessPermissions.UsersRead)
            .WithSummary("用户组列表：角色、管辖范围内的成员、成员总数");

        groups.MapPost("/", async Task<Created<UserGroupView>> (HttpContext http, UserGroupService service, CancellationToken ct) =>
            {
                var group = await service.CreateAsync(await http.AccessAsync(), await ReadGroupAsync(http.Request, ct), ct);
                return TypedResults.Created($"/api/user-groups/{group.Id}", group);
            })
            .RequirePermission(AccessPermissions.UsersWrite)
            .WithSummary("新建用户组：成员获得组内全部角色；成员须在管辖范围内")
            .DocumentsJsonBody<UserGroupInput>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);

        groups.MapPut("/{id}", async Task<Ok<UserGroupView>> (string id, HttpContext http, UserGroupService service, CancellationToken ct) =>
            {
                var groupId = ParseId(id, UserGroupService.NotFound);
                return TypedResults.Ok(await service.UpdateAsync(await http.AccessAsync(), groupId, await ReadGroupAsync(http.Request, ct), ct));
            })
            .RequirePermission(AccessPermissions.UsersWrite)
            .WithSummary("修改用户组（整体替换角色与管辖范围内的成员；范围外的成员保持不变）")
            .DocumentsJsonBody<UserGroupInput>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        groups.MapDelete("/{id}", async Task<NoContent> (string id, HttpContext http, UserGroupService service, CancellationToken ct) =>
            {
                await service.DeleteAsync(await http.AccessAsync(), ParseId(id, UserGroupService.NotFound), ct);
                return TypedResults.NoContent();
            })
            .RequirePermission(AccessPermissions.UsersWrite)
            .WithSummary("删除用户组（成员随即失去组内角色）")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static Guid ParseId(string id, Func<string, ProblemException> notFound) => Guid.TryParse(id, out var guid) ? guid : throw notFound(id);

    private static Task<UserInput> ReadUserAsync(HttpRequest request, string[] properties, CancellationToken ct) =>
        RequestJson.ReadAsync(request, properties, (root, errors) => new UserInput(
            RequestJson.OptionalString(root, "userName", "用户名 userName", errors),
            RequestJson.OptionalString(root, "displayName", "姓名 displayName", errors),
            RequestJson.OptionalString(root, "userType", "用户类型 userType", errors),
            RequestJson.OptionalGuid(root, "orgId", "所属机构 orgId", errors),
            RequestJson.OptionalGuid(root, "teamId", "团队 teamId", errors),
            RequestJson.OptionalGuids(root, "roleIds", "角色 roleIds", errors),
            RequestJson.OptionalString(root, "password", "密码 password", errors),
            RequestJson.OptionalBool(root, "isActive", "启用状态 isActive", errors)), ct);

    private static Task<RoleInput> ReadRoleAsync(HttpRequest request, CancellationToken ct) =>
        RequestJson.ReadAsync(request, RoleProperties, (root, errors) => new RoleInput(
            RequestJson.OptionalString(root, "name", "角色名称 name", errors),
            RequestJson.OptionalString(root, "description", "说明 description", errors),
            RequestJson.OptionalStrings(root, "permissions", "权限 permissions", errors),
            RequestJson.OptionalBool(root, "requiresTwoFactor", "须两步验证 requiresTwoFactor", errors)), ct);

    private static Task<UserGroupInput> ReadGroupAsync(HttpRequest request, CancellationToken ct) =>
        RequestJson.ReadAsync(request, GroupProperties, (root, errors) => new UserGroupInput(
            RequestJson.OptionalString(root, "name", "用户组名称 name", errors),
            RequestJson.OptionalString(root, "description", "说明 description", errors),
            RequestJson.OptionalGuids(root, "roleIds", "角色 roleIds", errors),
            RequestJson.OptionalGuids(root, "userIds", "成员 userIds", errors)), ct);
}
