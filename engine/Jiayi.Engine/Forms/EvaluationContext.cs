using System.Collections.Frozen;
using Jiayi.Engine.Expressions;

namespace Jiayi.Engine.Forms;

/// <summary>The record's subject as expressions see it (<c>subject.birth_date</c>, <c>subject.sex</c>, <c>subject.age</c>).</summary>
public sealed record SubjectInfo(DateOnly? BirthDate, string? Sex);

/// <summary>
/// Everything an evaluation needs besides the answers, passed per call: the date that counts as today,
/// the subject, and parameter values that override the definition's (e.g. a province's system parameters).
/// </summary>
public sealed record EvaluationContext
{
    public EvaluationContext(DateOnly today)
    {
        Today = today;
    }

    public DateOnly Today { get; init; }

    public SubjectInfo? Subject { get; init; }

    /// <summary>Parameter values by key that replace the definition's values for this evaluation.</summary>
    public FrozenDictionary<string, Value>? ParameterOverrides { get; init; }
}
