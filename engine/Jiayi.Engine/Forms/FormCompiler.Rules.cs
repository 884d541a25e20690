using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text.Json;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms.FieldTypes;

namespace Jiayi.Engine.Forms;

// Expressions, outcomes and schedules of a form compilation.
internal sealed partial class FormCompilation
{
    private readonly HashSet<string> _ruleKeys = new(StringComparer.Ordinal);

    private CompiledExpression<FormScope>? CompileOutcomeExpression(OutcomeModel owner, FormSymbolResolver resolver, string? source, ExprType? expected, string pointer)
    {
        var expression = CompileExpression(resolver, source, expected, pointer);
        if (expression is not null)
        {
            owner.Expressions.Add(expression);
        }

        return expression;
    }

    private CompiledExpression<FormScope>? CompileExpression(ISymbolResolver<FormScope> resolver, string? source, ExprType? expected, string pointer)
    {
        if (source is null)
        {
            return null;
        }

        try
        {
            return new ExpressionCompiler<FormScope>(resolver).Compile(source, expected);
        }
        catch (ExpressionException e)
        {
            Error(pointer, $"表达式“{source}”有误：{e.Located}");
            return null;
        }
    }

    private void CompileFieldExpressions(FormSymbolResolver resolver)
    {
        foreach (var section in _sections)
        {
            section.VisibleWhen = CompileExpression(resolver, section.Definition.VisibleWhen, ExprType.Boolean, $"/sections/{section.Index}/visibleWhen");
        }

        foreach (var field in _fields)
        {
            CompileFieldRules(field, resolver);
            if (!field.Columns.IsEmpty)
            {
                var rowResolver = resolver.ForRow(field);
                foreach (var column in field.Columns)
                {
                    CompileFieldRules(column, rowResolver);
                }
            }
        }
    }

    private void CompileFieldRules(FieldModel field, FormSymbolResolver resolver)
    {
        var d = field.Definition;
        var pointer = field.DefinitionPointer;
        field.VisibleWhen = CompileExpression(resolver, d.VisibleWhen, ExprType.Boolean, pointer + "/visibleWhen");
        field.RequiredWhen = CompileExpression(resolver, d.RequiredWhen, ExprType.Boolean, pointer + "/requiredWhen");
        field.Calculate = CompileExpression(resolver, d.Calculate, field.ExprType, pointer + "/calculate");
        var rules = ImmutableArray.CreateBuilder<RuleModel>();
        var definitions = d.Validate ?? [];
        for (var i = 0; i < definitions.Count; i++)
        {
            var rulePointer = $"{pointer}/validate/{i}";
            var key = definitions[i].Key ?? $"{field.Key}_{i + 1}";
            if (!_ruleKeys.Add(key))
            {
                Error(rulePointer + "/key", $"规则代码“{key}”重复");
            }

            if (CompileExpression(resolver, definitions[i].Rule, ExprType.Boolean, rulePointer + "/rule") is { } rule)
            {
                rules.Add(new RuleModel(key, rule, definitions[i].Message, field, rulePointer));
            }
        }

        field.Rules = rules.ToImmutable();
    }

    private void CompileValidations(FormSymbolResolver resolver)
    {
        var validations = definition.Validations ?? [];
        for (var i = 0; i < validations.Count; i++)
        {
            var v = validations[i];
            var pointer = $"/validations/{i}";
            if (!_ruleKeys.Add(v.Key))
            {
                Error(pointer + "/key", $"规则代码“{v.Key}”重复");
            }

            if (_fields.Find(f => f.Key == v.Path) is not { } target)
            {
                Error(pointer + "/path", $"未知的字段“{v.Path}”：path 应为显示此错误的字段代码");
                continue;
            }

            if (CompileExpression(resolver, v.Rule, ExprType.Boolean, pointer + "/rule") is { } rule)
            {
                _validations.Add(new RuleModel(v.Key, rule, v.Message, target, pointer));
            }
        }
    }

