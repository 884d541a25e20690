using System.Collections.Frozen;
using System.Collections.Immutable;
using Jiayi.Engine.Definitions;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Templates;

namespace Jiayi.Engine.Workflows;

/// <summary>
/// Checks a workflow definition beyond its schema — every state, trigger and timer it names exists, no
/// state has two transitions on one trigger, terminal states are left by nothing, every state is reachable,
/// expressions type-check, templates parse — and compiles it. Every problem is reported with its JSON
/// pointer; nothing half-checked is returned.
/// </summary>
public sealed class WorkflowCompiler
{
    private readonly WorkflowDefinition _definition;
    private readonly int _version;
    private readonly string _source;
    private readonly List<DefinitionError> _errors = [];
    private readonly List<ParameterModel> _parameters = [];
    private WorkflowSubjectType _subject = WorkflowSubjects.Contract;
    private ExpressionCompiler<WorkflowScope> _expressions = default!;
    private Dictionary<string, object?> _sampleModel = [];
    private FrozenDictionary<string, CompiledTimer> _timers = FrozenDictionary<string, CompiledTimer>.Empty;

    private WorkflowCompiler(WorkflowDefinition definition, int version, string source)
    {
        _definition = definition;
        _version = version;
        _source = source;
    }

    public static CompiledWorkflow Compile(WorkflowDefinition definition, int version, string source)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new WorkflowCompiler(definition, version, source).Run();
    }

    private void Error(string pointer, string message) => _errors.Add(new DefinitionError(_source, pointer, message));

    private CompiledWorkflow Run()
    {
        var d = _definition;
        if (!WorkflowSubjects.ByName.TryGetValue(d.Subject, out var subject))
        {
            Error("/subject", $"未知的流程对象“{d.Subject}”，可用：{string.Join("、", WorkflowSubjects.ByName.Keys)}");
            throw new DefinitionException(_errors);
        }

        _subject = subject;
        BuildParameters();
        var resolver = new WorkflowSymbolResolver(subject, _parameters);
        _expressions = new ExpressionCompiler<WorkflowScope>(resolver);
        _sampleModel = SampleModel();

        var stateKeys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < d.States.Count; i++)
        {
            if (!stateKeys.Add(d.States[i].Key))
            {
                Error($"/states/{i}/key", $"状态代码“{d.States[i].Key}”重复");
            }
        }

        if (!stateKeys.Contains(d.Initial))
        {
            Error("/initial", $"初始状态“{d.Initial}”不在 states 中");
        }

        CheckTransitions(stateKeys);
        _timers = BuildTimers();
        var transitions = d.Transitions.Select((t, i) => BuildTransition(t, $"/transitions/{i}")).ToImmutableArray();
        var states = d.States.Select((s, i) => new CompiledState
        {
            Key = s.Key,
            Name = s.Name,
            Description = s.Description,
            Terminal = s.Terminal,
            OnEnter = BuildActions(s.OnEnter, $"/states/{i}/onEnter", [s.Key]),
        }).ToImmutableArray();
        CheckReachable(stateKeys);

        if (_errors.Count > 0)
        {
            throw new DefinitionException(_errors);
        }

        return new CompiledWorkflow(d, _version, subject, states, transitions, _timers, [.. _parameters]);
    }

    private void BuildParameters() => _parameters.AddRange(FormCompilation.BuildParameters(_definition.Parameters, Error));

    private void CheckTransitions(HashSet<string> stateKeys)
    {
        var d = _definition;
        var terminal = d.States.Where(s => s.Terminal).Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        var seen = new Dictionary<(string, string), int>();
        var timerTriggers = (d.Timers ?? []).Select(t => t.Trigger).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < d.Transitions.Count; i++)
        {
            var t = d.Transitions[i];
            var pointer = $"/transitions/{i}";
            for (var j = 0; j < t.From.Count; j++)
            {
                var from = t.From[j];
                if (!stateKeys.Contains(from))
                {
                    Error($"{pointer}/from/{j}", $"状态“{from}”不在 states 中");
                }
                else if (terminal.Contains(from))
                {
                    Error($"{pointer}/from/{j}", $"状态“{from}”是终止状态，不能再有操作离开它");
                }

                if (seen.TryGetValue((from, t.Trigger), out var other))
                {
                    Error($"{pointer}/trigger", $"状态“{from}”上已有操作“{t.Trigger}”（见 /transitions/{other}）；同一状态上的操作代码不能重复");
                }
                else
                {
                    seen[(from, t.Trigger)] = i;
                }
            }

            if (t.To is { } to && !stateKeys.Contains(to))
            {
                Error($"{pointer}/to", $"目标状态“{to}”不在 states 中");
            }

            if (t.System && !timerTriggers.Contains(t.Trigger))
            {
                Error($"{pointer}/system", $"操作“{t.Trigger}”只能由定时器触发，但没有定时器触发它（见 timers）");
            }
        }
    }

    private FrozenDictionary<string, CompiledTimer> BuildTimers()
    {
        var result = new Dictionary<string, CompiledTimer>(StringComparer.Ordinal);
        var timers = _definition.Timers ?? [];
        for (var i = 0; i < timers.Count; i++)
        {
            var timer = timers[i];
            var pointer = $"/timers/{i}";
            if (result.ContainsKey(timer.Key))
            {
                Error($"{pointer}/key", $"定时器代码“{timer.Key}”重复");
                continue;
            }

            var targets = _definition.Transitions.Where(t => t.Trigger == timer.Trigger).ToList();
            if (targets.Count == 0)
            {
                Error($"{pointer}/trigger", $"定时器要触发的操作“{timer.Trigger}”不在 transitions 中");
            }
            else if (targets.Any(t => !t.System))
            {
                // Timers fire as the system, to which only system transitions are open: any other would never fire.
                Error($"{pointer}/trigger", $"定时器以系统身份触发，只能触发写了 \"system\": true 的操作；操作“{timer.Trigger}”没有写");
            }

            var at = CompileExpression(timer.At, ExprType.Date, $"{pointer}/at");
            if (at is not null)
            {
                result[timer.Key] = new CompiledTimer { Key = timer.Key, Label = timer.Label, At = at, Trigger = timer.Trigger };
            }
        }

        return result.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private CompiledTransition BuildTransition(TransitionDefinition t, string pointer)
    {
        // Actions of an internal transition run in the state it stays in; others in the state it enters.
        IReadOnlyList<string> statesAfter = t.Internal ? t.From : t.To is { } to ? [to] : [];
        return new CompiledTransition
        {
            Trigger = t.Trigger,
            Label = t.Label,
            From = [.. t.From],
            To = t.Internal ? null : t.To,
            Internal = t.Internal,
            System = t.System,
            Roles = (t.Roles ?? []).ToFrozenSet(StringComparer.Ordinal),
            Approver = t.Approver is null ? null : CompileExpression(t.Approver, ExprType.Boolean, $"{pointer}/approver"),
            Guard = t.Guard is null ? null : CompileExpression(t.Guard, ExprType.Boolean, $"{pointer}/guard"),
            GuardMessage = t.GuardMessage,
            CommentRequired = t.CommentRequired,
            Form = t.Form,
            Style = t.Style ?? "normal",
            Actions = BuildActions(t.Actions, $"{pointer}/actions", statesAfter),
        };
    }

    /// <summary>Compiles actions that run while the instance is in one of <paramref name="states"/>.</summary>
    private ImmutableArray<CompiledAction> BuildActions(IReadOnlyList<ActionDefinition>? actions, string pointer, IReadOnlyList<string> states)
    {
        var result = ImmutableArray.CreateBuilder<CompiledAction>();
        for (var i = 0; i < (actions?.Count ?? 0); i++)
        {
            var a = actions![i];
            var at = $"{pointer}/{i}";
            switch (a.Type)
            {
                case "workItem":
                    CheckTriggersFrom(a.Triggers ?? [], states, $"{at}/triggers", person: true);
                    result.Add(new CompiledAction
                    {
                        Type = WorkflowActionType.WorkItem,
                        Title = Template(a.Title!, $"{at}/title"),
                        Triggers = [.. a.Triggers ?? []],
                    });
                    break;
                case "notify":
                    result.Add(new CompiledAction
                    {
                        Type = WorkflowActionType.Notify,
                        To = CompileExpression(a.To!, ExprType.Text, $"{at}/to"),
                        Title = Template(a.Title!, $"{at}/title"),
                        Message = a.Message is null ? null : Template(a.Message, $"{at}/message"),
                    });
                    break;
                case "timer":
                    if (!_timers.TryGetValue(a.Timer!, out var timer))
                    {
                        if (!(_definition.Timers ?? []).Any(t => t.Key == a.Timer))
                        {
                            Error($"{at}/timer", $"定时器“{a.Timer}”不在 timers 中");
                        }

                        break;
                    }

                    CheckTriggersFrom([timer.Trigger], states, $"{at}/timer", person: false);
                    result.Add(new CompiledAction { Type = WorkflowActionType.Timer, Timer = timer });
                    break;
                case "invoke":
                    result.Add(new CompiledAction { Type = WorkflowActionType.Invoke, Handler = a.Handler });
                    break;
                case "send":
                    result.Add(new CompiledAction { Type = WorkflowActionType.Send, Integration = a.Integration });
                    break;
                case "followup":
                    result.Add(new CompiledAction
                    {
                        Type = WorkflowActionType.FollowUp,
                        Form = a.Form,
                        Resident = CompileExpression(a.Resident!, ExprType.Text, $"{at}/resident"),
                        Due = CompileExpression(a.Due!, ExprType.Date, $"{at}/due"),
                        Title = Template(a.Title!, $"{at}/title"),
                    });
                    break;
                default:
                    Error($"{at}/type", $"未知的动作类型“{a.Type}”");
                    break;
            }
        }

        return result.ToImmutable();
    }

    /// <summary>A work item or timer waits in a state: its triggers must leave (or act in) that state.</summary>
    private void CheckTriggersFrom(IReadOnlyList<string> triggers, IReadOnlyList<string> states, string pointer, bool person)
    {
        foreach (var state in states)
        {
            foreach (var trigger in triggers)
            {
                var transition = _definition.Transitions.FirstOrDefault(t => t.Trigger == trigger && t.From.Contains(state, StringComparer.Ordinal));
                if (transition is null)
                {
                    Error(pointer, $"状态“{state}”上没有操作“{trigger}”");
                }
                else if (person && transition.System)
                {
                    Error(pointer, $"操作“{trigger}”只能由定时器触发，不能作为待办交给人处理");
                }
            }
        }
    }

    private void CheckReachable(HashSet<string> stateKeys)
    {
        if (!stateKeys.Contains(_definition.Initial))
        {
            return;
        }

        var reached = new HashSet<string>(StringComparer.Ordinal) { _definition.Initial };
        var queue = new Queue<string>([_definition.Initial]);
        while (queue.TryDequeue(out var state))
        {
            foreach (var t in _definition.Transitions.Where(t => !t.Internal && t.To is not null && t.From.Contains(state, StringComparer.Ordinal)))
            {
                if (reached.Add(t.To!))
                {
                    queue.Enqueue(t.To!);
                }
            }
        }

        for (var i = 0; i < _definition.States.Count; i++)
        {
            if (!reached.Contains(_definition.States[i].Key))
            {
                Error($"/states/{i}", $"状态“{_definition.States[i].Name}”从初始状态无法到达");
            }
        }
    }

    private CompiledExpression<WorkflowScope>? CompileExpression(string source, ExprType type, string pointer)
    {
        try
        {
            return _expressions.Compile(source, type);
        }
        catch (ExpressionException e)
        {
            Error(pointer, $"表达式“{source}”有误：{e.Located}");
            return null;
        }
    }

    private TextTemplate? Template(string text, string pointer)
    {
        var template = TextTemplate.TryParse(text, _sampleModel, out var error);
        if (template is null)
        {
            Error(pointer, error!);
        }

        return template;
    }

    /// <summary>Every name a template may read, with a value of its type, for checking templates at load.</summary>
    private Dictionary<string, object?> SampleModel()
    {
        static object? Sample(ExprType type) => type switch
        {
            ExprType.Number => 0m,
            ExprType.Boolean => false,
            ExprType.Date => "2000-01-01",
            _ => "",
        };

        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["subject"] = _subject.Attributes.ToDictionary(a => a.Key, a => Sample(a.Type), StringComparer.Ordinal),
            ["user"] = WorkflowSubjects.UserAttributes.ToDictionary(a => a.Key, a => Sample(a.Type), StringComparer.Ordinal),
            ["params"] = _parameters.ToDictionary(p => p.Key, p => Sample(p.Type), StringComparer.Ordinal),
        };
    }
}
