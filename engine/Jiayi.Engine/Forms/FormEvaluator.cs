using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms.FieldTypes;

namespace Jiayi.Engine.Forms;

/// <summary>
/// Runs a compiled form over one input: visibility and calculations in plan order, then requirements
/// and rules on what is visible. Hidden fields are neither required nor kept.
/// </summary>
internal static class FormEvaluator
{
    public static EvaluationResult Evaluate(FormInput input, EvaluationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var form = input.Form;
        var values = input.CopyValues();
        var scope = new FormScope(
            values,
            new Value[form.Scores.Length],
            new Value[form.Outcomes.Length],
            Parameters(form, context),
            Subject(form, context, values),
            context.Today);
        var sectionVisible = new bool[form.Sections.Length];
        Array.Fill(sectionVisible, true);
        var visible = new bool[form.Fields.Length];
        Array.Fill(visible, true);

        foreach (var step in form.Plan.Steps)
        {
            switch (step)
            {
                case EvaluationPlan.SectionStep s:
                    sectionVisible[s.Section.Index] = s.Section.VisibleWhen!.Evaluate(scope).IsTrue;
                    break;
                case EvaluationPlan.FieldStep f:
                    RunField(f.Field, scope, sectionVisible, visible);
                    break;
                case EvaluationPlan.ScoreStep s:
                    scope.Scores[s.Score.Index] = ComputeScore(s.Score, scope);
                    break;
                case EvaluationPlan.OutcomeStep o:
                    scope.Outcomes[o.Outcome.Index] = o.Outcome.Compute(scope);
                    break;
            }
        }

        var errors = new ErrorCollector();
        foreach (var error in input.StructuralErrors)
        {
            errors.Add(error.Path, error.Code, error.Message);
        }

        var required = new bool[form.Fields.Length];
        foreach (var field in form.Fields)
        {
            if (visible[field.Index])
            {
                required[field.Index] = CheckField(field, scope, errors);
            }
        }

        foreach (var validation in form.Validations)
        {
            if (visible[validation.Field.Index] && validation.Rule.Evaluate(scope).IsFalse)
            {
                errors.Add(validation.Field.Path, ErrorCodes.Rule(validation.Key), validation.Message);
            }
        }

        return new EvaluationResult(form, errors.ToList(), values, scope.Scores, scope.Outcomes, visible, required);
    }

    private static void RunField(FieldModel field, FormScope scope, bool[] sectionVisible, bool[] visible)
    {
        var shown = (field.Section is null || sectionVisible[field.Section.Index])
            && (field.VisibleWhen is null || field.VisibleWhen.Evaluate(scope).IsTrue);
        visible[field.Index] = shown;
        if (!shown)
        {
            scope.Fields[field.Index] = Value.Null;
        }
        else if (field.Calculate is { } calculate)
        {
            scope.Fields[field.Index] = Coerce(field, calculate.Evaluate(scope));
        }
    }

    /// <summary>Fits a calculated value to its field: integers and fixed decimals rounded half away from zero; invalid codes dropped.</summary>
    private static Value Coerce(FieldModel field, Value value)
    {
        if (value.IsNull)
        {
            return value;
        }

        return field.Type switch
        {
            IntegerFieldType => Value.Number(Math.Round(value.AsNumber, 0, MidpointRounding.AwayFromZero)),
            DecimalFieldType when field.Decimals is { } digits => Value.Number(Math.Round(value.AsNumber, digits, MidpointRounding.AwayFromZero)),
            ChoiceFieldType => field.OptionsByCode.ContainsKey(value) ? value : Value.Null,
            MultiChoiceFieldType => value.AsList.All(field.OptionsByCode.ContainsKey) ? value : Value.Null,
            _ => value,
        };
    }

    /// <summary>
    /// Sum of the answered items (reverse-scored ones as low + high − points), or the score's expression.
    /// Partial sums are given while answers are missing, so scores update as the user answers.
    /// </summary>
    private static Value ComputeScore(ScoreModel score, FormScope scope)
    {
        if (score.Expression is { } expression)
        {
            return expression.Evaluate(scope);
        }

        decimal? total = null;
        foreach (var (field, reversed, low, high) in score.Items)
        {
            var answer = scope.Fields[field.Index];
            if (answer.IsNull)
            {
                continue;
            }

            var points = field.Options.IsEmpty || field.Choice!.Scores.Count == 0
                ? answer.AsNumber
                : field.Choice.Scores[answer];
            total = (total ?? 0m) + (reversed ? low + high - points : points);
        }

        return total.HasValue ? Value.Number(total.Value) : Value.Null;
    }

