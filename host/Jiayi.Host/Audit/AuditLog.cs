using Jiayi.Data;
using Jiayi.Data.Audit;
using Jiayi.Host.Access;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Audit;

/// <summary>Filters of the system log.</summary>
public sealed record AuditQuery(string? EntityType = null, string? EntityId = null, string? User = null, string? Action = null, DateTime? From = null, DateTime? To = null, string? OrgPath = null, int Page = 1, int PageSize = 50);

public sealed record AuditView(long Id, DateTime Time, string? UserName, string? OrgPath, string? Ip, string Action, string ActionName, string EntityType, string EntityTypeName, string? EntityId, string Summary);

public sealed record AuditPage(IReadOnlyList<AuditView> Items, int Total, int Page, int PageSize);

/// <summary>The outcome of checking the chain: how many entries, and the first broken one if any.</summary>
public sealed record AuditVerification(bool Intact, long Checked, long? FirstBrokenId, string Message);

/// <summary>
/// Reading, recording and verifying the system log (W6.4). Writes come from the audit interceptor; this
/// service adds the events that are not entity changes (reads of personal data, exports) and checks the
/// hash chain entry by entry.
/// </summary>
public sealed class AuditLog(IDbContextFactory<JiayiDbContext> databases)
{
    /// <summary>Logs an event (a read of personal data, an export) in its own small transaction.</summary>
    public async Task RecordAsync(string action, string entityType, string? entityId, string summary, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        db.AuditDrafts.Add(new AuditDraft(action, entityType, entityId, summary));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Entries in the caller's scope (their organisation subtree, plus their own actions), newest first.</summary>
    public async Task<AuditPage> ListAsync(AccessInfo access, AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var entries = Filter(db.AuditLog.AsNoTracking(), access, query);
        var total = await entries.CountAsync(cancellationToken);
        var items = await entries.OrderByDescending(a => a.Id).Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToListAsync(cancellationToken);
        return new AuditPage([.. items.Select(View)], total, query.Page, query.PageSize);
    }

    /// <summary>Every matching entry (for export), newest first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<AuditView>> ExportAsync(AccessInfo access, AuditQuery query, int limit, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var items = await Filter(db.AuditLog.AsNoTracking(), access, query).OrderByDescending(a => a.Id).Take(limit).ToListAsync(cancellationToken);
        return [.. items.Select(View)];
    }

    private static IQueryable<AuditEntry> Filter(IQueryable<AuditEntry> entries, AccessInfo access, AuditQuery query)
    {
        var scope = access.ScopePath;
        var me = access.UserId;
        entries = entries.Where(a => (a.OrgPath != null && a.OrgPath.StartsWith(scope)) || a.UserId == me);
        if (query.EntityType is { } type)
        {
            entries = entries.Where(a => a.EntityType == type);
        }

        if (query.EntityId is { } id)
        {
            entries = entries.Where(a => a.EntityId == id);
        }

        if (query.User is { } user)
        {
            entries = entries.Where(a => a.UserName == user);
        }

        if (query.Action is { } action)
        {
            entries = entries.Where(a => a.Action == action);
        }

        if (query.From is { } from)
        {
            entries = entries.Where(a => a.Time >= from);
        }

        if (query.To is { } to)
        {
            entries = entries.Where(a => a.Time < to);
        }

        if (query.OrgPath is { } org)
        {
            entries = entries.Where(a => a.OrgPath != null && a.OrgPath.StartsWith(org));
        }

        return entries;
    }

    /// <summary>Walks the whole chain in order, recomputing every hash; names the first entry that does not fit.</summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var previous = AuditChain.Genesis;
        long count = 0;
        long lastId = 0;
        while (true)
        {
            var batch = await db.AuditLog.AsNoTracking().Where(a => a.Id > lastId).OrderBy(a => a.Id).Take(5000).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return new AuditVerification(true, count, null, $"日志链完整：共校验 {count} 条");
            }

            foreach (var entry in batch)
            {
                if (entry.PrevHash != previous)
                {
                    return new AuditVerification(false, count, entry.Id, $"第 {entry.Id} 条与前一条不衔接：其前一条记录已被删除或修改");
                }

                if (AuditChain.Hash(entry) != entry.Hash)
                {
                    return new AuditVerification(false, count, entry.Id, $"第 {entry.Id} 条的内容与其哈希不符：该条记录已被修改");
                }

                previous = entry.Hash;
                lastId = entry.Id;
                count++;
            }
        }
    }

    private static AuditView View(AuditEntry a) => new(
        a.Id,
        DateTime.SpecifyKind(a.Time, DateTimeKind.Utc),
        a.UserName,
        a.OrgPath,
        a.Ip,
        a.Action,
        AuditActions.Names.GetValueOrDefault(a.Action, a.Action),
        a.EntityType,
        AuditNames.Types.GetValueOrDefault(a.EntityType, a.EntityType),
        a.EntityId,
        a.Summary);
}
