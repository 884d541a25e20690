using Jiayi.Data;
using Jiayi.Data.Audit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Access;

/// <summary>The web platform's session endpoints besides the login page: sign out, and the keep-alive of an active page.</summary>
public static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account").ExcludeFromDescription();

        // A form post from the menu, or the idle timer's navigation (reason=idle).
        account.MapMethods("/logout", [HttpMethods.Get, HttpMethods.Post], async (HttpContext http, IDbContextFactory<JiayiDbContext> databases, string? reason) =>
        {
            if (http.User.Identity?.IsAuthenticated == true)
            {
                await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
                db.AuditDrafts.Add(new AuditDraft(AuditActions.Logout, "session", http.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value,
                    reason == "idle" ? "长时间未操作，自动退出" : "退出登录"));
                await db.SaveChangesAsync(http.RequestAborted);
                await http.SignOutAsync(IdentityConstants.ApplicationScheme);
            }

            return Results.Redirect(reason == "idle" ? "/account/login?reason=idle" : "/account/login");
        }).DisableAntiforgery();

        // Activity on a page (typing, clicking) renews the session cookie; the idle timeout counts from the last one.
        account.MapPost("/ping", () => Results.NoContent()).RequireAuthorization().DisableAntiforgery();
    }
}
