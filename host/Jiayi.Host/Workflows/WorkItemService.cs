using Jiayi.Data;
using Jiayi.Data.Workflows;
using Jiayi.Host.Access;
using Jiayi.Host.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Workflows;

public sealed record WorkItemFilter(string Status = WorkItemStatus.Pending, string? Workflow = null, string? Text = null, DateOnly? From = null, DateOnly? To = null, int Page = 1, int PageSize = 20);

public sealed record WorkItemView(
    Guid Id, string Title, string WorkflowId, string WorkflowTitle, string State, string StateName, string Status,
    Guid InstanceId, string SubjectType, Guid SubjectId, string Link, DateTime CreatedAt, DateTime? CompletedAt,
    string? CompletedByName, string? Outcome, string? Comment, IReadOnlyList<TriggerOption> Triggers);

public sealed record WorkItemPage(IReadOnlyList<WorkItemView> Items, int Total, int Page, int PageSize);

/// <summary>One item of a batch: what happened to it.</summary>
public sealed record BatchOutcome(Guid Id, bool Ok, string? State, string? StateName, int? Status, string? Error);

/// <summary>
/// The inbox: 待办 are pending work items assigned to the caller (still in their data scope); 已办 are those
/// the caller completed. Batch approve/reject fires one trigger with one comment on each selected item.
/// </summary>
public sealed class WorkItemService(IDbContextFactory<JiayiDbContext> databases, WorkflowCatalog catalog, WorkflowHandlers handlers, WorkflowRuntime runtime, Clock clock)
{
    public async Task<WorkItemPage> ListAsync(AccessInfo me, WorkItemFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(me);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var scope = me.ScopePath;
        var items = filter.Status == WorkItemStatus.Done
            ? db.WorkItems.AsNoTracking().Where(w => w.CompletedBy == me.UserId && w.Status == WorkItemStatus.Done)
            : db.WorkItems.AsNoTracking().Where(w => w.Status == WorkItemStatus.Pending && w.OrgPath.StartsWith(scope)
                && db.WorkItemAssignees.Any(a => a.WorkItemId == w.Id && a.UserId == me.UserId));
        if (filter.Workflow is { Length: > 0 } workflow)
        {
            items = items.Where(w => w.WorkflowId == workflow);
        }

        if (filter.Text is { Length: > 0 } text)
        {
            items = items.Where(w => w.Title.Contains(text));
        }

        if (filter.From is { } from)
        {
            var start = clock.StartOfDayUtc(from);
            items = items.Where(w => w.CreatedAt >= start);
        }

        if (filter.To is { } to)
        {
            var end = clock.StartOfDayUtc(to.AddDays(1));
            items = items.Where(w => w.CreatedAt < end);
        }

        var total = await items.CountAsync(cancellationToken);
        var ordered = filter.Status == WorkItemStatus.Done
            ? items.OrderByDescending(w => w.CompletedAt).ThenByDescending(w => w.Id)
            : items.OrderBy(w => w.CreatedAt).ThenBy(w => w.Id);
        var page = await ordered.Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize)
            .Join(db.WorkflowInstances, w => w.InstanceId, i => i.Id, (w, i) => new { Item = w, i.WorkflowVersion })
            .ToListAsync(cancellationToken);
        var views = new List<WorkItemView>(page.Count);
        foreach (var row in page)
        {
            var w = row.Item;
            var compiled = await catalog.GetAsync(w.WorkflowId, row.WorkflowVersion, cancellationToken);
            var triggers = w.Status == WorkItemStatus.Pending && compiled is not null
                ? w.Triggers.Select(t => compiled.Find(w.State, t)).OfType<Engine.Workflows.CompiledTransition>()
                    .Select(t => new TriggerOption(t.Trigger, t.Label, t.CommentRequired, t.Form, t.Style)).ToList()
                : [];
            views.Add(new WorkItemView(
                w.Id, w.Title, w.WorkflowId, compiled?.Title ?? w.WorkflowId, w.State, compiled?.StateName(w.State) ?? w.State, w.Status,
                w.InstanceId, w.SubjectType, w.SubjectId, handlers.Subject(w.SubjectType).Link(w.SubjectId), w.CreatedAt, w.CompletedAt,
                w.CompletedByName, w.Outcome, w.Comment, triggers));
        }

        return new WorkItemPage(views, total, filter.Page, filter.PageSize);
    }

    /// <summary>Fires <paramref name="trigger"/> on each item's instance, one by one; each succeeds or fails on its own.</summary>
    public async Task<IReadOnlyList<BatchOutcome>> BatchAsync(AccessInfo me, IReadOnlyList<Guid> ids, string trigger, string? comment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(me);
        Dictionary<Guid, (Guid InstanceId, int Revision)> targets;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            var scope = me.ScopePath;
            targets = await db.WorkItems.AsNoTracking()
                .Where(w => ids.Contains(w.Id) && w.Status == WorkItemStatus.Pending && w.OrgPath.StartsWith(scope)
                    && db.WorkItemAssignees.Any(a => a.WorkItemId == w.Id && a.UserId == me.UserId))
                .Join(db.WorkflowInstances, w => w.InstanceId, i => i.Id, (w, i) => new { w.Id, w.InstanceId, i.Revision })
                .ToDictionaryAsync(x => x.Id, x => (x.InstanceId, x.Revision), cancellationToken);
        }

        var outcomes = new List<BatchOutcome>(ids.Count);
        foreach (var id in ids)
        {
            if (!targets.TryGetValue(id, out var target))
            {
                outcomes.Add(new BatchOutcome(id, false, null, null, 404, "待办不存在、已处理或不在您的待办中"));
                continue;
            }

            try
            {
                var result = await runtime.FireAsync(target.InstanceId, new FireRequest(trigger, comment, null, target.Revision), me, cancellationToken);
                outcomes.Add(new BatchOutcome(id, true, result.State, result.StateName, 200, null));
            }
            catch (ProblemException e)
            {
                outcomes.Add(new BatchOutcome(id, false, null, null, e.Status, e.Errors is { Count: > 0 } errors ? string.Join("；", errors.Select(x => x.Message)) : e.Detail ?? e.Title));
            }
        }

        return outcomes;
    }
}
