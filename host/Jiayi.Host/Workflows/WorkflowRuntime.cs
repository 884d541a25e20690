using System.Text.Encodings.Web;
using System.Text.Json;
using Hangfire;
using Jiayi.Data;
using Jiayi.Data.FollowUps;
using Jiayi.Data.Integrations;
using Jiayi.Data.Workflows;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Workflows;
using Jiayi.Host.Access;
using Jiayi.Host.Forms;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Integrations;
using Jiayi.Host.Parameters;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Workflows;

/// <summary>A fire as asked for: the trigger, an optional comment, the transition form's answers, and the revision the caller saw.</summary>
public sealed record FireRequest(string Trigger, string? Comment, JsonElement? Data, int? Revision);

/// <summary>What a fire did.</summary>
public sealed record FireResult(Guid InstanceId, string State, string StateName, int Revision, IReadOnlyDictionary<string, object?> Results);

/// <summary>A trigger the caller may fire now, as offered to pages and apps.</summary>
public sealed record TriggerOption(string Trigger, string Label, bool CommentRequired, string? Form, string Style);

/// <summary>
/// Runs workflow instances: start (in the caller's transaction, beside the subject it is about), fire (its
/// own transaction, optimistic concurrency on the instance row), the actions of each step (work items with
/// their assignees, notifications, timers, host handlers), and what the caller may fire now.
/// </summary>
public sealed class WorkflowRuntime(
    IDbContextFactory<JiayiDbContext> databases,
    WorkflowCatalog catalog,
    WorkflowHandlers handlers,
    FormCatalog forms,
    SystemParameters parameters,
    InboxNotifier inbox,
    IBackgroundJobClient jobs,
    Clock clock)
{
    private static readonly JsonSerializerOptions EventJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Starts an instance of the latest version of <paramref name="workflowId"/> about a subject that is
    /// already added to <paramref name="db"/>; the caller saves. Returns the context (its Touched users
    /// should be pushed after the save: see <see cref="PushAsync"/>).
    /// </summary>
    public async Task<WorkflowContext> StartAsync(JiayiDbContext db, string workflowId, string subjectType, Guid subjectId, Value[] subject, string title, Guid orgId, string orgPath, WorkflowActor actor, Guid? actorUserId, CancellationToken cancellationToken)
    {
        var workflow = await catalog.GetLatestAsync(workflowId, cancellationToken)
            ?? throw new ProblemException(500, "workflow-missing", "流程未配置", $"流程“{workflowId}”没有已发布的版本");
        var now = clock.UtcNow;
        var instance = new WorkflowInstance
        {
            WorkflowId = workflow.Id,
            WorkflowVersion = workflow.Version,
            State = workflow.Initial.Key,
            SubjectType = subjectType,
            SubjectId = subjectId,
            Title = title,
            OrgId = orgId,
            OrgPath = orgPath,
            IsOpen = !workflow.Initial.Terminal,
            StartedAt = now,
            UpdatedAt = now,
        };
        db.WorkflowInstances.Add(instance);
        var scope = workflow.CreateScope(clock.Today, subject, actor, await parameters.OverridesForAsync(workflow.Parameters, cancellationToken));
        db.WorkflowHistory.Add(History(instance, workflow, actor, actorUserId, null, workflow.Initial.Key, "start", "发起", null, null, now, await ActorOrgPathAsync(db, actor, cancellationToken)));
        var context = new WorkflowContext { Db = db, Instance = instance, Workflow = workflow, Scope = scope, Actor = actor };
        await RunActionsAsync(context, WorkflowMachine.Start(workflow), cancellationToken);
        await handlers.Subject(subjectType).OnStepAsync(context, cancellationToken);
        return context;
    }

    /// <summary>Fires a trigger as a person (<paramref name="me"/>) or, when null, as the system (timers).</summary>
    public async Task<FireResult> FireAsync(Guid instanceId, FireRequest request, AccessInfo? me, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var (context, result) = await ApplyAsync(db, instanceId, request, me, timer: null, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw Conflict();
        }

        await PushAsync(context, cancellationToken);
        return result;
    }

    /// <summary>Fires a due timer exactly once: the timer row is claimed in the same transaction as the fire.</summary>
    public async Task<bool> FireTimerAsync(Guid timerId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = clock.UtcNow;
        var claimed = await db.WorkflowTimers
            .Where(t => t.Id == timerId && t.Status == WorkflowTimerStatus.Scheduled && t.DueAt <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, WorkflowTimerStatus.Fired).SetProperty(t => t.FiredAt, now), cancellationToken);
        if (claimed == 0)
        {
            return false;
        }

        var timer = await db.WorkflowTimers.AsNoTracking().SingleAsync(t => t.Id == timerId, cancellationToken);
        WorkflowContext context;
        try
        {
            (context, _) = await ApplyAsync(db, timer.InstanceId, new FireRequest(timer.Trigger, null, null, null), me: null, timer, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception e) when (e is ProblemException or DbUpdateConcurrencyException)
        {
            // The instance moved on, or the guard said no: the timer is spent, with the reason kept.
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            var message = e is ProblemException p ? p.Detail : "并发冲突";
            await db.WorkflowTimers.Where(t => t.Id == timerId && t.Status == WorkflowTimerStatus.Scheduled)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, WorkflowTimerStatus.Failed).SetProperty(t => t.FiredAt, now).SetProperty(t => t.Message, message), cancellationToken);
            return false;
        }

        await PushAsync(context, cancellationToken);
        return true;
    }

    /// <summary>The triggers <paramref name="me"/> may fire now on an instance (state, guard, roles, approver, scope).</summary>
    public async Task<IReadOnlyList<TriggerOption>> AvailableAsync(JiayiDbContext db, WorkflowInstance instance, AccessInfo me, CancellationToken cancellationToken)
    {
        if (!instance.IsOpen || !me.InScope(instance.OrgPath))
        {
            return [];
        }

        var workflow = await catalog.GetAsync(instance.WorkflowId, instance.WorkflowVersion, cancellationToken);
        var user = await WorkflowActors.ForUserAsync(db, me.UserId, cancellationToken);
        var subject = await handlers.Subject(instance.SubjectType).LoadAsync(db, instance.SubjectId, cancellationToken);
        if (workflow is null || user is null || subject is null)
        {
            return [];
        }

        var scope = workflow.CreateScope(clock.Today, subject, user.Actor, await parameters.OverridesForAsync(workflow.Parameters, cancellationToken));
        return
        [
            .. WorkflowMachine.Permitted(workflow, instance.State, scope)
                .Where(t => t.MayFire(user.Actor, scope))
                .Select(t => new TriggerOption(t.Trigger, t.Label, t.CommentRequired, t.Form, t.Style)),
        ];
    }

    /// <summary>After the commit: pushes the new inbox counts of everyone whose work items changed, and queues the step's outbox messages.</summary>
    public Task PushAsync(WorkflowContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var id in context.Outbox)
        {
            jobs.Enqueue<OutboxDelivery>(delivery => delivery.DeliverAsync(id, CancellationToken.None));
        }

        return inbox.PushAsync(context.Touched, cancellationToken);
    }

    public Task PushAsync(IEnumerable<Guid> users, CancellationToken cancellationToken) => inbox.PushAsync(users, cancellationToken);

    /// <summary>Runs the entry actions of the instance's (new) state and the subject hook, as a migration does.</summary>
    public async Task<WorkflowContext> EnterAsync(JiayiDbContext db, WorkflowInstance instance, CompiledWorkflow workflow, WorkflowScope scope, WorkflowActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(workflow);
        var context = new WorkflowContext { Db = db, Instance = instance, Workflow = workflow, Scope = scope, Actor = actor };
        await RunActionsAsync(context, workflow.StateByKey[instance.State].OnEnter, cancellationToken);
        await handlers.Subject(instance.SubjectType).OnStepAsync(context, cancellationToken);
        return context;
    }

    private static ProblemException Conflict() =>
        new(409, "conflict", "操作冲突", "该事项刚刚已被他人处理或已变化，请刷新后再试");

    private async Task<(WorkflowContext Context, FireResult Result)> ApplyAsync(JiayiDbContext db, Guid instanceId, FireRequest request, AccessInfo? me, WorkflowTimer? timer, CancellationToken cancellationToken)
    {
        var instance = await db.WorkflowInstances.SingleOrDefaultAsync(i => i.Id == instanceId, cancellationToken);
        if (instance is null || (me is not null && !me.InScope(instance.OrgPath)))
        {
            throw new ProblemException(404, "not-found", "流程实例不存在", $"流程实例“{instanceId}”不存在或不在您的管辖范围内");
        }

        if (request.Revision is { } seen && seen != instance.Revision)
        {
            throw Conflict();
        }

        var workflow = await catalog.GetAsync(instance.WorkflowId, instance.WorkflowVersion, cancellationToken)
            ?? throw new InvalidOperationException($"Workflow {instance.WorkflowId} v{instance.WorkflowVersion} is missing.");
        WorkflowUser? user = null;
        if (me is not null)
        {
            user = await WorkflowActors.ForUserAsync(db, me.UserId, cancellationToken)
                ?? throw new ProblemException(403, "forbidden", "没有权限", "当前账号已停用");
        }

        var actor = user?.Actor ?? WorkflowActor.System;
        var subject = await handlers.Subject(instance.SubjectType).LoadAsync(db, instance.SubjectId, cancellationToken)
            ?? throw new InvalidOperationException($"Subject {instance.SubjectType} {instance.SubjectId} is missing.");
        var scope = workflow.CreateScope(clock.Today, subject, actor, await parameters.OverridesForAsync(workflow.Parameters, cancellationToken));

        if (!workflow.Triggers.Contains(request.Trigger))
        {
            throw ProblemException.Invalid("/trigger", "unknown", $"流程“{workflow.Title}”没有操作“{request.Trigger}”；可用：{string.Join("、", workflow.Triggers.Order(StringComparer.Ordinal))}");
        }

        var transition = workflow.Find(instance.State, request.Trigger);
        if (transition is null)
        {
            throw new ProblemException(409, "state-changed", "当前状态不能执行该操作", $"当前状态为“{workflow.StateName(instance.State)}”，不能执行“{request.Trigger}”（可能已被他人处理，请刷新）");
        }

        if (!transition.MayFire(actor, scope))
        {
            throw new ProblemException(403, "forbidden", "没有权限", transition.System
                ? $"“{transition.Label}”只能由系统定时触发"
                : $"您不能执行“{transition.Label}”：需要{(transition.Roles.Count > 0 ? "角色“" + string.Join("”或“", transition.Roles) + "”" : "")}{(transition.Approver is null ? "" : "，且满足审批人条件（" + transition.Approver.Source + "）")}");
        }

        var comment = string.IsNullOrWhiteSpace(request.Comment) ? null : request.Comment.Trim();
        if (transition.CommentRequired && comment is null)
        {
            throw ProblemException.Invalid("/comment", ErrorCodes.Required, $"“{transition.Label}”须填写意见");
        }

        if (comment is { Length: > 1000 })
        {
            throw ProblemException.Invalid("/comment", "max-length", "意见不能超过 1000 个字");
        }

        var form = await EvaluateFormAsync(transition, request.Data, cancellationToken);

        WorkflowStep step;
        try
        {
            step = WorkflowMachine.Fire(workflow, instance.State, request.Trigger, scope);
        }
        catch (WorkflowException e)
        {
            throw new ProblemException(409, e.Kind == WorkflowErrorKind.GuardFailed ? "guard" : "state-changed", "当前不能执行该操作", e.Message);
        }

        var now = clock.UtcNow;
        var changed = step.To != step.From || step.Entered;
        var context = new WorkflowContext { Db = db, Instance = instance, Workflow = workflow, Scope = scope, Actor = actor, Step = step, Form = form, Comment = comment };
        await CloseWaitingAsync(context, step, changed, user?.UserId, comment, now, cancellationToken);

        instance.State = step.To;
        instance.Revision++;
        instance.UpdatedAt = now;
        if (workflow.StateByKey[step.To].Terminal)
        {
            instance.IsOpen = false;
            instance.CompletedAt = now;
        }

        db.WorkflowHistory.Add(History(instance, workflow, actor, user?.UserId, step.From, step.To, request.Trigger, transition.Label + (timer is null ? "" : "（定时）"), comment, form?.DataJson(), now, await ActorOrgPathAsync(db, actor, cancellationToken)));
        await RunActionsAsync(context, step.Actions, cancellationToken);
        await handlers.Subject(instance.SubjectType).OnStepAsync(context, cancellationToken);
        return (context, new FireResult(instance.Id, instance.State, workflow.StateName(instance.State), instance.Revision, context.Results));
    }

    private async Task<EvaluationResult?> EvaluateFormAsync(CompiledTransition transition, JsonElement? data, CancellationToken cancellationToken)
    {
        var given = data is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } d ? d : (JsonElement?)null;
        if (transition.Form is null)
        {
            if (given is { } other && !(other.ValueKind == JsonValueKind.Object && !other.EnumerateObject().Any()))
            {
                throw ProblemException.Invalid("/data", "unexpected", $"“{transition.Label}”不需要填写表单，data 应为空");
            }

            return null;
        }

        var form = await forms.GetLatestAsync(transition.Form, cancellationToken)
            ?? throw new InvalidOperationException($"Form {transition.Form} is missing.");
        if (given is not { ValueKind: JsonValueKind.Object } answers)
        {
            throw ProblemException.Invalid("/data", ErrorCodes.Required, $"“{transition.Label}”须填写“{form.Title}”（data 应为对象）");
        }

        var result = form.Evaluate(answers, new EvaluationContext(clock.Today) { ParameterOverrides = await parameters.OverridesForAsync(form, cancellationToken) });
        if (!result.IsValid)
        {
            throw ProblemException.Invalid([.. result.Errors.Select(e => e with { Path = "/data" + e.Path })]);
        }

        return result;
    }

    /// <summary>
    /// Work items waiting on the instance: those the fired trigger answers are done (by the firer); when the
    /// state changes, the others are cancelled, and timers started in the state left are cancelled too.
    /// </summary>
    private static async Task CloseWaitingAsync(WorkflowContext context, WorkflowStep step, bool changed, Guid? userId, string? comment, DateTime now, CancellationToken cancellationToken)
    {
        var db = context.Db;
        var pending = await db.WorkItems.Where(w => w.InstanceId == context.Instance.Id && w.Status == WorkItemStatus.Pending).ToListAsync(cancellationToken);
        foreach (var item in pending)
        {
            var answered = item.Triggers.Contains(step.Transition.Trigger);
            if (!answered && !changed)
            {
                continue;
            }

            item.Status = answered ? WorkItemStatus.Done : WorkItemStatus.Cancelled;
            item.CompletedAt = now;
            item.CompletedBy = userId;
            item.CompletedByName = context.Actor.Name;
            item.Outcome = step.Transition.Label;
            item.Comment = comment;
        }

        if (pending.Count > 0)
        {
            var ids = pending.Select(p => p.Id).ToList();
            context.Touched.UnionWith(await db.WorkItemAssignees.Where(a => ids.Contains(a.WorkItemId)).Select(a => a.UserId).ToListAsync(cancellationToken));
        }

        if (changed)
        {
            await db.WorkflowTimers
                .Where(t => t.InstanceId == context.Instance.Id && t.State == step.From && t.Status == WorkflowTimerStatus.Scheduled)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, WorkflowTimerStatus.Cancelled).SetProperty(t => t.FiredAt, now), cancellationToken);
        }
    }

    private async Task RunActionsAsync(WorkflowContext context, IEnumerable<CompiledAction> actions, CancellationToken cancellationToken)
    {
        var db = context.Db;
        var instance = context.Instance;
        foreach (var action in actions)
        {
            switch (action.Type)
            {
                case WorkflowActionType.WorkItem:
                    await CreateWorkItemAsync(context, action, cancellationToken);
                    break;
                case WorkflowActionType.Notify:
                    // Nobody is told of their own action (a doctor who signs does not need "签约已生效").
                    if (Guid.TryParse(action.To!.Evaluate(context.Scope) is { Kind: ValueKind.Text } to ? to.AsText : null, out var recipient)
                        && recipient.ToString() != context.Actor.Id
                        && await db.Users.AnyAsync(u => u.Id == recipient && u.IsActive, cancellationToken))
                    {
                        var model = context.Workflow.TemplateModel(context.Scope);
                        db.Notifications.Add(new Notification
                        {
                            UserId = recipient,
                            Title = Clip(action.Title!.Render(model), 200),
                            Message = action.Message is null ? null : Clip(action.Message.Render(model), 1000),
                            Link = handlers.Subject(instance.SubjectType).Link(instance.SubjectId),
                            CreatedAt = clock.UtcNow,
                        });
                        context.Touched.Add(recipient);
                    }

                    break;
                case WorkflowActionType.Timer:
                    if (action.Timer!.DueOn(context.Scope) is { } day)
                    {
                        db.WorkflowTimers.Add(new WorkflowTimer
                        {
                            InstanceId = instance.Id,
                            TimerKey = action.Timer.Key,
                            Trigger = action.Timer.Trigger,
                            State = context.Step?.To ?? instance.State,
                            DueAt = clock.StartOfDayUtc(day),
                            Status = WorkflowTimerStatus.Scheduled,
                        });
                    }

                    break;
                case WorkflowActionType.Invoke:
                    await handlers.Handler(action.Handler!).InvokeAsync(context, cancellationToken);
                    break;
                case WorkflowActionType.FollowUp:
                    await ScheduleFollowUpAsync(context, action, cancellationToken);
                    break;
                case WorkflowActionType.Send:
                    var message = new OutboxMessage
                    {
                        Integration = action.Integration!,
                        EventType = "workflow.step",
                        Payload = StepEvent(context),
                        Status = OutboxStatus.Pending,
                        CreatedAt = clock.UtcNow,
                        NextAttemptAt = clock.UtcNow,
                    };
                    db.Outbox.Add(message);
                    context.Outbox.Add(message.Id);
                    break;
            }
        }
    }

    private static async Task CreateWorkItemAsync(WorkflowContext context, CompiledAction action, CancellationToken cancellationToken)
    {
        var db = context.Db;
        var instance = context.Instance;
        var state = context.Step?.To ?? instance.State;
        var transitions = action.Triggers.Select(t => context.Workflow.Find(state, t)).OfType<CompiledTransition>().ToList();
        var roles = transitions.Any(t => t.Roles.Count == 0) ? [] : transitions.SelectMany(t => t.Roles).ToHashSet(StringComparer.Ordinal);
        var assignees = new List<Guid>();
        foreach (var candidate in await WorkflowActors.CandidatesAsync(db, roles, instance.OrgPath, cancellationToken))
        {
            var scope = context.Workflow.CreateScope(context.Scope.Today, context.Scope.Subject, candidate.Actor, ParametersOf(context));
            if (transitions.Any(t => t.MayFire(candidate.Actor, scope)))
            {
                assignees.Add(candidate.UserId);
            }
        }

        var item = new WorkItem
        {
            InstanceId = instance.Id,
            WorkflowId = instance.WorkflowId,
            State = state,
            Title = Clip(action.Title!.Render(context.Workflow.TemplateModel(context.Scope)), 300),
            Triggers = [.. action.Triggers],
            SubjectType = instance.SubjectType,
            SubjectId = instance.SubjectId,
            OrgPath = instance.OrgPath,
            Status = WorkItemStatus.Pending,
            CreatedAt = DateTime.UtcNow,
        };
        db.WorkItems.Add(item);
        foreach (var user in assignees)
        {
            db.WorkItemAssignees.Add(new WorkItemAssignee { WorkItemId = item.Id, UserId = user });
        }

        context.Touched.UnionWith(assignees);
    }

    /// <summary>
    /// The <c>followup</c> action: a follow-up of the resident with the form, due on the computed day. A resident
    /// who cannot be found or a date that cannot be computed (an empty subject date) schedules nothing.
    /// </summary>
    private async Task ScheduleFollowUpAsync(WorkflowContext context, CompiledAction action, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(action.Resident!.Evaluate(context.Scope) is { Kind: ValueKind.Text } id ? id.AsText : null, out var residentId)
            || action.Due!.Evaluate(context.Scope) is not { Kind: ValueKind.Date } due)
        {
            return;
        }

        var path = await context.Db.Residents.Where(r => r.Id == residentId).Select(r => r.OrgPath).SingleOrDefaultAsync(cancellationToken);
        if (path is null)
        {
            return;
        }

        context.Db.FollowUps.Add(new FollowUp
        {
            ResidentId = residentId,
            FormId = action.Form!,
            DueOn = due.AsDate,
            Title = Clip(action.Title!.Render(context.Workflow.TemplateModel(context.Scope)), 300),
            OrgPath = path,
            Status = FollowUpStatus.Pending,
            SourceInstanceId = context.Instance.Id,
            CreatedAt = clock.UtcNow,
        });
    }

    /// <summary>The step as the JSON event an external platform receives (the <c>send</c> action).</summary>
    private string StepEvent(WorkflowContext context)
    {
        var instance = context.Instance;
        var state = context.Step?.To ?? instance.State;
        return JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["type"] = "workflow.step",
            ["occurredAt"] = clock.UtcNow,
            ["workflow"] = new { id = context.Workflow.Id, version = context.Workflow.Version, title = context.Workflow.Title },
            ["instanceId"] = instance.Id,
            ["subject"] = new { type = instance.SubjectType, id = instance.SubjectId, attributes = context.Workflow.TemplateModel(context.Scope)["subject"] },
            ["from"] = context.Step?.From,
            ["to"] = state,
            ["toName"] = context.Workflow.StateName(state),
            ["trigger"] = context.Step?.Transition.Trigger ?? "start",
            ["actor"] = new { id = context.Actor.Id, name = context.Actor.Name },
        }, EventJson);
    }

    private static Dictionary<string, Value> ParametersOf(WorkflowContext context) =>
        context.Workflow.Parameters.ToDictionary(p => p.Key, p => context.Scope.Parameters[p.Index], StringComparer.Ordinal);

    private static WorkflowHistoryEntry History(WorkflowInstance instance, CompiledWorkflow workflow, WorkflowActor actor, Guid? userId, string? from, string to, string trigger, string label, string? comment, string? data, DateTime at, string? actorOrgPath) => new()
    {
        InstanceId = instance.Id,
        WorkflowVersion = workflow.Version,
        At = at,
        UserId = userId,
        UserName = Clip(actor.Name, 50),
        ActorOrgId = Guid.TryParse(actor.OrgId, out var org) ? org : null,
        ActorOrgPath = actorOrgPath,
        OrgPath = instance.OrgPath,
        SubjectType = instance.SubjectType,
        SubjectId = instance.SubjectId,
        FromState = from,
        ToState = to,
        Trigger = trigger,
        Label = label,
        FromName = from is null ? null : workflow.StateName(from),
        ToName = workflow.StateName(to),
        Comment = comment,
        Data = data,
    };

    private static async Task<string?> ActorOrgPathAsync(JiayiDbContext db, WorkflowActor actor, CancellationToken cancellationToken) =>
        Guid.TryParse(actor.OrgId, out var org)
            ? await db.Organizations.Where(o => o.Id == org).Select(o => o.Path).SingleOrDefaultAsync(cancellationToken)
            : null;

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max];
}
