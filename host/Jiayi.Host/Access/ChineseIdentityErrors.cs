using Microsoft.AspNetCore.Identity;

namespace Jiayi.Host.Access;

/// <summary>ASP.NET Core Identity's messages, in Chinese.</summary>
public sealed class ChineseIdentityErrors : IdentityErrorDescriber
{
    public override IdentityError DefaultError() => Error(nameof(DefaultError), "操作失败，请稍后重试");

    public override IdentityError DuplicateUserName(string userName) => Error(nameof(DuplicateUserName), $"用户名“{userName}”已被使用");

    public override IdentityError InvalidUserName(string? userName) => Error(nameof(InvalidUserName), $"用户名“{userName}”无效：只能包含字母、数字和 -._@");

    public override IdentityError DuplicateEmail(string email) => Error(nameof(DuplicateEmail), $"邮箱“{email}”已被使用");

    public override IdentityError InvalidEmail(string? email) => Error(nameof(InvalidEmail), $"邮箱“{email}”格式不正确");

    public override IdentityError PasswordMismatch() => Error(nameof(PasswordMismatch), "原密码不正确");

    public override IdentityError InvalidToken() => Error(nameof(InvalidToken), "验证码无效或已过期");

    public override IdentityError ConcurrencyFailure() => Error(nameof(ConcurrencyFailure), "数据已被他人修改，请刷新后重试");

    public override IdentityError PasswordTooShort(int length) => Error(nameof(PasswordTooShort), $"密码至少 {length} 位");

    public override IdentityError PasswordRequiresDigit() => Error(nameof(PasswordRequiresDigit), "密码须包含数字");

    public override IdentityError PasswordRequiresLower() => Error(nameof(PasswordRequiresLower), "密码须包含小写字母");

    public override IdentityError PasswordRequiresUpper() => Error(nameof(PasswordRequiresUpper), "密码须包含大写字母");

    public override IdentityError PasswordRequiresNonAlphanumeric() => Error(nameof(PasswordRequiresNonAlphanumeric), "密码须包含符号");

    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) => Error(nameof(PasswordRequiresUniqueChars), $"密码至少包含 {uniqueChars} 个不同字符");

    public override IdentityError UserAlreadyHasPassword() => Error(nameof(UserAlreadyHasPassword), "该用户已设置密码");

    public override IdentityError UserLockoutNotEnabled() => Error(nameof(UserLockoutNotEnabled), "该用户未启用锁定");

    private static IdentityError Error(string code, string description) => new() { Code = code, Description = description };
}
