using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Jiayi.Data.Audit;

namespace Jiayi.Host.Audit;

/// <summary>
/// The hash chain of the system log: each entry's hash covers its content and the previous entry's hash,
/// so that editing or deleting any entry breaks every hash after it.
/// </summary>
public static class AuditChain
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public static string Hash(string previousHash, DateTime time, Guid? userId, string? userName, string? orgPath, string? ip, string action, string entityType, string? entityId, string summary)
    {
        var text = string.Join('\u001f',
            previousHash,
            DateTime.SpecifyKind(time, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture),
            userId?.ToString("N") ?? "",
            userName ?? "",
            orgPath ?? "",
            ip ?? "",
            action,
            entityType,
            entityId ?? "",
            summary);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    public static string Hash(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Hash(entry.PrevHash, entry.Time, entry.UserId, entry.UserName, entry.OrgPath, entry.Ip, entry.Action, entry.EntityType, entry.EntityId, entry.Summary);
    }
}
