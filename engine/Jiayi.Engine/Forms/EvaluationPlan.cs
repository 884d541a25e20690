using System.Collections.Immutable;
using Jiayi.Engine.Expressions;

namespace Jiayi.Engine.Forms;

/// <summary>
/// The order in which a form's computed parts run: section and field visibility, calculated fields,
/// scores, outcomes and the schedule, each after everything it reads. Fixed at compile time; a cycle
/// (a calculation that needs itself) is a definition error naming the chain.
/// </summary>
internal sealed class EvaluationPlan
{
    private EvaluationPlan(ImmutableArray<Step> steps)
    {
        Steps = steps;
    }

    public ImmutableArray<Step> Steps { get; }

    internal abstract record Step(string Name, string Pointer)
    {
        public abstract IEnumerable<object> Inputs { get; }
    }

    internal sealed record SectionStep(SectionModel Section)
        : Step($"分节“{Section.Title}”的显示条件", $"/sections/{Section.Index}/visibleWhen")
    {
        public override IEnumerable<object> Inputs => References(Section.VisibleWhen);
    }

    internal sealed record FieldStep(FieldModel Field)
        : Step($"字段“{Field.Label}”", Field.DefinitionPointer)
    {
        public override IEnumerable<object> Inputs =>
            References(Field.VisibleWhen).Concat(References(Field.Calculate))
                .Concat(Field.Section?.VisibleWhen is null ? [] : [Field.Section]);
    }

    internal sealed record ScoreStep(ScoreModel Score)
        : Step($"评分“{Score.Label}”", $"/scores/{Score.Index}")
    {
        public override IEnumerable<object> Inputs => Score.Items.Select(i => (object)i.Field).Concat(References(Score.Expression));
    }

    internal sealed record OutcomeStep(OutcomeModel Outcome, IReadOnlyList<object> Reads)
        : Step($"结果“{Outcome.Label}”", Outcome.Definition is null ? "/schedule" : $"/outcomes/{Outcome.Index}")
    {
        public override IEnumerable<object> Inputs => Reads;
    }

    private static IEnumerable<object> References(CompiledExpression<FormScope>? expression) =>
        expression is null ? [] : expression.References.Select(r => r.Tag).OfType<object>();

    public static EvaluationPlan? Build(
        IReadOnlyList<SectionModel> sections,
        IReadOnlyList<FieldModel> fields,
        IReadOnlyList<ScoreModel> scores,
        IReadOnlyList<OutcomeModel> outcomes,
        Action<string, string> error)
    {
        var steps = new Dictionary<object, Step>(ReferenceEqualityComparer.Instance);
        foreach (var section in sections.Where(s => s.VisibleWhen is not null))
        {
            steps[section] = new SectionStep(section);
        }

        foreach (var field in fields.Where(f => f.VisibleWhen is not null || f.Calculate is not null || f.Section?.VisibleWhen is not null))
        {
            steps[field] = new FieldStep(field);
        }

        foreach (var score in scores)
        {
            steps[score] = new ScoreStep(score);
        }

        foreach (var outcome in outcomes)
        {
            steps[outcome] = new OutcomeStep(outcome, OutcomeReads(outcome, scores, fields));
        }

        var ordered = new List<Step>();
        var state = new Dictionary<Step, bool>(ReferenceEqualityComparer.Instance);
        var path = new Stack<Step>();
        foreach (var step in steps.Values)
        {
            if (!Visit(step))
            {
                return null;
            }
        }

        return new EvaluationPlan([.. ordered]);

        bool Visit(Step step)
        {
            if (state.TryGetValue(step, out var done))
            {
                if (done)
                {
                    return true;
                }

                var cycle = path.Reverse().SkipWhile(s => !ReferenceEquals(s, step)).Append(step).Select(s => s.Name);
                error(step.Pointer, $"循环依赖：{string.Join(" → ", cycle)}");
                return false;
            }

            state[step] = false;
            path.Push(step);
            foreach (var input in step.Inputs)
            {
                if (steps.TryGetValue(input, out var dependency) && !Visit(dependency))
                {
                    return false;
                }
            }

            path.Pop();
            state[step] = true;
            ordered.Add(step);
            return true;
        }
    }

    /// <summary>What an outcome reads. Outcomes are computed by closures, so the compiler records their inputs here.</summary>
    private static List<object> OutcomeReads(OutcomeModel outcome, IReadOnlyList<ScoreModel> scores, IReadOnlyList<FieldModel> fields)
    {
        var reads = new List<object>();
        foreach (var expression in outcome.Expressions)
        {
            reads.AddRange(References(expression));
        }

        if (outcome.Definition?.Score is { } scoreKey && scores.FirstOrDefault(s => s.Key == scoreKey) is { } score)
        {
            reads.Add(score);
        }

        if (outcome.ScheduleFrom is { } from && fields.FirstOrDefault(f => f.Key == from) is { } field)
        {
            reads.Add(field);
        }

        return reads;
    }
}
