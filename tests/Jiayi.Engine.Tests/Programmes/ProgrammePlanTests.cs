using Jiayi.Engine.Programmes;
using Jiayi.Engine.Tests.Support;
using static Jiayi.Engine.Tests.Support.ShippedProgrammes;

namespace Jiayi.Engine.Tests.Programmes;

/// <summary>Due dates of the shipped plans, worked by hand from the dates in each case.</summary>
public class ProgrammePlanTests
{
    public static TheoryData<string> Ids => [.. ShippedIds()];

    [Theory]
    [MemberData(nameof(Ids))]
    public void Every_shipped_programme_loads_compiles_and_round_trips(string id)
    {
        var programme = Load(id);
        Assert.Equal(id, programme.Id);
        var text = File.ReadAllText(FileOf(id));
        var canonical = ProgrammeLoader.ToCanonicalJson(ProgrammeLoader.Parse(text, id));
        var original = System.Text.Json.Nodes.JsonNode.Parse(text)!.AsObject();
        original.Remove("$schema");
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(original, System.Text.Json.Nodes.JsonNode.Parse(canonical)), canonical);
    }

    private static Dictionary<string, object> Hypertension(string date, int sbp, int dbp, int adverse = 1) => new()
    {
        ["visit_date"] = date,
        ["visit_method"] = 1,
        ["symptoms"] = new[] { 1 },
        ["sbp"] = sbp,
        ["dbp"] = dbp,
        ["adverse_reaction"] = adverse,
    };

    private static DueItem Open(IReadOnlyList<DueItem> plan, string service) => Assert.Single(plan, i => i.Service == service && i.Status != DueStatus.Done);

    [Theory]
    // enrolled 10 Jan, nothing recorded: first visit within 14 days → 24 Jan; "due" from 10 Jan (14 days before), overdue after 31 Jan (7 days after)
    [InlineData("2026-01-15", "2026-01-24", "due")]
    [InlineData("2026-01-31", "2026-01-24", "due")]
    [InlineData("2026-02-01", "2026-01-24", "overdue")]
    public void Hypertension_first_visit_is_due_within_14_days_of_enrolment(string today, string due, string status)
    {
        var item = Open(Load("hypertension").Plan(Input("1958-05-01", "2026-01-10", today)), "followup");
        Assert.Equal((D(due), status, "入组后首次"), (item.DueOn, item.Status, item.Reason));
    }

    [Theory]
    // controlled (128/80, age 67 → target 150/90): next routine visit 3 months after the visit
    [InlineData("2026-01-20", 128, 80, "2026-04-20", "控制满意：常规随访")]
    // 31 March + 3 months = 30 June (June has 30 days)
    [InlineData("2026-03-31", 128, 80, "2026-06-30", "控制满意：常规随访")]
    // uncontrolled (162/96): 14 days later
    [InlineData("2026-01-20", 162, 96, "2026-02-03", "控制不满意、不良反应或并发症：2 周内随访")]
    // elderly target: 148/88 is controlled at 67 (< 150/90)
    [InlineData("2026-11-20", 148, 88, "2027-02-20", "控制满意：常规随访")]
    public void Hypertension_next_visit_follows_the_last_record_and_its_outcome(string visit, int sbp, int dbp, string due, string reason)
    {
        var birth = D("1958-05-01");
        var record = Record("hypertension-followup", visit, Hypertension(visit, sbp, dbp), birth);
        var plan = Load("hypertension").Plan(Input("1958-05-01", "2026-01-10", "2026-11-25", record));

        var done = Assert.Single(plan, i => i.Service == "followup" && i.Status == DueStatus.Done);
        Assert.Equal((record.Id, D(visit), D("2026-01-24")), (done.RecordId, done.DoneOn!.Value, done.DueOn));
        var open = Open(plan, "followup");
        Assert.Equal((D(due), reason), (open.DueOn, open.Reason));
    }

    [Fact]
    public void A_chosen_class_outranks_the_suggested_one_and_only_the_last_record_sets_the_date()
    {
        var birth = D("1970-05-01");
        var first = Record("hypertension-followup", "2026-06-01", Hypertension("2026-06-01", 165, 100), birth);
        var data = Hypertension("2026-06-12", 132, 82);
        data["visit_class"] = 4; // 并发症 chosen by the doctor although the pressure is controlled
        var second = Record("hypertension-followup", "2026-06-12", data, birth);

        var plan = Load("hypertension").Plan(Input("1970-05-01", "2026-05-20", "2026-06-13", second, first));

        Assert.Equal([D("2026-06-03"), D("2026-06-15")], plan.Where(i => i.Service == "followup" && i.Status == DueStatus.Done).Select(i => i.DueOn));
        Assert.Equal(D("2026-06-26"), Open(plan, "followup").DueOn);
    }

    [Fact]
    public void Records_before_enrolment_or_after_it_stopped_do_not_count_and_nothing_is_due_after_the_stop()
    {
        var birth = D("1958-05-01");
        var before = Record("hypertension-followup", "2025-12-01", Hypertension("2025-12-01", 128, 80), birth);
        var input = Input("1958-05-01", "2026-01-10", "2026-11-25", before) with { Enrolment = new PlanEnrolment(D("2026-01-10"), D("2026-01-20")) };
        var plan = Load("hypertension").Plan(input);
        Assert.DoesNotContain(plan, i => i.Status == DueStatus.Done);
        Assert.DoesNotContain(plan, i => i.Service == "followup" && i.DueOn > D("2026-01-20"));
    }

    [Fact]
    public void Parameter_overrides_change_the_intervals()
    {
        var birth = D("1958-05-01");
        var record = Record("hypertension-followup", "2026-01-20", Hypertension("2026-01-20", 162, 96), birth);
        var input = Input("1958-05-01", "2026-01-10", "2026-11-25", record) with
        {
            ParameterOverrides = new Dictionary<string, Jiayi.Engine.Expressions.Value> { ["recheck_days"] = Jiayi.Engine.Expressions.Value.Number(10) },
        };
        Assert.Equal(D("2026-01-30"), Open(Load("hypertension").Plan(input), "followup").DueOn);
    }

    [Theory]
    // born 1 March 1961: 65 on 1 March 2026
    [InlineData("elderly", "1961-03-01", "2026-03-01", null)]
    // born 29 Feb 1960: 65 in a common year → 28 Feb 2025
    [InlineData("elderly", "1960-02-29", "2025-02-28", null)]
    // children 0–6: from birth until the 7th birthday; 29 Feb 2020 + 7 years = 28 Feb 2027
    [InlineData("children", "2020-02-29", "2020-02-29", "2027-02-28")]
    [InlineData("children", "2025-08-15", "2025-08-15", "2032-08-15")]
    public void Age_programmes_enrol_from_a_birthday_to_a_birthday(string id, string birth, string from, string? until)
    {
        var range = Load(id).AgeRange(D(birth))!.Value;
        Assert.Equal((D(from), until is null ? (DateOnly?)null : D(until)), (range.From, range.Until));
    }

    [Fact]
    public void Manual_programmes_have_no_age_range()
    {
        Assert.Null(Load("hypertension").AgeRange(D("1950-01-01")));
    }

    [Theory]
    // nothing done in 2026: due until 31 Dec, overdue from 1 Jan
    [InlineData("2026-11-25", null, "due")]
    [InlineData("2026-11-25", "2026-06-01", "done")]
    public void Elderly_services_are_due_once_every_calendar_year(string today, string? examDate, string status)
    {
        var records = examDate is null ? [] : new[] { Record("elderly-self-care", examDate, new Dictionary<string, object> { ["eating"] = 0 }) };
        var plan = Load("elderly").Plan(Input("1958-05-01", "2023-05-01", today, records));

        var thisYear = Assert.Single(plan, i => i.Service == "self_care" && i.DueOn == D("2026-12-31"));
        Assert.Equal((status, D("2026-01-01")), (thisYear.Status, thisYear.OpenFrom));
        // 2023 counts from the enrolment day; 2023–2025 were missed
        Assert.Equal(["2023-05-01", "2024-01-01", "2025-01-01"], plan.Where(i => i.Service == "self_care" && i.Status == DueStatus.Overdue).Select(i => i.OpenFrom.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    // born 31 Jan 2024 (leap year): 1 month = 29 Feb 2024
    [InlineData("2024-01-31", "m1", "2024-02-29")]
    // born 31 Jan 2023: 1 month = 28 Feb 2023
    [InlineData("2023-01-31", "m1", "2023-02-28")]
    // 31 Aug 2025 + 6 months = 28 Feb 2026
    [InlineData("2025-08-31", "m6", "2026-02-28")]
    [InlineData("2025-08-31", "m18", "2027-02-28")]
    [InlineData("2024-02-29", "y3", "2027-02-28")]
    [InlineData("2024-02-29", "y4", "2028-02-29")]
    public void Child_checks_fall_on_month_ages_with_month_ends_clamped(string birth, string point, string due)
    {
        var plan = Load("children").Plan(Input(birth, birth, "2026-11-25"));
        Assert.Equal(D(due), Assert.Single(plan, i => i.Point == point).DueOn);
    }

    [Fact]
    public void A_child_check_is_matched_by_its_month_age_column_not_by_its_date()
    {
        // born 2026-03-10; the 6-month check (due 2026-09-10) was done late on 2026-11-02
        var late = Record("child-check-1-8m", "2026-11-02", new Dictionary<string, object> { ["visit_date"] = "2026-11-02", ["visit_month"] = 6 });
        var plan = Load("children").Plan(Input("2026-03-10", "2026-03-10", "2026-11-25", late));

        Assert.Equal((DueStatus.Done, (Guid?)late.Id), (Assert.Single(plan, i => i.Point == "m6").Status, Assert.Single(plan, i => i.Point == "m6").RecordId));
        Assert.Equal(DueStatus.Overdue, Assert.Single(plan, i => i.Point == "m3").Status);
        // 8 months = 10 Nov; due from 7 days before; still on time until 30 days after (10 Dec)
        Assert.Equal(DueStatus.Due, Assert.Single(plan, i => i.Point == "m8").Status);
        Assert.Equal(DueStatus.Upcoming, Assert.Single(plan, i => i.Point == "m12").Status);
        // newborn visit within 7 days of discharge; no discharge date → from birth: due 17 March, overdue long since
        Assert.Equal((D("2026-03-17"), DueStatus.Overdue), (Assert.Single(plan, i => i.Service == "newborn").DueOn, Assert.Single(plan, i => i.Service == "newborn").Status));
    }

    [Fact]
    public void The_newborn_visit_counts_from_the_discharge_date_on_the_enrolment()
    {
        var input = Input("2026-11-10", "2026-11-10", "2026-11-25") with
        {
            Enrolment = new PlanEnrolment(D("2026-11-10"), null, new Dictionary<string, Jiayi.Engine.Expressions.Value> { ["discharge_date"] = Jiayi.Engine.Expressions.Value.Date(D("2026-11-20")) }),
        };
        var item = Assert.Single(Load("children").Plan(input), i => i.Service == "newborn");
        Assert.Equal((D("2026-11-27"), DueStatus.Due), (item.DueOn, item.Status));
    }

    [Fact]
    public void Prenatal_visits_count_from_the_last_menstrual_period_of_the_first_exam()
    {
        // LMP 1 March 2026: 20 weeks = 140 days → 19 July; 24 weeks → 16 August; 36 weeks → 8 November; 40 weeks → 6 December
        var first = Record("prenatal-first", "2026-04-20", new Dictionary<string, object> { ["fill_date"] = "2026-04-20", ["lmp"] = "2026-03-01", ["gest_weeks"] = 7 });
        var second = Record("prenatal-followup", "2026-07-10", new Dictionary<string, object> { ["visit_date"] = "2026-07-10", ["visit_no"] = 2, ["gest_weeks"] = 18 });
        var plan = Load("maternal").Plan(Input("1995-06-01", "2026-04-20", "2026-11-25", first, second));

        Assert.Equal(DueStatus.Done, Assert.Single(plan, i => i.Service == "prenatal_first").Status);
        Assert.Equal(
            [("v2", "2026-07-19", DueStatus.Done), ("v3", "2026-08-16", DueStatus.Overdue), ("v4", "2026-11-08", DueStatus.Overdue), ("v5", "2026-12-06", DueStatus.Due)],
            plan.Where(i => i.Service == "prenatal_followup").Select(i => (i.Point!, i.DueOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), i.Status)));
        // no delivery recorded yet: nothing postpartum is planned
        Assert.DoesNotContain(plan, i => i.Service.StartsWith("postpartum", StringComparison.Ordinal));
    }

    [Fact]
    public void Tuberculosis_visits_follow_the_supervisor_and_the_treatment_phase_and_stop_with_the_treatment()
    {
        var programme = Load("tuberculosis");
        // notice on 1 October: first home visit within 3 days
        Assert.Equal(D("2026-10-04"), Assert.Single(programme.Plan(Input("1980-01-01", "2026-10-01", "2026-10-02")), i => i.Service == "first_visit").DueOn);

        var firstVisit = Record("tb-first-visit", "2026-10-03", new Dictionary<string, object> { ["visit_date"] = "2026-10-03", ["supervisor"] = 2 });
        var plan = programme.Plan(Input("1980-01-01", "2026-10-01", "2026-10-05", firstVisit));
        Assert.Equal(DueStatus.Done, Assert.Single(plan, i => i.Service == "first_visit").Status);
        Assert.Equal(D("2026-10-13"), Open(plan, "followup").DueOn); // family-supervised, intensive phase: 10 days

        var month3 = Record("tb-followup", "2026-12-20", new Dictionary<string, object> { ["visit_date"] = "2026-12-20", ["supervisor"] = 2, ["treatment_month"] = 3 });
        Assert.Equal(D("2027-01-20"), Open(programme.Plan(Input("1980-01-01", "2026-10-01", "2026-12-21", firstVisit, month3)), "followup").DueOn);

        var stopped = Record("tb-followup", "2027-04-01", new Dictionary<string, object> { ["visit_date"] = "2027-04-01", ["supervisor"] = 2, ["treatment_month"] = 6, ["stop_date"] = "2027-04-01", ["stop_reason"] = 1 });
        Assert.DoesNotContain(programme.Plan(Input("1980-01-01", "2026-10-01", "2027-04-02", firstVisit, month3, stopped)), i => i.Service == "followup" && i.Status != DueStatus.Done);
    }

    [Fact]
    public void Attributes_take_the_latest_record_value_over_the_typed_one()
    {
        var programme = Load("maternal");
        var typed = new PlanEnrolment(D("2026-04-20"), null, new Dictionary<string, Jiayi.Engine.Expressions.Value> { ["delivery_date"] = Jiayi.Engine.Expressions.Value.Date(D("2026-11-01")) });
        Assert.Equal("2026-11-01", programme.ResolveAttributes(typed, []).GetValueOrDefault("delivery_date").Text());

        var visit = Record("postpartum-visit", "2026-11-08", new Dictionary<string, object> { ["visit_date"] = "2026-11-08", ["delivery_date"] = "2026-10-31", ["discharge_date"] = "2026-11-03" });
        var attributes = programme.ResolveAttributes(typed, [visit]);
        Assert.Equal(("2026-10-31", "2026-11-03"), (attributes["delivery_date"].Text(), attributes["discharge_date"].Text()));
    }
}
