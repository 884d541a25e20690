using System.Collections.Immutable;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms;

namespace Jiayi.Engine.Programmes;

public sealed record EnrolmentField(AttributeDefinition Definition, ExprType Type, int Index)
{
    public string Key => Definition.Key;
}

/// <summary>Years, months, weeks, days added in that order; null when a part is unknown or out of range.</summary>
public sealed record CompiledOffset(
    CompiledExpression<PlanScope>? Years, CompiledExpression<PlanScope>? Months, CompiledExpression<PlanScope>? Weeks, CompiledExpression<PlanScope>? Days)
{
    public DateOnly? AddTo(DateOnly date, PlanScope scope)
    {
        if (Whole(Years, scope) is not { } years || Whole(Months, scope) is not { } months || Whole(Weeks, scope) is not { } weeks || Whole(Days, scope) is not { } days)
        {
            return null;
        }

        try
        {
            return date.AddYears(years).AddMonths(months).AddDays((weeks * 7) + days);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static int? Whole(CompiledExpression<PlanScope>? part, PlanScope scope)
    {
        if (part is null)
        {
            return 0;
        }

        var value = part.Evaluate(scope);
        return value.IsNull || Math.Abs(value.AsNumber) > 100_000 ? null : (int)Math.Round(value.AsNumber, MidpointRounding.AwayFromZero);
    }
}

public sealed record CompiledNext(string Label, CompiledExpression<PlanScope>? When, CompiledOffset? Offset, string? Field);

public sealed record CompiledRepeat(CompiledOffset? First, ImmutableArray<CompiledNext> Next, CompiledExpression<PlanScope>? StopWhen, ImmutableArray<string> Follows);

public sealed record CompiledPoint(string Key, string Label, string Form, CompiledOffset At, (int Before, int After) Window, CompiledExpression<PlanScope>? Match);

public sealed record CompiledPeriodic(string Period, int Times);

public sealed record CompiledService(
    ServiceDefinition Definition, CompiledExpression<PlanScope>? Anchor, (int Before, int After) Window,
    CompiledRepeat? Repeat, ImmutableArray<CompiledPoint> Points, CompiledPeriodic? Periodic)
{
    public string Key => Definition.Key;

    public string Label => Definition.Label;

    public string Form => Definition.Form;
}

/// <summary>Everything a plan is computed from: who, the enrolment, their records of the plan's forms, and the date that counts as today.</summary>
public sealed record PlanInput(PlanSubject Subject, PlanEnrolment Enrolment, IReadOnlyList<PlanRecord> Records, DateOnly Today)
{
    /// <summary>Parameter values by key that replace the definition's (a province's system parameters).</summary>
    public IReadOnlyDictionary<string, Value>? ParameterOverrides { get; init; }
}

/// <summary>One service of a plan at one date: done (with its record), or still to do and how urgent.</summary>
public sealed record DueItem
{
    public required string Programme { get; init; }

    public required string Service { get; init; }

    public required string ServiceLabel { get; init; }

    /// <summary>The point of a points service (e.g. m3), else null.</summary>
    public string? Point { get; init; }

    /// <summary>What to show: the point's label, or the service's.</summary>
    public required string Label { get; init; }

    public required string FormId { get; init; }

    public required DateOnly DueOn { get; init; }

    /// <summary>From this day the service is due (应随访).</summary>
    public required DateOnly OpenFrom { get; init; }

    /// <summary>After this day it is overdue (逾期).</summary>
    public required DateOnly OverdueAfter { get; init; }

    /// <summary>See <see cref="DueStatus"/>.</summary>
    public required string Status { get; init; }

    /// <summary>Why this date: the rule that set it (e.g. 控制不满意：2 周内随访).</summary>
    public string? Reason { get; init; }

    public Guid? RecordId { get; init; }

    public DateOnly? DoneOn { get; init; }
}

public static class DueStatus
{
    public const string Upcoming = "upcoming";
    public const string Due = "due";
    public const string Overdue = "overdue";
    public const string Done = "done";

    public static readonly IReadOnlyList<string> All = [Due, Overdue, Upcoming, Done];

    public static string Label(string status) => status switch
    {
        Upcoming => "未到期",
        Due => "应随访",
        Overdue => "逾期",
        Done => "已完成",
        _ => status,
    };

    /// <summary>The status of something not done: upcoming before it opens, due while open, overdue after.</summary>
    public static string Of(DateOnly today, DateOnly openFrom, DateOnly overdueAfter) =>
        today > overdueAfter ? Overdue : today >= openFrom ? Due : Upcoming;
}

/// <summary>
/// A compiled programme: its enrolment rule and its follow-up plan. <see cref="Plan"/> turns one enrolment and
/// the resident's records into the services done and due — pure, deterministic, with today passed in.
/// </summary>
public sealed class CompiledProgramme
{
    private static readonly IReadOnlyList<string> DefaultStopReasons = ["死亡", "迁出", "失访", "其他"];
    private readonly int _enrolmentSlots;
    private readonly CompiledExpression<PlanScope>? _minAge;
    private readonly CompiledExpression<PlanScope>? _maxAge;

    internal CompiledProgramme(
        ProgrammeDefinition definition, int version, ImmutableArray<ParameterModel> parameters, ImmutableArray<EnrolmentField> attributes,
        int enrolmentSlots, CompiledExpression<PlanScope>? minAge, CompiledExpression<PlanScope>? maxAge,
        ImmutableArray<CompiledService> services, ImmutableArray<string> enrolOn, ImmutableSortedSet<string> forms)
    {
        Definition = definition;
        Version = version;
        Parameters = parameters;
        Attributes = attributes;
        _enrolmentSlots = enrolmentSlots;
        _minAge = minAge;
        _maxAge = maxAge;
        Services = services;
        EnrolOn = enrolOn;
        Forms = forms;
    }

    public ProgrammeDefinition Definition { get; }

    public string Id => Definition.Id;

    public string Title => Definition.Title;

    public int Version { get; }

    public ImmutableArray<ParameterModel> Parameters { get; }

    public ImmutableArray<EnrolmentField> Attributes { get; }

    public ImmutableArray<CompiledService> Services { get; }

    /// <summary>Forms whose first record enrols the resident.</summary>
    public ImmutableArray<string> EnrolOn { get; }

    /// <summary>Every form the plan reads (services, points, follows, attribute sources, enrolOn).</summary>
    public ImmutableSortedSet<string> Forms { get; }

    public bool ByAge => Definition.Enrolment.Mode == EnrolmentModes.Age;

    public IReadOnlyList<string> StopReasons => Definition.Enrolment.StopReasons ?? DefaultStopReasons;

    /// <summary>
    /// For an age programme, the days a person born on <paramref name="birthDate"/> belongs to it: from the
    /// minAge birthday, until (exclusive) the birthday after maxAge; null for manual programmes.
    /// </summary>
    public (DateOnly From, DateOnly? Until)? AgeRange(DateOnly birthDate, IReadOnlyDictionary<string, Value>? overrides = null)
    {
        if (!ByAge)
        {
            return null;
        }

        var scope = Scope(new PlanSubject(birthDate, null), new PlanEnrolment(birthDate, null), birthDate, overrides, []);
        var from = _minAge is null ? birthDate : AddYears(birthDate, _minAge.Evaluate(scope));
        DateOnly? until = _maxAge is null ? null : AddYears(birthDate, _maxAge.Evaluate(scope), 1);
        return (from ?? birthDate, until);
    }

    /// <summary>The enrolment's attributes: typed values, those with a source taken from the latest record that has one.</summary>
    public IReadOnlyDictionary<string, Value> ResolveAttributes(PlanEnrolment enrolment, IReadOnlyList<PlanRecord> records)
    {
        ArgumentNullException.ThrowIfNull(enrolment);
        ArgumentNullException.ThrowIfNull(records);
        var values = new Dictionary<string, Value>(StringComparer.Ordinal);
        foreach (var attribute in Attributes)
        {
            var value = enrolment.Attributes?.GetValueOrDefault(attribute.Key) ?? Value.Null;
            if (attribute.Definition.From is { } from)
            {
                var latest = records.Where(r => r.FormId == from.Form && r.Date >= enrolment.Start)
                    .OrderByDescending(r => r.Date).ThenByDescending(r => r.Id)
                    .Select(r => r.Field(from.Field)).FirstOrDefault(v => !v.IsNull);
                if (!latest.IsNull)
                {
                    value = latest;
                }
            }

            values[attribute.Key] = value;
        }

        return values;
    }

    /// <summary>Every service of the plan for one enrolment: the done ones with their records, and what is still to do.</summary>
    public IReadOnlyList<DueItem> Plan(PlanInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var records = input.Records.Where(r => r.Date >= input.Enrolment.Start && (input.Enrolment.Stop is not { } stop || r.Date <= stop))
            .OrderBy(r => r.Date).ThenBy(r => r.Id).ToList();
        var scope = Scope(input.Subject, input.Enrolment, input.Today, input.ParameterOverrides, records);
        var items = new List<DueItem>();
        foreach (var service in Services)
        {
            var anchor = service.Anchor is null ? input.Enrolment.Start : service.Anchor.Evaluate(scope) is { IsNull: false } a ? a.AsDate : (DateOnly?)null;
            if (anchor is not { } from)
            {
                continue;
            }

            if (service.Repeat is { } repeat)
            {
                Repeat(service, repeat, from, scope, records, input, items);
            }
            else if (service.Periodic is { } periodic)
            {
                Periodic(service, periodic, from, records, input, items);
            }
            else
            {
                Points(service, from, scope, records, input, items);
            }
        }

        return [.. items.OrderBy(i => i.DueOn).ThenBy(i => i.Service, StringComparer.Ordinal)];
    }

    private void Repeat(CompiledService service, CompiledRepeat repeat, DateOnly anchor, PlanScope scope, List<PlanRecord> records, PlanInput input, List<DueItem> items)
    {
        var chain = records.Where(r => r.FormId == service.Form || repeat.Follows.Contains(r.FormId)).ToList();
        DateOnly? due = repeat.First is null ? anchor : repeat.First.AddTo(anchor, scope);
        var reason = "入组后首次";
        foreach (var record in chain)
        {
            if (record.FormId == service.Form && due is { } answered)
            {
                items.Add(Item(service, null, service.Label, service.Form, answered, service.Window) with
                {
                    Status = DueStatus.Done, RecordId = record.Id, DoneOn = record.Date, Reason = reason,
                });
            }

            var recordScope = scope.With(record);
            if (repeat.StopWhen is { } stop && stop.Evaluate(recordScope).IsTrue)
            {
                due = null;
                reason = "已停止";
                continue;
            }

            (due, reason) = Next(repeat, record, recordScope);
        }

        if (due is { } open && (input.Enrolment.Stop is not { } end || open <= end))
        {
            var item = Item(service, null, service.Label, service.Form, open, service.Window);
            items.Add(item with { Status = DueStatus.Of(input.Today, item.OpenFrom, item.OverdueAfter), Reason = reason });
        }
    }

    private static (DateOnly? Due, string Reason) Next(CompiledRepeat repeat, PlanRecord record, PlanScope scope)
    {
        foreach (var next in repeat.Next)
        {
            if (next.When is not null && !next.When.Evaluate(scope).IsTrue)
            {
                continue;
            }

            if (next.Field is { } field)
            {
                if (record.Field(field) is { IsNull: false } date && date.Kind == ValueKind.Date)
                {
                    return (date.AsDate, next.Label);
                }

                continue;
            }

            if (next.Offset!.AddTo(record.Date, scope) is { } due)
            {
                return (due, next.Label);
            }
        }

        return (null, "无法排期");
    }

    private void Points(CompiledService service, DateOnly anchor, PlanScope scope, List<PlanRecord> records, PlanInput input, List<DueItem> items)
    {
        var used = new HashSet<Guid>();
        foreach (var point in service.Points)
        {
            if (point.At.AddTo(anchor, scope) is not { } at)
            {
                continue;
            }

            var item = Item(service, point.Key, point.Label, point.Form, at, point.Window);
            if (item.OverdueAfter < input.Enrolment.Start || (input.Enrolment.Stop is { } stop && item.OpenFrom > stop))
            {
                continue;
            }

            var record = records.FirstOrDefault(r => r.FormId == point.Form && !used.Contains(r.Id) && (point.Match is { } match
                ? match.Evaluate(scope.With(r)).IsTrue
                : r.Date >= item.OpenFrom && r.Date <= item.OverdueAfter));
            if (record is not null)
            {
                used.Add(record.Id);
                items.Add(item with { Status = DueStatus.Done, RecordId = record.Id, DoneOn = record.Date });
            }
            else
            {
                items.Add(item with { Status = DueStatus.Of(input.Today, item.OpenFrom, item.OverdueAfter) });
            }
        }
    }

    private void Periodic(CompiledService service, CompiledPeriodic periodic, DateOnly anchor, List<PlanRecord> records, PlanInput input, List<DueItem> items)
    {
        var first = anchor > input.Enrolment.Start ? anchor : input.Enrolment.Start;
        var last = input.Enrolment.Stop is { } stop && stop < input.Today ? stop : input.Today;
        for (var (start, end) = Period(first, periodic.Period); start <= last; (start, end) = Period(end.AddDays(1), periodic.Period))
        {
            var open = start < first ? first : start;
            var done = records.Where(r => r.FormId == service.Form && r.Date >= start && r.Date <= end).ToList();
            var item = Item(service, null, service.Label, service.Form, end, (0, 0)) with { OpenFrom = open, OverdueAfter = end };
            items.Add(done.Count >= periodic.Times
                ? item with { Status = DueStatus.Done, RecordId = done[periodic.Times - 1].Id, DoneOn = done[periodic.Times - 1].Date }
                : item with { Status = DueStatus.Of(input.Today, open, end), Reason = periodic.Times > 1 ? $"本期已完成 {done.Count}/{periodic.Times} 次" : null });
        }
    }

    private static (DateOnly Start, DateOnly End) Period(DateOnly day, string period)
    {
        var start = period switch
        {
            "year" => new DateOnly(day.Year, 1, 1),
            "quarter" => new DateOnly(day.Year, (((day.Month - 1) / 3) * 3) + 1, 1),
            _ => new DateOnly(day.Year, day.Month, 1),
        };
        var end = period switch
        {
            "year" => start.AddYears(1),
            "quarter" => start.AddMonths(3),
            _ => start.AddMonths(1),
        };
        return (start, end.AddDays(-1));
    }

    private DueItem Item(CompiledService service, string? point, string label, string form, DateOnly due, (int Before, int After) window) => new()
    {
        Programme = Id,
        Service = service.Key,
        ServiceLabel = service.Label,
        Point = point,
        Label = label,
        FormId = form,
        DueOn = due,
        OpenFrom = due.AddDays(-window.Before),
        OverdueAfter = due.AddDays(window.After),
        Status = DueStatus.Upcoming,
    };

    private PlanScope Scope(PlanSubject subject, PlanEnrolment enrolment, DateOnly today, IReadOnlyDictionary<string, Value>? overrides, IReadOnlyList<PlanRecord> records)
    {
        var parameters = new Value[Parameters.Length];
        foreach (var p in Parameters)
        {
            parameters[p.Index] = overrides is not null && overrides.TryGetValue(p.Key, out var value) ? value : p.Value;
        }

        var slots = new Value[_enrolmentSlots];
        slots[0] = Value.Date(enrolment.Start);
        slots[1] = enrolment.Stop is { } stop ? Value.Date(stop) : Value.Null;
        var attributes = ResolveAttributes(enrolment, records);
        foreach (var attribute in Attributes)
        {
            slots[attribute.Index] = attributes[attribute.Key];
        }

        return new PlanScope
        {
            Today = today,
            Subject = [Value.Date(subject.BirthDate), Value.Text(subject.Sex), Value.Number(AgeOn(subject.BirthDate, today))],
            Enrolment = slots,
            Parameters = parameters,
        };
    }

    /// <summary>Whole years of age on a day (a 29 February birthday counts on 28 February in common years).</summary>
    public static int AgeOn(DateOnly birthDate, DateOnly day)
    {
        var years = day.Year - birthDate.Year;
        return day < birthDate.AddYears(years) ? years - 1 : years;
    }

    private static DateOnly? AddYears(DateOnly date, Value years, int extra = 0)
    {
        if (years.IsNull || years.AsNumber is < 0 or > 200)
        {
            return null;
        }

        return date.AddYears((int)Math.Round(years.AsNumber, MidpointRounding.AwayFromZero) + extra);
    }
}
