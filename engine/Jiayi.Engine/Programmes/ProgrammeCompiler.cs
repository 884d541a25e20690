using System.Collections.Immutable;
using System.Text.Json;
using Jiayi.Engine.Definitions;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms;

namespace Jiayi.Engine.Programmes;

/// <summary>
/// Checks a programme beyond its schema — the forms it names exist and are service-record forms, fields it
/// reads exist with the right type, keys are unique, each service has one way of scheduling, expressions
/// type-check — and compiles it. Every problem is reported with its JSON pointer; nothing half-checked is returned.
/// </summary>
public sealed class ProgrammeCompiler
{
    private readonly ProgrammeDefinition _definition;
    private readonly int _version;
    private readonly string _source;
    private readonly Func<string, CompiledForm?> _forms;
    private readonly List<DefinitionError> _errors = [];
    private readonly List<ParameterModel> _parameters = [];
    private readonly List<(string Key, string Label, ExprType Type)> _enrolment = [];
    private readonly List<EnrolmentField> _attributes = [];
    private readonly HashSet<string> _usedForms = new(StringComparer.Ordinal);

    private ProgrammeCompiler(ProgrammeDefinition definition, int version, string source, Func<string, CompiledForm?> forms)
    {
        _definition = definition;
        _version = version;
        _source = source;
        _forms = forms;
    }

