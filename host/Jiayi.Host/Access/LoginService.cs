using Jiayi.Data;
using Jiayi.Data.Access;
using Jiayi.Data.Audit;
using Jiayi.Host.Audit;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Parameters;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Access;

/// <summary>How a sign-in attempt ended.</summary>
public enum LoginOutcome
{
    Success,
    Failed,
    LockedOut,
    Disabled,
    TwoFactorRequired,
    TwoFactorSetupRequired,
    TwoFactorInvalid,
}

public sealed record LoginResult(LoginOutcome Outcome, AppUser? User, string Message, bool MustChangePassword = false);

/// <summary>
/// Checks credentials for the web login and the token endpoint alike: accounts lock after the number of
/// failures set in system parameters (for the time set there), disabled accounts cannot sign in, holders of
/// administrator roles need a TOTP code, and expired passwords must be changed. Every attempt is logged.
/// </summary>
public sealed class LoginService(UserManager<AppUser> users, AccessService access, SystemParameters parameters, IDbContextFactory<JiayiDbContext> databases, Clock clock)
{
    public async Task<LoginResult> CheckAsync(string userName, string password, string? twoFactorCode, string? ip, CancellationToken cancellationToken)
    {
        var snapshot = await parameters.CurrentAsync(cancellationToken);
        var user = await users.FindByNameAsync(userName.Trim());
        if (user is null)
        {
            await LogAsync(null, userName, ip, AuditActions.LoginFailed, "登录失败：用户名或密码错误", cancellationToken);
            return new LoginResult(LoginOutcome.Failed, null, "用户名或密码错误");
        }

        var now = clock.UtcNow;
        if (user.LockoutEnd is { } end && end.UtcDateTime > now)
        {
            await LogAsync(user, userName, ip, AuditActions.LoginFailed, "登录失败：账号已锁定", cancellationToken);
            var minutes = Math.Max(1, (int)Math.Ceiling((end.UtcDateTime - now).TotalMinutes));
            return new LoginResult(LoginOutcome.LockedOut, user, $"连续登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试或联系管理员");
        }

        if (!await users.CheckPasswordAsync(user, password))
        {
            user.AccessFailedCount++;
            var max = snapshot.Whole("lockout.max_failures");
            string message;
            if (user.AccessFailedCount >= max)
            {
                user.AccessFailedCount = 0;
                user.LockoutEnd = now.AddMinutes(snapshot.Whole("lockout.minutes"));
                message = $"连续 {max} 次密码错误，账号已锁定 {snapshot.Whole("lockout.minutes")} 分钟";
            }
            else
            {
                message = $"用户名或密码错误，再错 {max - user.AccessFailedCount} 次将锁定账号";
            }

            await users.UpdateAsync(user);
            await LogAsync(user, userName, ip, AuditActions.LoginFailed, "登录失败：" + message, cancellationToken);
            return new LoginResult(user.LockoutEnd > now ? LoginOutcome.LockedOut : LoginOutcome.Failed, user, message);
        }

        var info = await access.GetAsync(user.Id, cancellationToken);
        if (!user.IsActive || info is null)
        {
            await LogAsync(user, userName, ip, AuditActions.LoginFailed, "登录失败：账号已停用", cancellationToken);
            return new LoginResult(LoginOutcome.Disabled, user, "账号已停用，请联系管理员");
        }

        if (info.RequiresTwoFactor)
        {
            if (!user.TwoFactorEnabled)
            {
                return new LoginResult(LoginOutcome.TwoFactorSetupRequired, user, "您的角色要求两步验证：请先用手机验证器绑定账号");
            }

            if (string.IsNullOrWhiteSpace(twoFactorCode))
            {
                return new LoginResult(LoginOutcome.TwoFactorRequired, user, "请输入手机验证器上的 6 位动态码");
            }

            if (!await users.VerifyTwoFactorTokenAsync(user, TokenOptions.DefaultAuthenticatorProvider, twoFactorCode.Replace(" ", "", StringComparison.Ordinal)))
            {
                await LogAsync(user, userName, ip, AuditActions.LoginFailed, "登录失败：动态码错误", cancellationToken);
                return new LoginResult(LoginOutcome.TwoFactorInvalid, user, "动态码不正确或已过期");
            }
        }

        if (user.AccessFailedCount != 0 || user.LockoutEnd is not null)
        {
            user.AccessFailedCount = 0;
            user.LockoutEnd = null;
            await users.UpdateAsync(user);
        }

        var mustChange = user.MustChangePassword || PasswordPolicy.IsExpired(user.PasswordChangedAt, snapshot.Whole("password.expiry_days"), now);
        await LogAsync(user, userName, ip, AuditActions.Login, mustChange ? "登录成功（须修改密码）" : "登录成功", cancellationToken);
        return new LoginResult(LoginOutcome.Success, user, "登录成功", mustChange);
    }

    /// <summary>Binds an authenticator app: checks the first code and turns two-factor sign-in on.</summary>
    public async Task<bool> EnableTwoFactorAsync(AppUser user, string code)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!await users.VerifyTwoFactorTokenAsync(user, TokenOptions.DefaultAuthenticatorProvider, code.Replace(" ", "", StringComparison.Ordinal)))
        {
            return false;
        }

        await users.SetTwoFactorEnabledAsync(user, true);
        return true;
    }

    /// <summary>The authenticator key to show (created on first use).</summary>
    public async Task<string> AuthenticatorKeyAsync(AppUser user)
    {
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user);
        }

        return key!;
    }

    private async Task LogAsync(AppUser? user, string userName, string? ip, string action, string summary, CancellationToken cancellationToken)
    {
        using var _ = AuditContext.Use(new AuditActor(user?.Id, user?.UserName ?? userName, null, ip));
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        db.AuditDrafts.Add(new AuditDraft(action, "session", user?.Id.ToString(), summary));
        await db.SaveChangesAsync(cancellationToken);
    }
}
