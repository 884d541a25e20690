using System.Security.Claims;
using Jiayi.Data;
using Jiayi.Data.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace Jiayi.Host.Access;

/// <summary>
/// Accounts and sign-in: ASP.NET Core Identity for users (password hashing, security stamps, TOTP keys),
/// a cookie for the web platform and bearer tokens for the apps and scripts. Lockout, password rules and
/// expiry are ours (<see cref="LoginService"/>, <see cref="PasswordPolicy"/>), driven by system parameters.
/// </summary>
public static class IdentitySetup
{
    /// <summary>Claim on the cookie of a user who must change their password before anything else.</summary>
    public const string MustChangePasswordClaim = "jiayi:must_change_password";

    /// <summary>The policy of the /api endpoints: a bearer token (cookies do not open the API).</summary>
    public const string ApiPolicy = "api";

    private const string SelectScheme = "jiayi";

    /// <summary>The token a SignalR client passes in the query string of a hub connection (/hubs/…).</summary>
    private static string? HubToken(HttpRequest request) =>
        request.Path.StartsWithSegments("/hubs") && request.Query["access_token"] is { Count: 1 } token && !string.IsNullOrEmpty(token[0]) ? token[0] : null;

    /// <summary>Claim carrying the account's security stamp at sign-in.</summary>
    public const string SecurityStampClaim = "AspNet.Identity.SecurityStamp";

    public static IServiceCollection AddJiayiIdentity(this IServiceCollection services)
    {
        services.AddIdentityCore<AppUser>(o =>
            {
                // Our PasswordPolicy applies the configurable rules; Identity's own checks are switched off.
                o.Password.RequiredLength = 1;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 1;
                o.Lockout.AllowedForNewUsers = false;
                o.User.RequireUniqueEmail = false;
                o.User.AllowedUserNameCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._@";
            })
            .AddEntityFrameworkStores<JiayiDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddErrorDescriber<ChineseIdentityErrors>()
            .AddPasswordValidator<PasswordPolicy>();

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = SelectScheme;
                o.DefaultSignInScheme = IdentityConstants.ApplicationScheme;
            })
            // A request with "Authorization: Bearer …" is an app's or a script's (so is a hub connection with
            // ?access_token=, as browsers cannot set headers on WebSockets); any other, the web platform's (cookie).
            .AddPolicyScheme(SelectScheme, SelectScheme, o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || HubToken(http.Request) is not null
                    ? IdentityConstants.BearerScheme
                    : IdentityConstants.ApplicationScheme)
            .AddCookie(IdentityConstants.ApplicationScheme, o =>
            {
                o.Cookie.Name = "jiayi.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.LoginPath = "/account/login";
                o.LogoutPath = "/account/logout";
                o.AccessDeniedPath = "/account/denied";
                // The idle timeout (system parameter session.idle_minutes) is applied in ValidateCookieAsync; this is the hard cap.
                o.ExpireTimeSpan = TimeSpan.FromHours(12);
                o.SlidingExpiration = false;
                o.Events.OnValidatePrincipal = ValidateCookieAsync;
            })
            .AddBearerToken(IdentityConstants.BearerScheme, o =>
            {
                o.BearerTokenExpiration = TimeSpan.FromHours(8);
                o.Events.OnMessageReceived = context =>
                {
                    context.Token ??= HubToken(context.Request);
                    return Task.CompletedTask;
                };
            });

        services.AddAuthorization(o => o.AddPolicy(ApiPolicy, p => p.AddAuthenticationSchemes(IdentityConstants.BearerScheme).RequireAuthenticatedUser()));
        services.AddCascadingAuthenticationState();
        services.AddScoped<AccessService>();
        services.AddScoped<LoginService>();
        return services;
    }

    /// <summary>
    /// The cookie stays valid only while the account is active and unchanged (security stamp) and the user
    /// has not been idle longer than <c>session.idle_minutes</c>; each request renews it (at most once a minute).
    /// </summary>
    private static async Task ValidateCookieAsync(CookieValidatePrincipalContext context)
    {
        var now = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var idle = (await context.HttpContext.RequestServices.GetRequiredService<Parameters.SystemParameters>().CurrentAsync(context.HttpContext.RequestAborted)).Whole("session.idle_minutes");
        if (context.Properties.IssuedUtc is { } issued && now - issued > TimeSpan.FromMinutes(idle))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
            return;
        }

        if (context.Properties.IssuedUtc is not { } renewed || now - renewed > TimeSpan.FromMinutes(1))
        {
            context.ShouldRenew = true;
        }

        // The same read serves the rest of the request (audit actor, permission checks): one lookup per request.
        var access = context.Principal is null ? null
            : await context.HttpContext.RequestServices.GetRequiredService<AccessService>().GetAsync(context.Principal, context.HttpContext.RequestAborted);
        if (access is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
            return;
        }

        EndpointAccess.Remember(context.HttpContext, access);
    }

    /// <summary>The identity carried by cookies and tokens: the user's id, name and security stamp; permissions are read per request.</summary>
    public static ClaimsPrincipal Principal(AppUser user, string scheme, bool mustChangePassword)
    {
        ArgumentNullException.ThrowIfNull(user);
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id.ToString()),
            new(ClaimTypes.Name, user.UserName ?? ""),
            new(SecurityStampClaim, user.SecurityStamp ?? ""),
        };
        if (mustChangePassword)
        {
            claims.Add(new Claim(MustChangePasswordClaim, "true"));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    /// <summary>Creates a bearer token for the user, valid for <paramref name="lifetime"/>.</summary>
    public static string IssueToken(HttpContext http, AppUser user, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(http);
        var options = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<BearerTokenOptions>>().Get(IdentityConstants.BearerScheme);
        var now = DateTimeOffset.UtcNow;
        var properties = new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now + lifetime };
        var ticket = new AuthenticationTicket(Principal(user, IdentityConstants.BearerScheme, false), properties, IdentityConstants.BearerScheme);
        return options.BearerTokenProtector.Protect(ticket);
    }
}