    /// <summary>Checks one visible field; returns whether it is required now.</summary>
    private static bool CheckField(FieldModel field, FormScope scope, ErrorCollector errors)
    {
        var value = scope.Fields[field.Index];
        var required = field.Required || (field.RequiredWhen?.Evaluate(scope).IsTrue ?? false);
        var reported = errors.HasErrorAt(field.Path);
        if (required && Functions.IsBlank(value) && !reported)
        {
            errors.Add(field.Path, ErrorCodes.Required, field.Messages.Required);
            return required;
        }

        if (reported)
        {
            return required;
        }

        if (field.IsCalculated && value.Kind == ValueKind.Number
            && ((field.Min is { } min && value.AsNumber < min) || (field.Max is { } max && value.AsNumber > max)))
        {
            errors.Add(field.Path, ErrorCodes.Calculation, FormMessages.CalculatedOutOfRange(field, value.AsNumber));
        }

        foreach (var rule in field.Rules)
        {
            if (rule.Rule.Evaluate(scope).IsFalse)
            {
                errors.Add(field.Path, ErrorCodes.Rule(rule.Key), rule.Message);
            }
        }

        if (value.Kind == ValueKind.Rows)
        {
            CheckRows(field, value, scope, errors);
        }

        return required;
    }

    private static void CheckRows(FieldModel table, Value rows, FormScope scope, ErrorCollector errors)
    {
        var index = 0;
        foreach (var row in rows.AsRows)
        {
            scope.Row = row;
            foreach (var column in table.Columns)
            {
                var path = $"{table.Path}/{index}{column.Path}";
                var cell = row[column.Index];
                var required = column.Required || (column.RequiredWhen?.Evaluate(scope).IsTrue ?? false);
                if (required && Functions.IsBlank(cell))
                {
                    if (!errors.HasErrorAt(path))
                    {
                        errors.Add(path, ErrorCodes.Required, FormMessages.InRow(table, index, column.Messages.Required));
                    }

                    continue;
                }

                foreach (var rule in column.Rules)
                {
                    if (rule.Rule.Evaluate(scope).IsFalse)
                    {
                        errors.Add(path, ErrorCodes.Rule(rule.Key), FormMessages.InRow(table, index, rule.Message));
                    }
                }
            }

            index++;
        }

        scope.Row = default;
    }

    private static Value[] Parameters(CompiledForm form, EvaluationContext context)
    {
        var values = new Value[form.Parameters.Length];
        foreach (var parameter in form.Parameters)
        {
            values[parameter.Index] = context.ParameterOverrides is { } overrides && overrides.TryGetValue(parameter.Key, out var value) && Fits(value, parameter.Type)
                ? value
                : parameter.Value;
        }

        return values;
    }

    private static bool Fits(Value value, ExprType type) => (value.Kind, type) switch
    {
        (ValueKind.Number, ExprType.Number) or (ValueKind.Text, ExprType.Text) or (ValueKind.Boolean, ExprType.Boolean) or (ValueKind.Date, ExprType.Date) => true,
        _ => false,
    };

    private static Value[] Subject(CompiledForm form, EvaluationContext context, Value[] values)
    {
        var subject = new Value[SubjectAttributes.Count];
        if (context.Subject is not { } info)
        {
            return subject;
        }

        if (info.BirthDate is { } birth)
        {
            subject[SubjectAttributes.BirthDate] = Value.Date(birth);
            var on = form.OccurredOn is { } occurred && values[occurred.Index].Kind == ValueKind.Date ? values[occurred.Index].AsDate : context.Today;
            subject[SubjectAttributes.Age] = Value.Number(Functions.Age(birth, on));
        }

        subject[SubjectAttributes.Sex] = Value.Text(info.Sex);
        return subject;
    }
}
