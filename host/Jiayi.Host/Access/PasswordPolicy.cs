using Jiayi.Data.Access;
using Jiayi.Host.Parameters;
using Microsoft.AspNetCore.Identity;

namespace Jiayi.Host.Access;

/// <summary>
/// The password rules of 等保 level 3, read from system parameters at every check: a minimum length, a
/// number of character classes (upper, lower, digits, symbols), no part of the user name, and an expiry.
/// </summary>
public sealed class PasswordPolicy(SystemParameters parameters) : IPasswordValidator<AppUser>
{
    public async Task<IdentityResult> ValidateAsync(UserManager<AppUser> manager, AppUser user, string? password)
    {
        ArgumentNullException.ThrowIfNull(user);
        var snapshot = await parameters.CurrentAsync(CancellationToken.None);
        var errors = Check(password ?? "", user.UserName, snapshot.Whole("password.min_length"), snapshot.Whole("password.min_classes"))
            .Select(message => new IdentityError { Code = "PasswordPolicy", Description = message })
            .ToArray();
        return errors.Length == 0 ? IdentityResult.Success : IdentityResult.Failed(errors);
    }

    public static IEnumerable<string> Check(string password, string? userName, int minLength, int minClasses)
    {
        if (password.Length < minLength)
        {
            yield return $"密码至少 {minLength} 位";
        }

        var classes = (password.Any(char.IsUpper) ? 1 : 0) + (password.Any(char.IsLower) ? 1 : 0) + (password.Any(char.IsDigit) ? 1 : 0)
            + (password.Any(c => !char.IsLetterOrDigit(c)) ? 1 : 0);
        if (classes < minClasses)
        {
            yield return $"密码须包含大写字母、小写字母、数字、符号中的至少 {minClasses} 类";
        }

        if (!string.IsNullOrEmpty(userName) && userName.Length >= 3 && password.Contains(userName, StringComparison.OrdinalIgnoreCase))
        {
            yield return "密码不能包含用户名";
        }
    }

    /// <summary>Whether a password set at <paramref name="changedAt"/> has expired under the current policy.</summary>
    public static bool IsExpired(DateTime? changedAt, int expiryDays, DateTime now) =>
        expiryDays > 0 && changedAt is { } changed && changed.AddDays(expiryDays) < now;
}
