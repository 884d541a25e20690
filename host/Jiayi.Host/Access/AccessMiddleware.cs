using Jiayi.Host.Audit;

namespace Jiayi.Host.Access;

/// <summary>
/// After authentication: names the actor of the request for the system log (user, organisation, IP), and
/// sends a web user who must change their password to the change-password page before anything else.
/// </summary>
public sealed class AccessMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http, AccessService accessService)
    {
        var ip = http.Connection.RemoteIpAddress?.ToString();
        if (http.User.Identity?.IsAuthenticated != true || IsAsset(http.Request.Path))
        {
            using var anonymous = AuditContext.Use(new AuditActor(null, null, null, ip));
            await next(http);
            return;
        }

        if (http.User.HasClaim(c => c.Type == IdentitySetup.MustChangePasswordClaim)
            && !http.Request.Path.StartsWithSegments("/account")
            && !http.Request.Path.StartsWithSegments("/api")
            && HttpMethods.IsGet(http.Request.Method))
        {
            http.Response.Redirect("/account/change-password");
            return;
        }

        var access = await EndpointAccess.TryResolveAsync(http);
        using var actor = AuditContext.Use(access is null
            ? new AuditActor(null, http.User.Identity.Name, null, ip)
            : new AuditActor(access.UserId, access.UserName, access.OrgPath, ip));
        await next(http);
    }

    private static bool IsAsset(PathString path) =>
        path.StartsWithSegments("/_content") || path.StartsWithSegments("/_framework") || Path.HasExtension(path.Value);
}
