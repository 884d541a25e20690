using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text.Json;
using Jiayi.Engine.Definitions;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms.FieldTypes;

namespace Jiayi.Engine.Forms;

/// <summary>
/// Compiles a form definition version into an immutable <see cref="CompiledForm"/>: field models,
/// type-checked expressions, the evaluation order and the JSON Schema. Every problem is collected and
/// reported together with its JSON pointer; a definition with any problem yields nothing.
/// </summary>
public static class FormCompiler
{
    public static CompiledForm Compile(FormDefinition definition, int version, string source)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new FormCompilation(definition, version, source).Run();
    }
}

internal sealed partial class FormCompilation(FormDefinition definition, int version, string source)
{
    private static readonly FrozenSet<string> ReservedWords =
        new[] { "and", "or", "not", "in", "true", "false", "null" }.ToFrozenSet(StringComparer.Ordinal);

    private readonly List<DefinitionError> _errors = [];
    private readonly List<SectionModel> _sections = [];
    private readonly List<FieldModel> _fields = [];
    private readonly List<ParameterModel> _parameters = [];
    private readonly List<ScoreModel> _scores = [];
    private readonly List<OutcomeModel> _outcomes = [];
    private readonly List<RuleModel> _validations = [];

    private void Error(string pointer, string message) => _errors.Add(new DefinitionError(source, pointer, message));

    public CompiledForm Run()
    {
        BuildParameters();
        BuildSections();
        BuildScores();
        BuildOutcomes();
        if (_errors.Count > 0)
        {
            throw new DefinitionException(_errors);
        }

        var resolver = FormSymbolResolver.Create(_fields, _scores, _outcomes, _parameters);
        CompileFieldExpressions(resolver);
        CompileValidations(resolver);
        CompileScores(resolver);
        CompileOutcomes(resolver);
        CheckOccurredOn();
        if (_errors.Count > 0)
        {
            throw new DefinitionException(_errors);
        }

        var plan = EvaluationPlan.Build(_sections, _fields, _scores, _outcomes, Error);
        if (_errors.Count > 0 || plan is null)
        {
            throw new DefinitionException(_errors);
        }

        return new CompiledForm(
            definition,
            version,
            [.. _sections],
            [.. _fields],
            [.. _parameters],
            [.. _scores],
            [.. _outcomes],
            [.. _validations],
            plan);
    }

    private void BuildParameters() => _parameters.AddRange(BuildParameters(definition.Parameters, Error));

    /// <summary>
    /// The parameter models of a workflow's or programme's declared parameters (unique keys, values of their type);
    /// each problem goes to <paramref name="error"/> with its pointer.
    /// </summary>
    internal static List<ParameterModel> BuildParameters(IReadOnlyList<ParameterDefinition>? declared, Action<string, string> error)
    {
        var result = new List<ParameterModel>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var parameters = declared ?? [];
        for (var i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            if (!keys.Add(p.Key))
            {
                error($"/parameters/{i}/key", $"参数代码“{p.Key}”重复");
                continue;
            }

            var (type, value) = ParameterValue(p);
            if (value is null)
            {
                error($"/parameters/{i}/value", $"参数“{p.Label}”的值与类型 {p.Type} 不符");
                continue;
            }

            result.Add(new ParameterModel { Key = p.Key, Label = p.Label, Type = type, Value = value.Value, Index = result.Count, Definition = p });
        }

        return result;
    }

    /// <summary>Reads a parameter value of the declared type; null when the value does not fit the type.</summary>
    internal static (ExprType Type, Value? Value) ParameterValue(ParameterDefinition p) => p.Type switch
    {
        "number" => (ExprType.Number, p.Value.ValueKind == JsonValueKind.Number ? Value.Number(p.Value.GetDecimal()) : null),
        "text" => (ExprType.Text, p.Value.ValueKind == JsonValueKind.String ? Value.Text(p.Value.GetString()) : null),
        "boolean" => (ExprType.Boolean, p.Value.ValueKind is JsonValueKind.True or JsonValueKind.False ? Value.Boolean(p.Value.GetBoolean()) : null),
        "date" => (ExprType.Date, p.Value.ValueKind == JsonValueKind.String && JsonValues.TryParseDate(p.Value.GetString(), out var d) ? Value.Date(d) : null),
        _ => (ExprType.Null, null),
    };

