using System.Collections.Immutable;
using Stateless;

namespace Jiayi.Engine.Workflows;

/// <summary>What one fire did: where the instance was and is, and the actions to carry out, in order.</summary>
public sealed record WorkflowStep(string From, string To, CompiledTransition Transition, bool Entered, ImmutableArray<CompiledAction> Actions);

public enum WorkflowErrorKind
{
    /// <summary>The definition has no such trigger at all.</summary>
    UnknownTrigger,

    /// <summary>The trigger exists but not in the instance's current state (the instance moved on).</summary>
    NotInState,

    /// <summary>The trigger exists here but its guard does not allow it now.</summary>
    GuardFailed,
}

public sealed class WorkflowException : Exception
{
    public WorkflowException(WorkflowErrorKind kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    public WorkflowException()
    {
    }

    public WorkflowException(string message)
        : base(message)
    {
    }

    public WorkflowException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public WorkflowErrorKind Kind { get; }
}

/// <summary>
/// Runs a compiled workflow on Stateless. The state lives outside the machine (in the instance's database
/// row): each call builds a machine over that one value, so the same compiled definition serves every
/// instance and thread at once. Authorisation (roles, approver, data scope) is checked by the caller before
/// firing; the machine decides what the definition allows from the state and the guards.
/// </summary>
public static class WorkflowMachine
{
    /// <summary>The actions to run when an instance starts in the initial state.</summary>
    public static ImmutableArray<CompiledAction> Start(CompiledWorkflow workflow)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        return workflow.Initial.OnEnter;
    }

    /// <summary>Transitions leaving <paramref name="state"/> whose guards allow them now (people's and the system's).</summary>
    public static IReadOnlyList<CompiledTransition> Permitted(CompiledWorkflow workflow, string state, WorkflowScope scope)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var current = state;
        var machine = Build(workflow, () => current, s => current = s, scope, entered: null);
        return [.. workflow.TransitionsFrom(state).Where(t => machine.CanFire(t.Trigger))];
    }

    /// <summary>Fires <paramref name="trigger"/> in <paramref name="state"/>; throws <see cref="WorkflowException"/> when the definition does not allow it.</summary>
    public static WorkflowStep Fire(CompiledWorkflow workflow, string state, string trigger, WorkflowScope scope)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        if (!workflow.Triggers.Contains(trigger))
        {
            throw new WorkflowException(WorkflowErrorKind.UnknownTrigger, $"流程“{workflow.Title}”没有操作“{trigger}”");
        }

        var transition = workflow.Find(state, trigger)
            ?? throw new WorkflowException(WorkflowErrorKind.NotInState, $"当前状态为“{workflow.StateName(state)}”，不能执行该操作（可能已被他人处理，请刷新）");

        var current = state;
        var entered = new List<string>(1);
        var machine = Build(workflow, () => current, s => current = s, scope, entered);
        if (!machine.CanFire(trigger))
        {
            throw new WorkflowException(WorkflowErrorKind.GuardFailed, transition.GuardMessage ?? $"当前条件下不能执行“{transition.Label}”");
        }

        machine.Fire(trigger);
        var actions = transition.Actions;
        if (entered.Count > 0)
        {
            actions = actions.AddRange(workflow.StateByKey[current].OnEnter);
        }

        return new WorkflowStep(state, current, transition, entered.Count > 0, actions);
    }

    private static StateMachine<string, string> Build(CompiledWorkflow workflow, Func<string> read, Action<string> write, WorkflowScope scope, List<string>? entered)
    {
        var machine = new StateMachine<string, string>(read, write, FiringMode.Immediate);
        foreach (var state in workflow.States)
        {
            var configuration = machine.Configure(state.Key);
            if (entered is not null)
            {
                var key = state.Key;
                configuration.OnEntry(() => entered.Add(key));
            }

            foreach (var t in workflow.TransitionsFrom(state.Key))
            {
                var transition = t;
                Func<bool> guard = () => transition.GuardAllows(scope);
                var description = transition.GuardMessage ?? transition.Guard?.Source;
                if (transition.Internal)
                {
                    configuration.InternalTransitionIf(transition.Trigger, _ => guard(), _ => { }, description);
                }
                else if (transition.To == state.Key)
                {
                    configuration.PermitReentryIf(transition.Trigger, guard, description);
                }
                else
                {
                    configuration.PermitIf(transition.Trigger, transition.To!, guard, description);
                }
            }
        }

        return machine;
    }
}