    /// <param name="forms">The installed form of an id (its latest version), or null when there is none.</param>
    public static CompiledProgramme Compile(ProgrammeDefinition definition, int version, string source, Func<string, CompiledForm?> forms)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(forms);
        return new ProgrammeCompiler(definition, version, source, forms).Run();
    }

    private void Error(string pointer, string message) => _errors.Add(new DefinitionError(_source, pointer, message));

    private CompiledProgramme Run()
    {
        var d = _definition;
        BuildParameters();
        _enrolment.Add(("start", "入组日期", ExprType.Date));
        _enrolment.Add(("stop", "结案日期", ExprType.Date));
        BuildAttributes();

        var baseResolver = new PlanSymbolResolver(_enrolment, _parameters, []);
        var enrolment = d.Enrolment;
        CompiledExpression<PlanScope>? minAge = null, maxAge = null;
        if (enrolment.Mode == EnrolmentModes.Age)
        {
            if (enrolment.MinAge is null && enrolment.MaxAge is null)
            {
                Error("/enrolment", "按年龄入组（mode: age）须给出 minAge 或 maxAge");
            }

            minAge = enrolment.MinAge is { } min ? Number(min, baseResolver, "/enrolment/minAge") : null;
            maxAge = enrolment.MaxAge is { } max ? Number(max, baseResolver, "/enrolment/maxAge") : null;
        }
        else if (enrolment.MinAge is not null || enrolment.MaxAge is not null)
        {
            Error("/enrolment", "minAge、maxAge 只用于按年龄入组（mode: age）");
        }

        var enrolOn = enrolment.EnrolOn ?? [];
        for (var i = 0; i < enrolOn.Count; i++)
        {
            RecordForm(enrolOn[i], $"/enrolment/enrolOn/{i}");
        }

        var serviceKeys = new HashSet<string>(StringComparer.Ordinal);
        var services = ImmutableArray.CreateBuilder<CompiledService>();
        for (var i = 0; i < d.Services.Count; i++)
        {
            var pointer = $"/services/{i}";
            if (!serviceKeys.Add(d.Services[i].Key))
            {
                Error(pointer + "/key", $"服务代码“{d.Services[i].Key}”重复");
            }

            if (BuildService(d.Services[i], pointer, baseResolver) is { } service)
            {
                services.Add(service);
            }
        }

        if (_errors.Count > 0)
        {
            throw new DefinitionException(_errors);
        }

        return new CompiledProgramme(d, _version, [.. _parameters], [.. _attributes], _enrolment.Count, minAge, maxAge, services.ToImmutable(),
            [.. enrolOn], _usedForms.ToImmutableSortedSet(StringComparer.Ordinal));
    }

    private void BuildParameters() => _parameters.AddRange(FormCompilation.BuildParameters(_definition.Parameters, Error));

    private void BuildAttributes()
    {
        var attributes = _definition.Attributes ?? [];
        var keys = new HashSet<string>(StringComparer.Ordinal) { "start", "stop" };
        for (var i = 0; i < attributes.Count; i++)
        {
            var a = attributes[i];
            var pointer = $"/attributes/{i}";
            if (!keys.Add(a.Key))
            {
                Error(pointer + "/key", a.Key is "start" or "stop" ? $"属性代码“{a.Key}”为保留字（入组、结案日期）" : $"属性代码“{a.Key}”重复");
                continue;
            }

            var type = a.Type switch { "date" => ExprType.Date, "number" => ExprType.Number, _ => ExprType.Text };
            if (a.From is { } from && RecordForm(from.Form, pointer + "/from/form") is { } form)
            {
                if (form.FindField(from.Field) is not { } field)
                {
                    Error(pointer + "/from/field", $"表单“{form.Title}”没有字段“{from.Field}”");
                }
                else if (field.ExprType != type)
                {
                    Error(pointer + "/from/field", $"字段“{field.Label}”的类型与属性“{a.Label}”（{a.Type}）不符");
                }
            }

            _attributes.Add(new EnrolmentField(a, type, _enrolment.Count));
            _enrolment.Add((a.Key, a.Label, type));
        }
    }

    /// <summary>The form of an id, which must exist and be a service-record form; noted as one the plan reads.</summary>
    private CompiledForm? RecordForm(string id, string pointer)
    {
        var form = _forms(id);
        if (form is null)
        {
            Error(pointer, $"表单“{id}”不存在（见 definitions/forms）");
            return null;
        }

        if (!FormPurposes.IsRecord(form.Definition))
        {
            Error(pointer, $"表单“{form.Title}”是流程用表单，不是服务记录表单");
            return null;
        }

        _usedForms.Add(id);
        return form;
    }

    private CompiledService? BuildService(ServiceDefinition s, string pointer, PlanSymbolResolver baseResolver)
    {
        var kinds = (s.Repeat is null ? 0 : 1) + (s.Points is null ? 0 : 1) + (s.Periodic is null ? 0 : 1);
        if (kinds != 1)
        {
            Error(pointer, "每项服务应且只应有 repeat、points 或 periodic 之一");
            return null;
        }

        var form = RecordForm(s.Form, pointer + "/form");
        var anchor = s.Anchor is null ? null : Expression(s.Anchor, ExprType.Date, baseResolver, pointer + "/anchor");
        var window = Window(s.Window, pointer + "/window", (0, 0));
        CompiledRepeat? repeat = null;
        var points = ImmutableArray<CompiledPoint>.Empty;
        CompiledPeriodic? periodic = null;

        if (s.Repeat is { } r)
        {
            var chain = new List<CompiledForm>();
            if (form is not null)
            {
                chain.Add(form);
            }

            var follows = r.Follows ?? [];
            for (var i = 0; i < follows.Count; i++)
            {
                if (RecordForm(follows[i], $"{pointer}/repeat/follows/{i}") is { } f)
                {
                    chain.Add(f);
                }
            }

            var resolver = new PlanSymbolResolver(_enrolment, _parameters, chain);
            var next = ImmutableArray.CreateBuilder<CompiledNext>();
            for (var i = 0; i < r.Next.Count; i++)
            {
                var n = r.Next[i];
                var at = $"{pointer}/repeat/next/{i}";
                var hasOffset = n.Years is not null || n.Months is not null || n.Weeks is not null || n.Days is not null;
                if (hasOffset == (n.Field is not null))
                {
                    Error(at, "每个排期应给出时长（years/months/weeks/days）或日期字段（field）之一");
                    continue;
                }

                if (n.Field is { } key && !chain.Any(f => f.FindField(key) is { ExprType: ExprType.Date }))
                {
                    Error(at + "/field", $"表单中没有日期字段“{key}”");
                }

                next.Add(new CompiledNext(
                    n.Label,
                    n.When is null ? null : Expression(n.When, ExprType.Boolean, resolver, at + "/when"),
                    hasOffset ? Offset(new OffsetDefinition { Years = n.Years, Months = n.Months, Weeks = n.Weeks, Days = n.Days }, resolver, at) : null,
                    n.Field));
            }

            if (r.Next.Count > 0 && r.Next[^1].When is not null)
            {
                Error($"{pointer}/repeat/next/{r.Next.Count - 1}", "最后一个排期不应带条件（when），以保证总有下一次随访日期");
            }

            repeat = new CompiledRepeat(
                r.First is null ? null : Offset(r.First, baseResolver, pointer + "/repeat/first"),
                next.ToImmutable(),
                r.StopWhen is null ? null : Expression(r.StopWhen, ExprType.Boolean, resolver, pointer + "/repeat/stopWhen"),
                [.. follows]);
        }
        else if (s.Points is { } list)
        {
            var keys = new HashSet<string>(StringComparer.Ordinal);
            var builder = ImmutableArray.CreateBuilder<CompiledPoint>();
            for (var i = 0; i < list.Count; i++)
            {
                var p = list[i];
                var at = $"{pointer}/points/{i}";
                if (!keys.Add(p.Key))
                {
                    Error(at + "/key", $"时点代码“{p.Key}”重复");
                }

                var pointForm = p.Form is null ? form : RecordForm(p.Form, at + "/form");
                var resolver = new PlanSymbolResolver(_enrolment, _parameters, pointForm is null ? [] : [pointForm]);
                builder.Add(new CompiledPoint(
                    p.Key, p.Label, p.Form ?? s.Form,
                    Offset(p.At, baseResolver, at + "/at"),
                    Window(p.Window, at + "/window", window),
                    p.Match is null ? null : Expression(p.Match, ExprType.Boolean, resolver, at + "/match")));
            }

            points = builder.ToImmutable();
        }
        else if (s.Periodic is { } period)
        {
            periodic = new CompiledPeriodic(period.Period, period.Times ?? 1);
        }

        return new CompiledService(s, anchor, window, repeat, points, periodic);
    }

    private static (int Before, int After) Window(WindowDefinition? w, string pointer, (int Before, int After) fallback) =>
        w is null ? fallback : (w.Before ?? fallback.Before, w.After ?? fallback.After);

    private CompiledOffset Offset(OffsetDefinition o, PlanSymbolResolver resolver, string pointer) => new(
        o.Years is { } y ? Number(y, resolver, pointer + "/years") : null,
        o.Months is { } m ? Number(m, resolver, pointer + "/months") : null,
        o.Weeks is { } w ? Number(w, resolver, pointer + "/weeks") : null,
        o.Days is { } d ? Number(d, resolver, pointer + "/days") : null);

    private CompiledExpression<PlanScope>? Number(JsonElement value, PlanSymbolResolver resolver, string pointer) =>
        value.ValueKind == JsonValueKind.Number
            ? Expression(value.GetDecimal().ToString(System.Globalization.CultureInfo.InvariantCulture), ExprType.Number, resolver, pointer)
            : Expression(value.GetString()!, ExprType.Number, resolver, pointer);

    private CompiledExpression<PlanScope>? Expression(string source, ExprType type, PlanSymbolResolver resolver, string pointer)
    {
        try
        {
            return new ExpressionCompiler<PlanScope>(resolver).Compile(source, type);
        }
        catch (ExpressionException e)
        {
            Error(pointer, $"表达式“{source}”有误：{e.Located}");
            return null;
        }
    }
}
