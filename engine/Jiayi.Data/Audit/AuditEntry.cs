namespace Jiayi.Data.Audit;

/// <summary>
/// One line of the system log (W6.4): who did what to which entity, when and from where. Each entry
/// carries the hash of the one before, so that a changed or deleted entry breaks the chain.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; init; }

    public required DateTime Time { get; init; }

    public Guid? UserId { get; init; }

    public string? UserName { get; init; }

    public string? OrgPath { get; init; }

    public string? Ip { get; init; }

    /// <summary>See <see cref="AuditActions"/>.</summary>
    public required string Action { get; init; }

    public required string EntityType { get; init; }

    public string? EntityId { get; init; }

    public required string Summary { get; init; }

    public required string PrevHash { get; init; }

    public required string Hash { get; init; }
}

/// <summary>
/// An event to log with the next save of a context (a read of personal data, a login, an import), beside
/// the entries the audit interceptor writes for every changed entity.
/// </summary>
public sealed record AuditDraft(string Action, string EntityType, string? EntityId, string Summary);

public static class AuditActions
{
    public const string Create = "create";
    public const string Update = "update";
    public const string Delete = "delete";
    public const string Read = "read";
    public const string ViewSensitive = "view-sensitive";
    public const string Login = "login";
    public const string LoginFailed = "login-failed";
    public const string Logout = "logout";
    public const string Export = "export";
    public const string Import = "import";

    public static readonly IReadOnlyDictionary<string, string> Names = new Dictionary<string, string>
    {
        [Create] = "新增",
        [Update] = "修改",
        [Delete] = "删除",
        [Read] = "查看",
        [ViewSensitive] = "查看完整信息",
        [Login] = "登录",
        [LoginFailed] = "登录失败",
        [Logout] = "退出",
        [Export] = "导出",
        [Import] = "导入",
    };
}
