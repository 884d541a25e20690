using System.Collections.Immutable;
using Jiayi.Engine.Expressions;

namespace Jiayi.Engine.Forms;

/// <summary>
/// The per-call state of one evaluation: the answers, the values computed so far, the current table row
/// while its rules run, the parameters in force and the subject. Never shared between calls.
/// </summary>
public sealed class FormScope : IExpressionScope
{
    internal FormScope(Value[] fields, Value[] scores, Value[] outcomes, Value[] parameters, Value[] subject, DateOnly today)
    {
        Fields = fields;
        Scores = scores;
        Outcomes = outcomes;
        Parameters = parameters;
        Subject = subject;
        Today = today;
    }

    public DateOnly Today { get; }

    internal Value[] Fields { get; }

    internal Value[] Scores { get; }

    internal Value[] Outcomes { get; }

    internal Value[] Parameters { get; }

    /// <summary>Indexed by <see cref="SubjectAttributes"/>.</summary>
    internal Value[] Subject { get; }

    internal ImmutableArray<Value> Row { get; set; }
}

/// <summary>What expressions may read about the record's subject (the resident), as <c>subject.*</c>.</summary>
public static class SubjectAttributes
{
    public const int BirthDate = 0;
    public const int Sex = 1;
    public const int Age = 2;
    public const int Count = 3;

    internal static readonly (string Name, string Label, ExprType Type)[] All =
    [
        ("birth_date", "出生日期", ExprType.Date),
        ("sex", "性别", ExprType.Text),
        ("age", "年龄（周岁，按记录日期）", ExprType.Number),
    ];
}
