using Jiayi.Host.Infrastructure;

namespace Jiayi.Host.Access;

/// <summary>
/// Permission checks for API endpoints: the caller must be signed in (bearer token) and hold the named
/// permission; the endpoint then finds the caller's <see cref="AccessInfo"/> (and data scope) in the request.
/// </summary>
public static class EndpointAccess
{
    private const string ItemKey = "jiayi.access";

    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, string permission)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(async (context, next) =>
        {
            var access = await ResolveAsync(context.HttpContext);
            if (!access.Has(permission))
            {
                throw new ProblemException(StatusCodes.Status403Forbidden, "forbidden", "没有权限", $"需要“{PermissionCatalog.NameOf(permission)}”权限");
            }

            return await next(context);
        });
        return builder;
    }

    /// <summary>The caller's access, read once per request.</summary>
    public static async Task<AccessInfo> ResolveAsync(HttpContext http) =>
        await TryResolveAsync(http)
        ?? throw new ProblemException(StatusCodes.Status401Unauthorized, "unauthorized", "未登录或登录已失效", "账号不存在、已停用或令牌已失效，请重新登录");

    /// <summary>The caller's access, or null when not signed in (or the account is gone, disabled or changed since).</summary>
    public static async Task<AccessInfo?> TryResolveAsync(HttpContext http)
    {
        if (http.Items.TryGetValue(ItemKey, out var cached))
        {
            return cached as AccessInfo;
        }

        var access = http.User.Identity?.IsAuthenticated == true
            ? await http.RequestServices.GetRequiredService<AccessService>().GetAsync(http.User, http.RequestAborted)
            : null;
        http.Items[ItemKey] = access;
        return access;
    }

    /// <summary>Keeps access already read for this request (by the cookie check) for the rest of it.</summary>
    public static void Remember(HttpContext http, AccessInfo access) => http.Items[ItemKey] = access;

    /// <summary>The caller's access inside an endpoint (after <see cref="RequirePermission"/>).</summary>
    public static Task<AccessInfo> AccessAsync(this HttpContext http) => ResolveAsync(http);
}