    private void BuildSections()
    {
        var sectionKeys = new HashSet<string>(StringComparer.Ordinal);
        var fieldKeys = new HashSet<string>(StringComparer.Ordinal);
        for (var s = 0; s < definition.Sections.Count; s++)
        {
            var sectionDefinition = definition.Sections[s];
            var sectionPointer = $"/sections/{s}";
            if (!sectionKeys.Add(sectionDefinition.Key))
            {
                Error(sectionPointer + "/key", $"分节代码“{sectionDefinition.Key}”重复");
            }

            var section = new SectionModel { Key = sectionDefinition.Key, Title = sectionDefinition.Title, Index = s, Definition = sectionDefinition };
            var fields = ImmutableArray.CreateBuilder<FieldModel>();
            for (var f = 0; f < sectionDefinition.Fields.Count; f++)
            {
                var fieldDefinition = sectionDefinition.Fields[f];
                var pointer = $"{sectionPointer}/fields/{f}";
                if (!fieldKeys.Add(fieldDefinition.Key))
                {
                    Error(pointer + "/key", $"字段代码“{fieldDefinition.Key}”重复：同一表单中字段代码必须唯一");
                    continue;
                }

                var field = BuildField(fieldDefinition, pointer, _fields.Count, "/" + fieldDefinition.Key, section);
                if (field is not null)
                {
                    _fields.Add(field);
                    fields.Add(field);
                }
            }

            section.Fields = fields.ToImmutable();
            _sections.Add(section);
        }
    }

    private FieldModel? BuildField(FieldDefinition d, string pointer, int index, string path, SectionModel? section)
    {
        if (ReservedWords.Contains(d.Key))
        {
            Error(pointer + "/key", $"“{d.Key}”是表达式的保留字，不能用作字段代码");
        }

        if (!FieldType.Registry.TryGetValue(d.Type, out var type))
        {
            Error(pointer + "/type", $"未知的字段类型“{d.Type}”，可用：{string.Join("、", FieldType.Registry.Keys)}");
            return null;
        }

        if (d.Min is { } min && d.Max is { } max && min > max)
        {
            Error(pointer + "/min", $"最小值 {min} 大于最大值 {max}");
        }

        if (d.Decimals is not null && type is IntegerFieldType)
        {
            Error(pointer + "/decimals", "整数字段不能设置小数位数");
        }

        if (d.MinRows is { } minRows && d.MaxRows is { } maxRows && minRows > maxRows)
        {
            Error(pointer + "/minRows", $"最少行数 {minRows} 大于最多行数 {maxRows}");
        }

        var (options, codeType) = BuildOptions(d, type, pointer);
        var columns = ImmutableArray<FieldModel>.Empty;
        if (d.Columns is { } columnDefinitions)
        {
            var keys = new HashSet<string>(StringComparer.Ordinal);
            var built = ImmutableArray.CreateBuilder<FieldModel>();
            for (var c = 0; c < columnDefinitions.Count; c++)
            {
                var columnPointer = $"{pointer}/columns/{c}";
                if (!keys.Add(columnDefinitions[c].Key))
                {
                    Error(columnPointer + "/key", $"列代码“{columnDefinitions[c].Key}”重复");
                    continue;
                }

                if (BuildField(columnDefinitions[c], columnPointer, built.Count, "/" + columnDefinitions[c].Key, null) is { } column)
                {
                    built.Add(column);
                }
            }

            columns = built.ToImmutable();
        }

        return new FieldModel
        {
            Key = d.Key,
            Label = d.Label,
            Type = type,
            Index = index,
            Path = path,
            DefinitionPointer = pointer,
            Definition = d,
            Section = section,
            MaxLength = d.MaxLength ?? (d.Multiline ? TextFieldType.DefaultMultilineMaxLength : TextFieldType.DefaultMaxLength),
            Options = options,
            OptionsByCode = options.DistinctBy(o => o.Code).ToFrozenDictionary(o => o.Code),
            CodeType = codeType,
            Choice = options.IsEmpty ? null : new ChoiceInfo(options.DistinctBy(o => o.Code).Select(o => (o.Code, o.Label, o.Score))),
            Columns = columns,
            MaxRows = d.MaxRows ?? TableFieldType.DefaultMaxRows,
            SmallCodes = SmallCodes(options, codeType),
            IsCalculated = d.Calculate is not null,
            Kind = type.Kind,
            IntegerOnly = type is IntegerFieldType,
            WholeBounds = d.Min is { } low && d.Max is { } high && low == decimal.Truncate(low) && high == decimal.Truncate(high)
                && low >= int.MinValue && high <= int.MaxValue ? ((int)low, (int)high) : null,
            StructurallyRequired = d.Required && d.VisibleWhen is null && section?.Definition.VisibleWhen is null && d.Calculate is null,
        };
    }

    private static Value[]? SmallCodes(ImmutableArray<OptionModel> options, ExprType codeType)
    {
        const int limit = 128;
        if (options.IsEmpty || codeType != ExprType.Number
            || !options.All(o => o.Code.AsNumber is >= 0 and < limit && o.Code.AsNumber == decimal.Truncate(o.Code.AsNumber)))
        {
            return null;
        }

        var table = new Value[(int)options.Max(o => o.Code.AsNumber) + 1];
        foreach (var option in options)
        {
            table[(int)option.Code.AsNumber] = option.Code;
        }

        return table;
    }

