using System.Collections.Frozen;
using System.Collections.Immutable;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Templates;

namespace Jiayi.Engine.Workflows;

/// <summary>
/// One workflow version, checked and compiled once: expressions are delegates, templates are parsed, and
/// every reference (states, triggers, timers) is known to exist. Immutable and shared between requests.
/// </summary>
public sealed class CompiledWorkflow
{
    private readonly FrozenDictionary<(string State, string Trigger), CompiledTransition> _byStateAndTrigger;
    private readonly FrozenDictionary<string, ImmutableArray<CompiledTransition>> _byState;

    internal CompiledWorkflow(
        WorkflowDefinition definition,
        int version,
        WorkflowSubjectType subject,
        ImmutableArray<CompiledState> states,
        ImmutableArray<CompiledTransition> transitions,
        FrozenDictionary<string, CompiledTimer> timers,
        ImmutableArray<ParameterModel> parameters)
    {
        Definition = definition;
        Version = version;
        Subject = subject;
        States = states;
        Transitions = transitions;
        Timers = timers;
        Parameters = parameters;
        StateByKey = states.ToFrozenDictionary(s => s.Key, StringComparer.Ordinal);
        Initial = StateByKey[definition.Initial];
        _byStateAndTrigger = transitions.SelectMany(t => t.From.Select(from => (from, t))).ToFrozenDictionary(p => (p.from, p.t.Trigger), p => p.t);
        _byState = states.ToFrozenDictionary(
            s => s.Key,
            s => transitions.Where(t => t.From.Contains(s.Key, StringComparer.Ordinal)).ToImmutableArray(),
            StringComparer.Ordinal);
        Triggers = transitions.Select(t => t.Trigger).ToFrozenSet(StringComparer.Ordinal);
    }

    public WorkflowDefinition Definition { get; }

    public string Id => Definition.Id;

    public int Version { get; }

    public string Title => Definition.Title;

    public WorkflowSubjectType Subject { get; }

    public ImmutableArray<CompiledState> States { get; }

    public FrozenDictionary<string, CompiledState> StateByKey { get; }

    public CompiledState Initial { get; }

    public ImmutableArray<CompiledTransition> Transitions { get; }

    public FrozenSet<string> Triggers { get; }

    public FrozenDictionary<string, CompiledTimer> Timers { get; }

    public ImmutableArray<ParameterModel> Parameters { get; }

    /// <summary>Host handlers named by <c>invoke</c> actions: the host must provide each.</summary>
    public IEnumerable<string> Handlers => AllActions().Where(a => a.Type == WorkflowActionType.Invoke).Select(a => a.Handler!).Distinct(StringComparer.Ordinal);

    /// <summary>Integrations named by <c>send</c> actions.</summary>
    public IEnumerable<string> Integrations => AllActions().Where(a => a.Type == WorkflowActionType.Send).Select(a => a.Integration!).Distinct(StringComparer.Ordinal);

    /// <summary>Forms transitions ask to be filled: each must exist.</summary>
    public IEnumerable<string> Forms => Transitions.Where(t => t.Form is not null).Select(t => t.Form!).Distinct(StringComparer.Ordinal);

    /// <summary>Forms that <c>followup</c> actions schedule: each must exist as a service-record form.</summary>
    public IEnumerable<string> FollowUpForms => AllActions().Where(a => a.Type == WorkflowActionType.FollowUp).Select(a => a.Form!).Distinct(StringComparer.Ordinal);

    /// <summary>Role names transitions are open to.</summary>
    public IEnumerable<string> Roles => Transitions.SelectMany(t => t.Roles).Distinct(StringComparer.Ordinal);

    public ImmutableArray<CompiledTransition> TransitionsFrom(string state) =>
        _byState.TryGetValue(state, out var list) ? list : [];

    public CompiledTransition? Find(string state, string trigger) => _byStateAndTrigger.GetValueOrDefault((state, trigger));

    public string StateName(string state) => StateByKey.TryGetValue(state, out var s) ? s.Name : state;

    /// <summary>The scope for one evaluation; <paramref name="parameterValues"/> replaces parameters by key (system parameters).</summary>
    public WorkflowScope CreateScope(DateOnly today, Value[] subject, WorkflowActor actor, IReadOnlyDictionary<string, Value>? parameterValues = null)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(actor);
        var parameters = new Value[Parameters.Length];
        foreach (var p in Parameters)
        {
            parameters[p.Index] = parameterValues is not null && parameterValues.TryGetValue(p.Key, out var v) ? v : p.Value;
        }