    private void CompileScores(FormSymbolResolver resolver)
    {
        foreach (var score in _scores)
        {
            score.Expression = CompileExpression(resolver, score.Definition.Expression, ExprType.Number, $"/scores/{score.Index}/expression");
        }
    }

    /// <summary>Creates the outcome models and fixes their types where values are literal, before any expression is compiled.</summary>
    private void BuildOutcomes()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var outcomes = definition.Outcomes ?? [];
        for (var i = 0; i < outcomes.Count; i++)
        {
            var d = outcomes[i];
            var pointer = $"/outcomes/{i}";
            if (!keys.Add(d.Key))
            {
                Error(pointer + "/key", $"结果代码“{d.Key}”重复");
                continue;
            }

            var outcome = new OutcomeModel { Key = d.Key, Label = d.Label, Index = _outcomes.Count, Definition = d };
            if (d.Expression is null)
            {
                IEnumerable<JsonElement> values = d.Bands?.Select(b => b.Value) ?? d.Cases!.Select(c => c.Value);
                if (d.Otherwise is { } otherwise)
                {
                    values = values.Append(otherwise);
                }

                var kinds = values.Select(v => v.ValueKind).Distinct().ToList();
                if (kinds.Count > 1)
                {
                    Error(pointer, "同一结果的各个取值须同为文本或同为数值");
                }

                outcome.Type = kinds[0] == JsonValueKind.Number ? ExprType.Number : ExprType.Text;
                outcome.TypeKnown = true;
            }

            _outcomes.Add(outcome);
        }

