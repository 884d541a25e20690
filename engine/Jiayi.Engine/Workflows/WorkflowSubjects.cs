using System.Collections.Frozen;
using System.Collections.Immutable;
using Jiayi.Engine.Expressions;

namespace Jiayi.Engine.Workflows;

/// <summary>One attribute of a workflow's subject, readable as <c>subject.{Key}</c> in expressions and templates.</summary>
public sealed record SubjectField(string Key, string Label, ExprType Type);

/// <summary>A kind of thing workflows run about, and the attributes the host supplies for it.</summary>
public sealed class WorkflowSubjectType
{
    public WorkflowSubjectType(string name, string label, ImmutableArray<SubjectField> attributes)
    {
        Name = name;
        Label = label;
        Attributes = attributes;
        Index = attributes.Select((a, i) => (a.Key, i)).ToFrozenDictionary(p => p.Key, p => p.i, StringComparer.Ordinal);
    }

    public string Name { get; }

    public string Label { get; }

    public ImmutableArray<SubjectField> Attributes { get; }

    public FrozenDictionary<string, int> Index { get; }

    /// <summary>The attribute values in declaration order, from a dictionary the host fills; missing ones are empty.</summary>
    public Value[] ValuesFrom(IReadOnlyDictionary<string, Value> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var result = new Value[Attributes.Length];
        foreach (var (key, value) in values)
        {
            if (!Index.TryGetValue(key, out var index))
            {
                throw new ArgumentException($"Subject {Name} has no attribute {key}.", nameof(values));
            }

            result[index] = value;
        }

        return result;
    }
}

/// <summary>
/// The subjects workflows may be about. Like a form's <c>subject.*</c>, these are what the host can supply;
/// a definition chooses one with <c>"subject"</c> and reads its attributes.
/// </summary>
public static class WorkflowSubjects
{
    public static WorkflowSubjectType Contract { get; } = new("contract", "签约协议",
    [
        new("number", "签约编号", ExprType.Text),
        new("resident_id", "居民编号", ExprType.Text),
        new("resident_name", "居民姓名", ExprType.Text),
        new("team_id", "签约团队编号", ExprType.Text),
        new("team_name", "签约团队", ExprType.Text),
        new("institution_id", "签约机构编号", ExprType.Text),
        new("institution_name", "签约机构", ExprType.Text),
        new("parent_org_id", "签约机构的上级机构或部门编号", ExprType.Text),
        new("doctor_id", "责任医生的用户编号", ExprType.Text),
        new("doctor_name", "责任医生", ExprType.Text),
        new("start_date", "开始日期", ExprType.Date),
        new("end_date", "结束日期", ExprType.Date),
        new("source", "签约来源", ExprType.Text),
        new("package_names", "服务包", ExprType.Text),
        new("renewed", "是否已续约", ExprType.Boolean),
    ]);

    public static FrozenDictionary<string, WorkflowSubjectType> ByName { get; } =
        new[] { Contract }.ToFrozenDictionary(s => s.Name, StringComparer.Ordinal);

    /// <summary>The person asking, readable as <c>user.{Key}</c> in approver expressions and guards.</summary>
    public static ImmutableArray<SubjectField> UserAttributes { get; } =
    [
        new("id", "用户编号", ExprType.Text),
        new("name", "姓名", ExprType.Text),
        new("org_id", "所在机构编号", ExprType.Text),
        new("team_id", "所在团队编号", ExprType.Text),
        new("is_leader", "是否团队长", ExprType.Boolean),
        new("roles", "角色", ExprType.TextList),
    ];
}

/// <summary>Who fires a trigger: a person (with their roles) or the system (a timer).</summary>
public sealed record WorkflowActor(string Id, string Name, string? OrgId, string? TeamId, bool IsLeader, IReadOnlySet<string> Roles)
{
    /// <summary>Timers fire as the system: no roles, so only <c>system</c> transitions are open to it.</summary>
    public static WorkflowActor System { get; } = new("system", "系统", null, null, false, FrozenSet<string>.Empty);

    public bool IsSystem => ReferenceEquals(this, System) || Id == System.Id;

    public Value[] ToValues() =>
    [
        Value.Text(Id),
        Value.Text(Name),
        Value.Text(OrgId),
        Value.Text(TeamId),
        Value.Boolean(IsLeader),
        Value.List([.. Roles.Order(StringComparer.Ordinal).Select(Value.Text)]),
    ];
}

/// <summary>What a workflow expression reads: the subject, the user, the parameters, and today.</summary>
public sealed class WorkflowScope : IExpressionScope
{
    public required DateOnly Today { get; init; }

    public required Value[] Subject { get; init; }

    public required Value[] User { get; init; }

    public required Value[] Parameters { get; init; }
}