        return new WorkflowScope { Today = today, Subject = subject, User = actor.ToValues(), Parameters = parameters };
    }

    /// <summary>The model templates render with: <c>subject.*</c>, <c>params.*</c> and <c>user.*</c>.</summary>
    public IReadOnlyDictionary<string, object?> TemplateModel(WorkflowScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["subject"] = Subject.Attributes.Select((a, i) => (a.Key, Value: TemplateValue(scope.Subject[i]))).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            ["user"] = WorkflowSubjects.UserAttributes.Select((a, i) => (a.Key, Value: TemplateValue(scope.User[i]))).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            ["params"] = Parameters.ToDictionary(p => p.Key, p => TemplateValue(scope.Parameters[p.Index]), StringComparer.Ordinal),
        };
    }

    internal static object? TemplateValue(Value value) => value.Kind switch
    {
        ValueKind.Null => null,
        ValueKind.Text => value.AsText,
        ValueKind.Number => value.AsNumber,
        ValueKind.Boolean => value.AsBoolean,
        ValueKind.Date => value.AsDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ValueKind.List => string.Join("、", value.AsList.Select(v => TemplateValue(v)?.ToString())),
        _ => value.ToString(),
    };

    private IEnumerable<CompiledAction> AllActions() =>
        States.SelectMany(s => s.OnEnter).Concat(Transitions.SelectMany(t => t.Actions));
}

public sealed class CompiledState
{
    public required string Key { get; init; }

    public required string Name { get; init; }

    public string? Description { get; init; }

    public required bool Terminal { get; init; }

    public required ImmutableArray<CompiledAction> OnEnter { get; init; }

    /// <summary>Whether entering this state leaves something for a person to do.</summary>
    public bool Waits => OnEnter.Any(a => a.Type == WorkflowActionType.WorkItem);
}

public sealed class CompiledTransition
{
    public required string Trigger { get; init; }

    public required string Label { get; init; }

    public required ImmutableArray<string> From { get; init; }

    /// <summary>The target state; for an internal transition, null (the instance stays where it is).</summary>
    public string? To { get; init; }

    public required bool Internal { get; init; }

    public required bool System { get; init; }

    public required FrozenSet<string> Roles { get; init; }

    public CompiledExpression<WorkflowScope>? Approver { get; init; }

    public CompiledExpression<WorkflowScope>? Guard { get; init; }

    public string? GuardMessage { get; init; }

    public required bool CommentRequired { get; init; }

    public string? Form { get; init; }

    public string Style { get; init; } = "normal";

    public required ImmutableArray<CompiledAction> Actions { get; init; }

    /// <summary>Whether the guard allows the transition now (an unknown guard result does not).</summary>
    public bool GuardAllows(WorkflowScope scope) => Guard is null || Guard.Evaluate(scope).IsTrue;

    /// <summary>
    /// Whether this actor may fire it: a person needs one of the roles (when roles are given) and the
    /// approver expression to hold (when given); system transitions are the system's alone.
    /// Data scope is the host's check, on top of this.
    /// </summary>
    public bool MayFire(WorkflowActor actor, WorkflowScope scope)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (System || actor.IsSystem)
        {
            return System && actor.IsSystem;
        }

        if (Roles.Count > 0 && !Roles.Overlaps(actor.Roles))
        {
            return false;
        }

        return Approver is null || Approver.Evaluate(scope).IsTrue;
    }
}

public enum WorkflowActionType
{
    WorkItem,
    Notify,
    Timer,
    Invoke,
    Send,
    FollowUp,
}

public sealed class CompiledAction
{
    public required WorkflowActionType Type { get; init; }

    public TextTemplate? Title { get; init; }

    public TextTemplate? Message { get; init; }

    public ImmutableArray<string> Triggers { get; init; } = [];

    public CompiledExpression<WorkflowScope>? To { get; init; }

    public CompiledTimer? Timer { get; init; }

    public string? Handler { get; init; }

    /// <summary>For <c>send</c>: the integration's key.</summary>
    public string? Integration { get; init; }

    /// <summary>For <c>followup</c>: the form that fulfils it.</summary>
    public string? Form { get; init; }

    /// <summary>For <c>followup</c>: the resident's id.</summary>
    public CompiledExpression<WorkflowScope>? Resident { get; init; }

    /// <summary>For <c>followup</c>: the due date.</summary>
    public CompiledExpression<WorkflowScope>? Due { get; init; }
}

public sealed class CompiledTimer
{
    public required string Key { get; init; }

    public required string Label { get; init; }

    public required CompiledExpression<WorkflowScope> At { get; init; }

    public required string Trigger { get; init; }

    /// <summary>The day the timer fires on; null when the date cannot be computed (an empty subject date).</summary>
    public DateOnly? DueOn(WorkflowScope scope) => At.Evaluate(scope) is { Kind: ValueKind.Date } v ? v.AsDate : null;
}