        if (definition.Schedule is { } schedule)
        {
            if (!keys.Add(schedule.Key))
            {
                Error("/schedule/key", $"随访安排的代码“{schedule.Key}”与某个结果重复");
                return;
            }

            _outcomes.Add(new OutcomeModel { Key = schedule.Key, Label = schedule.Label, Index = _outcomes.Count, Type = ExprType.Date, TypeKnown = true });
        }
    }

    private void CompileOutcomes(FormSymbolResolver resolver)
    {
        foreach (var outcome in _outcomes)
        {
            if (outcome.Definition is { } d)
            {
                var pointer = $"/outcomes/{outcome.Index}";
                if (d.Bands is not null)
                {
                    CompileBands(outcome, d, resolver, pointer);
                }
                else if (d.Cases is not null)
                {
                    CompileCases(outcome, d, resolver, pointer);
                }
                else if (CompileOutcomeExpression(outcome, resolver, d.Expression, null, pointer + "/expression") is { } expression)
                {
                    outcome.Type = expression.Type;
                    outcome.TypeKnown = true;
                    outcome.Compute = expression.Evaluate;
                }

                if (d.Field is { } fieldKey)
                {
                    LinkSuggestion(outcome, fieldKey, pointer + "/field", LiteralValues(d));
                }
            }
            else if (definition.Schedule is { } schedule)
            {
                CompileSchedule(outcome, schedule, resolver);
            }
        }
    }

    private static IEnumerable<(Value Value, string Pointer)> LiteralValues(OutcomeDefinition d)
    {
        if (d.Bands is { } bands)
        {
            for (var i = 0; i < bands.Count; i++)
            {
                yield return (JsonValues.FromJson(bands[i].Value), $"bands/{i}/value");
            }
        }

        if (d.Cases is { } cases)
        {
            for (var i = 0; i < cases.Count; i++)
            {
                yield return (JsonValues.FromJson(cases[i].Value), $"cases/{i}/value");
            }
        }

        if (d.Otherwise is { } otherwise)
        {
            yield return (JsonValues.FromJson(otherwise), "otherwise");
        }
    }

    private void CompileBands(OutcomeModel outcome, OutcomeDefinition d, FormSymbolResolver resolver, string pointer)
    {
        var score = _scores.Find(s => s.Key == d.Score);
        if (score is null)
        {
            Error(pointer + "/score", $"未知的评分“{d.Score}”");
            return;
        }

        var bands = new List<(Func<FormScope, Value>? Min, Func<FormScope, Value>? Max, Value Value)>();
        var literal = new List<(decimal? Min, decimal? Max, int Index)>();
        for (var i = 0; i < d.Bands!.Count; i++)
        {
            var band = d.Bands[i];
            var min = Bound(outcome, band.Min, resolver, $"{pointer}/bands/{i}/min");
            var max = Bound(outcome, band.Max, resolver, $"{pointer}/bands/{i}/max");
            bands.Add((min.Evaluate, max.Evaluate, JsonValues.FromJson(band.Value)));
            if (min.Literal is { } lo && max.Literal is { } hi && lo > hi)
            {
                Error($"{pointer}/bands/{i}", $"分段下限 {lo} 大于上限 {hi}");
            }

            if ((band.Min is null || min.Literal.HasValue) && (band.Max is null || max.Literal.HasValue))
            {
                literal.Add((min.Literal, max.Literal, i));
            }
        }

        foreach (var (a, b) in literal.SelectMany((a, i) => literal.Skip(i + 1).Select(b => (a, b))))
        {
            var low = Math.Max(a.Min ?? decimal.MinValue, b.Min ?? decimal.MinValue);
            var high = Math.Min(a.Max ?? decimal.MaxValue, b.Max ?? decimal.MaxValue);
            if (low <= high)
            {
                Error($"{pointer}/bands/{b.Index}", $"分段与第 {a.Index + 1} 段重叠");
            }
        }

        var scoreIndex = score.Index;
        var compiled = bands.ToArray();
        outcome.Compute = scope =>
        {
            var value = scope.Scores[scoreIndex];
            if (value.IsNull)
            {
                return Value.Null;
            }

            foreach (var (min, max, result) in compiled)
            {
                var lo = min?.Invoke(scope);
                var hi = max?.Invoke(scope);
                if (lo is { IsNull: true } || hi is { IsNull: true })
                {
                    return Value.Null;
                }

                if ((lo is null || value.AsNumber >= lo.Value.AsNumber) && (hi is null || value.AsNumber <= hi.Value.AsNumber))
                {
                    return result;
                }
            }

            return Value.Null;
        };
    }

    /// <summary>A band bound or an interval length: a JSON number, or an expression giving a number.</summary>
    private (Func<FormScope, Value>? Evaluate, decimal? Literal) Bound(OutcomeModel owner, JsonElement? json, FormSymbolResolver resolver, string pointer)
    {
        if (json is not { } element)
        {
            return (null, null);
        }

        if (element.ValueKind == JsonValueKind.Number)
        {
            var number = Value.Number(element.GetDecimal());
            return (_ => number, number.AsNumber);
        }

        var expression = CompileOutcomeExpression(owner, resolver, element.GetString(), ExprType.Number, pointer);
        return (expression?.Evaluate ?? (_ => Value.Null), null);
    }

    private void CompileCases(OutcomeModel outcome, OutcomeDefinition d, FormSymbolResolver resolver, string pointer)
    {
        var cases = new List<(Func<FormScope, Value> When, Value Value)>();
        for (var i = 0; i < d.Cases!.Count; i++)
        {
            var when = CompileOutcomeExpression(outcome, resolver, d.Cases[i].When, ExprType.Boolean, $"{pointer}/cases/{i}/when");
            if (when is not null)
            {
                cases.Add((when.Evaluate, JsonValues.FromJson(d.Cases[i].Value)));
            }
        }

        var otherwise = d.Otherwise is { } o ? JsonValues.FromJson(o) : Value.Null;
        var compiled = cases.ToArray();
        outcome.Compute = scope => FirstMatch(scope, compiled, otherwise);
    }

    /// <summary>
    /// The first case that holds gives the value. A case that cannot be decided yet (its data is missing)
    /// is passed over, but then the fallback value is withheld: it would claim more than the data shows.
    /// </summary>
    internal static Value FirstMatch(FormScope scope, (Func<FormScope, Value> When, Value Value)[] cases, Value otherwise)
    {
        var undecided = false;
        foreach (var (when, value) in cases)
        {
            var holds = when(scope);
            if (holds.IsTrue)
            {
                return value;
            }

            undecided |= holds.IsNull;
        }

        return undecided ? Value.Null : otherwise;
    }

    private void LinkSuggestion(OutcomeModel outcome, string fieldKey, string pointer, IEnumerable<(Value Value, string Pointer)> literals)
    {
        var field = _fields.Find(f => f.Key == fieldKey);
        if (field is null)
        {
            Error(pointer, $"未知的字段“{fieldKey}”");
            return;
        }

        outcome.SuggestsField = field;
        if (field.Type is ChoiceFieldType)
        {
            var byLabel = field.Options.ToDictionary(o => Value.Text(o.Label), o => o.Code);
            var map = new Dictionary<Value, Value>();
            foreach (var (value, valuePointer) in literals)
            {
                if (byLabel.TryGetValue(value, out var code) || field.OptionsByCode.ContainsKey(code = value))
                {
                    map[value] = code;
                }
                else
                {
                    Error($"/outcomes/{outcome.Index}/{valuePointer}", $"取值“{value}”不是字段“{field.Label}”的选项（{field.Choice!.Describe()}）");
                }
            }

            foreach (var option in field.Options)
            {
                map.TryAdd(Value.Text(option.Label), option.Code);
                map.TryAdd(option.Code, option.Code);
            }

            outcome.SuggestionByValue = map.ToFrozenDictionary();
        }
        else if (field.Type is TableFieldType or MultiChoiceFieldType || (outcome.TypeKnown && !outcome.Type.Fits(field.ExprType)))
        {
            Error(pointer, $"结果的类型（{outcome.Type.ChineseName()}）与字段“{field.Label}”不符");
        }
    }

    private void CompileSchedule(OutcomeModel outcome, ScheduleDefinition schedule, FormSymbolResolver resolver)
    {
        var from = _fields.Find(f => f.Key == schedule.From);
        if (from is not { Type: DateFieldType })
        {
            Error("/schedule/from", $"“{schedule.From}”不是本表单的日期字段");
            return;
        }

        if (schedule.Field is { } fieldKey)
        {
            if (_fields.Find(f => f.Key == fieldKey) is not { Type: DateFieldType } target)
            {
                Error("/schedule/field", $"“{fieldKey}”不是本表单的日期字段");
            }
            else
            {
                outcome.SuggestsField = target;
            }
        }

        var intervals = new List<(Func<FormScope, Value> When, Func<FormScope, Value> Amount, bool Months)>();
        for (var i = 0; i < schedule.Intervals.Count; i++)
        {
            var interval = schedule.Intervals[i];
            var pointer = $"/schedule/intervals/{i}";
            var when = interval.When is null ? (_ => Value.True) : CompileOutcomeExpression(outcome, resolver, interval.When, ExprType.Boolean, pointer + "/when")?.Evaluate;
            var months = interval.Months is not null;
            var (amount, _) = Bound(outcome, months ? interval.Months : interval.Days, resolver, pointer + (months ? "/months" : "/days"));
            if (when is not null && amount is not null)
            {
                intervals.Add((when, amount, months));
            }
        }

        outcome.ScheduleFrom = from.Key;
        var fromIndex = from.Index;
        var compiled = intervals.ToArray();
        outcome.Compute = scope =>
        {
            var start = scope.Fields[fromIndex];
            if (start.IsNull)
            {
                return Value.Null;
            }

            foreach (var (when, amount, months) in compiled)
            {
                var holds = when(scope);
                if (!holds.IsTrue)
                {
                    continue;
                }

                var n = amount(scope);
                if (n.IsNull)
                {
                    return Value.Null;
                }

                var count = (int)Math.Clamp(decimal.Truncate(n.AsNumber), -100_000, 100_000);
                try
                {
                    return Value.Date(months ? start.AsDate.AddMonths(count) : start.AsDate.AddDays(count));
                }
                catch (ArgumentOutOfRangeException)
                {
                    return Value.Null;
                }
            }

            return Value.Null;
        };
    }
}
