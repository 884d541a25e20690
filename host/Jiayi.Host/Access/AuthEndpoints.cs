using System.Text.Json;
using Jiayi.Engine.Forms;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Parameters;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jiayi.Host.Access;

/// <summary>The body of <c>POST /api/auth/token</c>.</summary>
public sealed record TokenRequest(string Username, string Password, string? Code);

/// <summary>A bearer token (OAuth 2.0 field names, as apps and scripts expect them).</summary>
public sealed record TokenResponse(
    [property: System.Text.Json.Serialization.JsonPropertyName("access_token")] string AccessToken,
    [property: System.Text.Json.Serialization.JsonPropertyName("token_type")] string TokenType,
    [property: System.Text.Json.Serialization.JsonPropertyName("expires_in")] int ExpiresIn);

/// <summary>The signed-in user as apps see them.</summary>
public sealed record MeResponse(Guid Id, string UserName, string DisplayName, string UserType, Guid OrgId, string OrgName, Guid? TeamId, IReadOnlyList<string> Permissions);

public static class AuthEndpoints
{
    private static readonly string[] TokenProperties = ["username", "password", "code"];

    public static void MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("登录");
        auth.MapPost("/token", TokenAsync)
            .AllowAnonymous()
            .WithSummary("用户名和密码换取访问令牌（Bearer）；管理员角色还须提供手机验证器的动态码 code")
            .DocumentsJsonBody<TokenRequest>()
            .Produces<TokenResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        auth.MapGet("/me", async Task<Ok<MeResponse>> (HttpContext http) =>
            {
                var me = await http.AccessAsync();
                return TypedResults.Ok(new MeResponse(me.UserId, me.UserName, me.DisplayName, me.UserType, me.OrgId, me.OrgName, me.TeamId, [.. me.Permissions.Order(StringComparer.Ordinal)]));
            })
            .RequireAuthorization(IdentitySetup.ApiPolicy)
            .WithSummary("当前用户、所属机构与权限");
    }

    private static async Task<Ok<TokenResponse>> TokenAsync(HttpContext http, LoginService login, SystemParameters parameters, CancellationToken ct)
    {
        using var body = await RequestJson.ReadObjectAsync(http.Request, ct);
        var root = body.RootElement;
        var errors = new List<ValidationError>();
        RequestJson.RejectUnknown(root, TokenProperties, errors);
        var username = RequestJson.OptionalString(root, "username", "用户名 username", errors);
        var password = RequestJson.OptionalString(root, "password", "密码 password", errors);
        var code = RequestJson.OptionalString(root, "code", "动态码 code", errors);
        if (string.IsNullOrWhiteSpace(username) && !errors.Exists(e => e.Path == "/username"))
        {
            errors.Add(new ValidationError("/username", ErrorCodes.Required, "请填写用户名 username"));
        }

        if (string.IsNullOrEmpty(password) && !errors.Exists(e => e.Path == "/password"))
        {
            errors.Add(new ValidationError("/password", ErrorCodes.Required, "请填写密码 password"));
        }

        if (errors.Count > 0)
        {
            throw ProblemException.Invalid(errors);
        }

        var result = await login.CheckAsync(username!, password!, code, http.Connection.RemoteIpAddress?.ToString(), ct);
        switch (result.Outcome)
        {
            case LoginOutcome.Success when result.MustChangePassword:
                throw new ProblemException(StatusCodes.Status403Forbidden, "password-change-required", "须先修改密码", "密码已过期或被管理员重置：请先在网页登录并修改密码");
            case LoginOutcome.Success:
                var hours = (await parameters.CurrentAsync(ct)).Whole("token.hours");
                var token = IdentitySetup.IssueToken(http, result.User!, TimeSpan.FromHours(hours));
                return TypedResults.Ok(new TokenResponse(token, "Bearer", hours * 3600));
            case LoginOutcome.TwoFactorRequired or LoginOutcome.TwoFactorInvalid:
                throw new ProblemException(StatusCodes.Status401Unauthorized, "two-factor-required", "需要动态码", result.Message, [new ValidationError("/code", ErrorCodes.Required, result.Message)]);
            case LoginOutcome.TwoFactorSetupRequired:
                throw new ProblemException(StatusCodes.Status403Forbidden, "two-factor-setup-required", "须先绑定两步验证", "您的角色要求两步验证：请先在网页登录并用手机验证器绑定账号");
            case LoginOutcome.LockedOut:
                throw new ProblemException(StatusCodes.Status423Locked, "locked-out", "账号已锁定", result.Message);
            case LoginOutcome.Disabled:
                throw new ProblemException(StatusCodes.Status403Forbidden, "disabled", "账号已停用", result.Message);
            default:
                throw new ProblemException(StatusCodes.Status401Unauthorized, "invalid-credentials", "用户名或密码错误", result.Message);
        }
    }
}
