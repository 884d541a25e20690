using Jiayi.Engine.Workflows;

namespace Jiayi.Host.Workflows;

/// <summary>
/// A workflow definition in plain Chinese for the 流程定义 page: who may fire a transition, where it leads,
/// and what each action does, read from the definition as written (expressions shown as their source).
/// </summary>
public static class WorkflowText
{
    /// <summary>Who may fire: the system (timers) or people with the given roles.</summary>
    public static string Who(TransitionDefinition transition)
    {
        ArgumentNullException.ThrowIfNull(transition);
        if (transition.System)
        {
            return "系统（定时器触发）";
        }

        return transition.Roles is { Count: > 0 } roles ? string.Join("、", roles) : "任何有权限的用户";
    }

    /// <summary>The states a transition leaves from and the one it enters (an internal transition stays).</summary>
    public static string Path(CompiledWorkflow workflow, TransitionDefinition transition)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(transition);
        var from = string.Join("、", transition.From.Select(workflow.StateName));
        return transition.Internal || transition.To is null ? $"{from}（状态不变）" : $"{from} → {workflow.StateName(transition.To)}";
    }

    /// <summary>
    /// One action, e.g. 生成待办“签约初审：…”，可办理：初审通过、驳回、退回. <paramref name="states"/> are the
    /// states the action runs in (the state entered, or a transition's from-states), to name its triggers.
    /// </summary>
    public static string Action(CompiledWorkflow workflow, IReadOnlyList<string> states, ActionDefinition action)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(action);
        return action.Type switch
        {
            "workItem" => $"生成待办“{action.Title}”，可办理：{string.Join("、", (action.Triggers ?? []).Select(t => TriggerLabel(workflow, states, t)).Distinct(StringComparer.Ordinal))}",
            "notify" => $"通知 {Recipient(workflow, action.To)}：“{action.Title}”",
            "timer" => workflow.Timers.TryGetValue(action.Timer ?? "", out var timer)
                ? $"启动定时器“{timer.Label}”（到时执行“{TriggerLabel(workflow, states, timer.Trigger)}”）"
                : $"启动定时器 {action.Timer}",
            "invoke" => $"执行系统处理 {action.Handler}",
            _ => action.Type,
        };
    }

    private static string TriggerLabel(CompiledWorkflow workflow, IReadOnlyList<string> states, string trigger) =>
        states.Select(s => workflow.Find(s, trigger)).FirstOrDefault(t => t is not null)?.Label
        ?? workflow.Transitions.FirstOrDefault(t => t.Trigger == trigger)?.Label
        ?? trigger;

    /// <summary>A recipient expression, with the subject attribute's name when it is a plain <c>subject.x</c>.</summary>
    private static string Recipient(CompiledWorkflow workflow, string? to)
    {
        const string prefix = "subject.";
        if (to is not null && to.StartsWith(prefix, StringComparison.Ordinal)
            && workflow.Subject.Attributes.FirstOrDefault(a => a.Key == to[prefix.Length..]) is { } attribute)
        {
            return $"{attribute.Label}（{to}）";
        }

        return to ?? "";
    }
}
