using System.Collections.Frozen;
using Jiayi.Data;
using Jiayi.Data.Workflows;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Workflows;

namespace Jiayi.Host.Workflows;

/// <summary>Everything an action or a subject hook may need while a fire is being applied (one database transaction).</summary>
public sealed class WorkflowContext
{
    public required JiayiDbContext Db { get; init; }

    public required WorkflowInstance Instance { get; init; }

    public required CompiledWorkflow Workflow { get; init; }

    public required WorkflowScope Scope { get; init; }

    public required WorkflowActor Actor { get; init; }

    /// <summary>The step being applied; null when the instance is starting.</summary>
    public WorkflowStep? Step { get; init; }

    /// <summary>The answers of the transition's form, when it has one.</summary>
    public Engine.Forms.EvaluationResult? Form { get; init; }

    public string? Comment { get; init; }

    /// <summary>What handlers report back to the caller (e.g. the renewal's new contract id).</summary>
    public Dictionary<string, object?> Results { get; } = new(StringComparer.Ordinal);

    /// <summary>Users whose inbox changed: their counts are pushed after the commit.</summary>
    public HashSet<Guid> Touched { get; } = [];

    /// <summary>Outbox messages the step wrote: their delivery is queued after the commit.</summary>
    public List<Guid> Outbox { get; } = [];
}

/// <summary>A host handler a definition can <c>invoke</c> (e.g. <c>contract.renew</c>).</summary>
public interface IWorkflowHandler
{
    string Name { get; }

    Task InvokeAsync(WorkflowContext context, CancellationToken cancellationToken);
}

/// <summary>What the host knows about one subject type: its attributes for expressions, and what a step changes in it.</summary>
public interface IWorkflowSubject
{
    string SubjectType { get; }

    /// <summary>The subject's attribute values (in the order of <see cref="WorkflowSubjectType.Attributes"/>); null when it does not exist.</summary>
    Task<Value[]?> LoadAsync(JiayiDbContext db, Guid subjectId, CancellationToken cancellationToken);

    /// <summary>Called after the instance moved (or started), in the same transaction.</summary>
    Task OnStepAsync(WorkflowContext context, CancellationToken cancellationToken);

    /// <summary>The web page of the subject.</summary>
    string Link(Guid subjectId);
}

/// <summary>The registered handlers and subjects, by name.</summary>
public sealed class WorkflowHandlers(IEnumerable<IWorkflowHandler> handlers, IEnumerable<IWorkflowSubject> subjects)
{
    private readonly FrozenDictionary<string, IWorkflowHandler> _handlers = handlers.ToFrozenDictionary(h => h.Name, StringComparer.Ordinal);
    private readonly FrozenDictionary<string, IWorkflowSubject> _subjects = subjects.ToFrozenDictionary(s => s.SubjectType, StringComparer.Ordinal);

    public IEnumerable<string> Names => _handlers.Keys.Order(StringComparer.Ordinal);

    public bool Contains(string name) => _handlers.ContainsKey(name);

    public IWorkflowHandler Handler(string name) => _handlers[name];

    public IWorkflowSubject Subject(string type) => _subjects.TryGetValue(type, out var subject)
        ? subject
        : throw new InvalidOperationException($"No workflow subject provider for {type}.");
}
