using System.Data;
using Jiayi.Data;
using Jiayi.Data.Audit;
using Jiayi.Data.BatchImports;
using Jiayi.Data.Parameters;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace Jiayi.Host.Audit;

/// <summary>
/// Writes the system log in the same transaction as every save: one entry per added, changed or deleted
/// entity (or one per type for batch saves), plus the events queued in <see cref="JiayiDbContext.AuditDrafts"/>.
/// Appends are serialised (an advisory lock on PostgreSQL, the write lock on SQLite) so that each entry
/// can carry the hash of the one before.
/// </summary>
public sealed class AuditInterceptor(TimeProvider time) : SaveChangesInterceptor
{
    /// <summary>An arbitrary constant naming the audit chain's advisory lock on PostgreSQL.</summary>
    private const long ChainLock = 0x4A695961_41756469;

    private readonly Dictionary<DbContext, IDbContextTransaction> _ownTransactions = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _gate = new();

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is JiayiDbContext db)
        {
            await AppendAsync(db, cancellationToken);
        }

        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is JiayiDbContext db)
        {
            AppendAsync(db, CancellationToken.None).GetAwaiter().GetResult();
        }

        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (Take(eventData.Context) is { } transaction)
        {
            await transaction.CommitAsync(cancellationToken);
            await transaction.DisposeAsync();
        }

        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (Take(eventData.Context) is { } transaction)
        {
            transaction.Commit();
            transaction.Dispose();
        }

        return result;
    }

    public override async Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        if (Take(eventData.Context) is { } transaction)
        {
            await transaction.RollbackAsync(cancellationToken);
            await transaction.DisposeAsync();
        }
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (Take(eventData.Context) is { } transaction)
        {
            transaction.Rollback();
            transaction.Dispose();
        }
    }

    private IDbContextTransaction? Take(DbContext? context)
    {
        if (context is null)
        {
            return null;
        }

        lock (_gate)
        {
            return _ownTransactions.Remove(context, out var transaction) ? transaction : null;
        }
    }

    private async Task AppendAsync(JiayiDbContext db, CancellationToken cancellationToken)
    {
        var drafts = new List<AuditDraft>(db.AuditDrafts);
        db.AuditDrafts.Clear();
        drafts.AddRange(Describe(db));
        if (drafts.Count == 0)
        {
            return;
        }

        if (db.Database.CurrentTransaction is null)
        {
            var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            lock (_gate)
            {
                _ownTransactions[db] = transaction;
            }
        }

        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({ChainLock})", cancellationToken);
        }

        var previous = await db.AuditLog.AsNoTracking().OrderByDescending(a => a.Id).Select(a => a.Hash).FirstOrDefaultAsync(cancellationToken) ?? AuditChain.Genesis;
        var actor = AuditContext.Current;
        // Hashed as stored: PostgreSQL keeps whole microseconds, and verification recomputes from the stored time.
        var now = time.GetUtcNow().UtcDateTime;
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
        foreach (var draft in drafts)
        {
            var summary = draft.Summary.Length > 4000 ? draft.Summary[..4000] : draft.Summary;
            var hash = AuditChain.Hash(previous, now, actor.UserId, actor.UserName, actor.OrgPath, actor.Ip, draft.Action, draft.EntityType, draft.EntityId, summary);
            db.AuditLog.Add(new AuditEntry
            {
                Time = now,
                UserId = actor.UserId,
                UserName = actor.UserName,
                OrgPath = actor.OrgPath,
                Ip = actor.Ip,
                Action = draft.Action,
                EntityType = draft.EntityType,
                EntityId = draft.EntityId,
                Summary = summary,
                PrevHash = previous,
                Hash = hash,
            });
            previous = hash;
        }
    }

    /// <summary>An entry per changed entity (or per type, for a batch), describing what changed without personal values.</summary>
    private static IEnumerable<AuditDraft> Describe(JiayiDbContext db)
    {
        var changed = db.ChangeTracker.Entries()
            .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && !IsNoise(e))
            .ToList();
        if (db.AuditBatchSummary is { } batch)
        {
            db.AuditBatchSummary = null;
            foreach (var group in changed.GroupBy(e => (AuditNames.Of(e.Entity).Type, e.State)))
            {
                yield return new AuditDraft(Action(group.Key.State), group.Key.Type, null, $"{batch}：{AuditActions.Names[Action(group.Key.State)]}{AuditNames.Of(group.First().Entity).TypeName} {group.Count()} 条");
            }

            yield break;
        }

        foreach (var entry in changed)
        {
            var (type, typeName, id, name) = AuditNames.Of(entry.Entity);
            var action = Action(entry.State);
            var what = name is null ? typeName : $"{typeName}“{name}”";
            var summary = entry.State == EntityState.Modified
                ? $"修改{what}：{string.Join("、", Changed(entry).Where(p => !AuditNames.IsBookkeeping(p.Metadata.Name)).Select(p => AuditNames.Property(p.Metadata.Name)).Distinct())}"
                : $"{AuditActions.Names[action]}{what}";
            yield return new AuditDraft(action, type, id, summary);
        }
    }

    private static bool IsNoise(EntityEntry entry) => entry.Entity switch
    {
        AuditEntry or ImportJobError or SystemParameterChange => true,
        // A workflow's own trail is its history (who, when, what, comment): the instance and its subject are logged here.
        Jiayi.Data.Workflows.WorkflowHistoryEntry or Jiayi.Data.Workflows.WorkItem or Jiayi.Data.Workflows.WorkItemAssignee
            or Jiayi.Data.Workflows.WorkflowTimer or Jiayi.Data.Workflows.Notification or Jiayi.Data.Contracts.ContractGuard
            or Jiayi.Data.Integrations.OutboxMessage => true,
        // Import progress is logged when the import starts and ends, not at every batch.
        ImportJob when entry.State == EntityState.Modified => true,
        // Identity refreshes the security stamp or lockout counters on every sign-in: the sign-in itself is logged.
        Jiayi.Data.Access.AppUser when entry.State == EntityState.Modified
            && Changed(entry).All(p => p.Metadata.Name is "AccessFailedCount" or "LockoutEnd" or "ConcurrencyStamp") => true,
        // Marked modified without a value changing (UserManager.UpdateAsync marks every column): nothing to log.
        _ when entry.State == EntityState.Modified && !Changed(entry).Any() => true,
        _ => false,
    };

    /// <summary>The properties whose value really changed (not merely marked modified), by each property's own comparer.</summary>
    private static IEnumerable<PropertyEntry> Changed(EntityEntry entry) =>
        entry.Properties.Where(p => p.IsModified && !p.Metadata.GetValueComparer().Equals(p.OriginalValue, p.CurrentValue));

    private static string Action(EntityState state) => state switch
    {
        EntityState.Added => AuditActions.Create,
        EntityState.Deleted => AuditActions.Delete,
        _ => AuditActions.Update,
    };
}