    private (ImmutableArray<OptionModel> Options, ExprType CodeType) BuildOptions(FieldDefinition d, FieldType type, string pointer)
    {
        if (d.Options is not { } definitions)
        {
            return ([], ExprType.Null);
        }

        var options = ImmutableArray.CreateBuilder<OptionModel>();
        var codes = new HashSet<Value>();
        var labels = new HashSet<string>(StringComparer.Ordinal);
        var codeType = ExprType.Null;
        for (var i = 0; i < definitions.Count; i++)
        {
            var o = definitions[i];
            var optionPointer = $"{pointer}/options/{i}";
            var code = JsonValues.FromJson(o.Code);
            var thisType = code.Kind == ValueKind.Number ? ExprType.Number : ExprType.Text;
            if (codeType != ExprType.Null && thisType != codeType)
            {
                Error(optionPointer + "/code", "同一字段的选项代码须同为整数或同为文本");
            }

            codeType = codeType == ExprType.Null ? thisType : codeType;
            if (!codes.Add(code))
            {
                Error(optionPointer + "/code", $"选项代码 {code} 重复");
            }

            if (!labels.Add(o.Label))
            {
                Error(optionPointer + "/label", $"选项名称“{o.Label}”重复");
            }

            if (o.Exclusive && type is not MultiChoiceFieldType)
            {
                Error(optionPointer + "/exclusive", "只有多选字段的选项可以设置 exclusive");
            }

            options.Add(new OptionModel(code, o.Label, o.Score, o.Exclusive, o.Help));
        }

        if (definitions.Any(o => o.Score.HasValue) && definitions.Any(o => !o.Score.HasValue))
        {
            Error(pointer + "/options", "选项分值（score）须全部设置或全部不设置");
        }

        return (options.ToImmutable(), codeType);
    }

    private void BuildScores()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var scores = definition.Scores ?? [];
        for (var i = 0; i < scores.Count; i++)
        {
            var d = scores[i];
            var pointer = $"/scores/{i}";
            if (!keys.Add(d.Key))
            {
                Error(pointer + "/key", $"评分代码“{d.Key}”重复");
                continue;
            }

            var score = new ScoreModel { Key = d.Key, Label = d.Label, Index = _scores.Count, Definition = d };
            if (d.Items is { } items)
            {
                score.Items = BuildScoreItems(d, items, pointer);
            }

            _scores.Add(score);
        }
    }

    private ImmutableArray<(FieldModel, bool, decimal, decimal)> BuildScoreItems(ScoreDefinition d, IReadOnlyList<string> items, string pointer)
    {
        var built = ImmutableArray.CreateBuilder<(FieldModel, bool, decimal, decimal)>();
        var reversed = d.Reversed ?? [];
        for (var r = 0; r < reversed.Count; r++)
        {
            if (!items.Contains(reversed[r]))
            {
                Error($"{pointer}/reversed/{r}", $"反向计分的题目“{reversed[r]}”不在 items 中");
            }
        }

        for (var i = 0; i < items.Count; i++)
        {
            var field = _fields.Find(f => f.Key == items[i]);
            if (field is null)
            {
                Error($"{pointer}/items/{i}", $"未知的字段“{items[i]}”");
                continue;
            }

            var range = PointsRange(field);
            if (range is null)
            {
                Error($"{pointer}/items/{i}", $"“{field.Label}”不能计分：计分题须为数值代码或带分值的单选字段，或设置了 min/max 的数值字段");
                continue;
            }

            built.Add((field, reversed.Contains(field.Key), range.Value.Low, range.Value.High));
        }

        return built.ToImmutable();
    }

    /// <summary>The lowest and highest points a scored item can give (used to reverse-score it).</summary>
    private static (decimal Low, decimal High)? PointsRange(FieldModel field)
    {
        if (field.Type is ChoiceFieldType)
        {
            if (field.Options.All(o => o.Score.HasValue))
            {
                return (field.Options.Min(o => o.Score!.Value), field.Options.Max(o => o.Score!.Value));
            }

            if (field.CodeType == ExprType.Number)
            {
                return (field.Options.Min(o => o.Code.AsNumber), field.Options.Max(o => o.Code.AsNumber));
            }

            return null;
        }

        if (field.Type is NumberFieldType && field.Min is { } min && field.Max is { } max)
        {
            return (min, max);
        }

        return null;
    }

    private void CheckOccurredOn()
    {
        if (definition.OccurredOn is { } key && _fields.Find(f => f.Key == key) is not { Type: DateFieldType })
        {
            Error("/occurredOn", $"“{key}”不是本表单的日期字段");
        }
    }
}
