using Jiayi.Data;
using Jiayi.Data.Workflows;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Workflows;
using Jiayi.Host.Access;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Parameters;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Workflows;

/// <summary>How running instances of one version map onto another: every state in use must map to a state of the target.</summary>
public sealed record MigrationPlan(string WorkflowId, int FromVersion, int ToVersion, IReadOnlyDictionary<string, string> States, bool DryRun);

public sealed record MigrationLine(string From, string FromName, string To, string ToName, int Count);

public sealed record MigrationReport(string WorkflowId, int FromVersion, int ToVersion, bool DryRun, int Instances, IReadOnlyList<MigrationLine> Lines);

/// <summary>
/// Moves running instances to a newer (or older) definition version — never implicitly. A dry run reports what
/// would move where; the real run, in one transaction, cancels each instance's pending work items and timers,
/// sets the new version and state, writes a history entry, and runs the new state's entry actions (new work
/// items and timers) as defined by the target version.
/// </summary>
public sealed class WorkflowMigration(IDbContextFactory<JiayiDbContext> databases, WorkflowCatalog catalog, WorkflowHandlers handlers, WorkflowRuntime runtime, SystemParameters parameters, Clock clock)
{
    public async Task<MigrationReport> RunAsync(AccessInfo me, MigrationPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(me);
        ArgumentNullException.ThrowIfNull(plan);
        var source = await catalog.GetAsync(plan.WorkflowId, plan.FromVersion, cancellationToken);
        var target = await catalog.GetAsync(plan.WorkflowId, plan.ToVersion, cancellationToken);
        var errors = new List<ValidationError>();
        if (source is null)
        {
            errors.Add(new ValidationError("/fromVersion", "not-found", $"流程“{plan.WorkflowId}”没有第 {plan.FromVersion} 版"));
        }

        if (target is null)
        {
            errors.Add(new ValidationError("/toVersion", "not-found", $"流程“{plan.WorkflowId}”没有第 {plan.ToVersion} 版"));
        }

        if (plan.FromVersion == plan.ToVersion)
        {
            errors.Add(new ValidationError("/toVersion", "same", "目标版本与原版本相同"));
        }

        if (errors.Count > 0)
        {
            throw ProblemException.Invalid(errors);
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var scope = me.ScopePath;
        var instances = await db.WorkflowInstances
            .Where(i => i.WorkflowId == plan.WorkflowId && i.WorkflowVersion == plan.FromVersion && i.IsOpen && i.OrgPath.StartsWith(scope))
            .ToListAsync(cancellationToken);

        // Every state in use maps to a state of the target: as given, else the same key when the target has it.
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var state in instances.Select(i => i.State).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var to = plan.States.GetValueOrDefault(state) ?? (target!.StateByKey.ContainsKey(state) ? state : null);
            if (to is null)
            {
                errors.Add(new ValidationError($"/states/{state}", ErrorCodes.Required, $"第 {plan.ToVersion} 版没有状态“{state}”（{source!.StateName(state)}），请指定它迁移到哪个状态"));
            }
            else if (!target!.StateByKey.ContainsKey(to))
            {
                errors.Add(new ValidationError($"/states/{state}", "not-found", $"第 {plan.ToVersion} 版没有状态“{to}”"));
            }
            else
            {
                map[state] = to;
            }
        }

        foreach (var key in plan.States.Keys.Where(k => !source!.StateByKey.ContainsKey(k)))
        {
            errors.Add(new ValidationError($"/states/{key}", "not-found", $"第 {plan.FromVersion} 版没有状态“{key}”"));
        }

        if (errors.Count > 0)
        {
            throw ProblemException.Invalid(errors);
        }

        var lines = instances.GroupBy(i => i.State).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new MigrationLine(g.Key, source!.StateName(g.Key), map[g.Key], target!.StateName(map[g.Key]), g.Count())).ToList();
        var report = new MigrationReport(plan.WorkflowId, plan.FromVersion, plan.ToVersion, plan.DryRun, instances.Count, lines);
        if (plan.DryRun || instances.Count == 0)
        {
            return report;
        }

        var touched = new HashSet<Guid>();
        var now = clock.UtcNow;
        var user = await WorkflowActors.ForUserAsync(db, me.UserId, cancellationToken);
        var actor = user?.Actor ?? WorkflowActor.System;
        var overrides = await parameters.OverridesForAsync(target!.Parameters, cancellationToken);
        foreach (var instance in instances)
        {
            var ids = await db.WorkItems.Where(w => w.InstanceId == instance.Id && w.Status == WorkItemStatus.Pending).Select(w => w.Id).ToListAsync(cancellationToken);
            touched.UnionWith(await db.WorkItemAssignees.Where(a => ids.Contains(a.WorkItemId)).Select(a => a.UserId).ToListAsync(cancellationToken));
            await db.WorkItems.Where(w => ids.Contains(w.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.Status, WorkItemStatus.Cancelled).SetProperty(w => w.CompletedAt, now).SetProperty(w => w.Outcome, $"迁移到第 {plan.ToVersion} 版"), cancellationToken);
            await db.WorkflowTimers.Where(t => t.InstanceId == instance.Id && t.Status == WorkflowTimerStatus.Scheduled)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, WorkflowTimerStatus.Cancelled).SetProperty(t => t.FiredAt, now), cancellationToken);

            var from = instance.State;
            instance.WorkflowVersion = target.Version;
            instance.State = map[from];
            instance.IsOpen = !target.StateByKey[instance.State].Terminal;
            instance.Revision++;
            instance.UpdatedAt = now;
            db.WorkflowHistory.Add(new WorkflowHistoryEntry
            {
                InstanceId = instance.Id, WorkflowVersion = target.Version, At = now, UserId = me.UserId, UserName = me.DisplayName,
                ActorOrgId = me.OrgId, ActorOrgPath = me.OrgPath, OrgPath = instance.OrgPath, SubjectType = instance.SubjectType, SubjectId = instance.SubjectId,
                FromState = from, FromName = source!.StateName(from), ToState = instance.State, ToName = target.StateName(instance.State),
                Trigger = "migrate", Label = $"迁移：第 {plan.FromVersion} 版 → 第 {plan.ToVersion} 版",
            });

            var subject = await handlers.Subject(instance.SubjectType).LoadAsync(db, instance.SubjectId, cancellationToken)
                ?? throw new InvalidOperationException($"Subject {instance.SubjectType} {instance.SubjectId} is missing.");
            var context = await runtime.EnterAsync(db, instance, target, target.CreateScope(clock.Today, subject, actor, overrides), actor, cancellationToken);
            touched.UnionWith(context.Touched);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await runtime.PushAsync(touched, cancellationToken);
        return report;
    }
}
