using Jiayi.Engine.Forms;
using Jiayi.Engine.Tests.Support;

namespace Jiayi.Engine.Tests.Forms;

/// <summary>
/// 产后访视记录表: the order of delivery, discharge and visit dates, the timely (1 week) and 产后访视率 (28 days)
/// outcomes and the suggested 42-day check, worked by hand from standard-forms.md §1.5 and §3.
/// </summary>
public class PostpartumVisitTests
{
    private const string Id = "postpartum-visit";

    private static readonly SubjectInfo Woman = new(new DateOnly(1995, 2, 8), "女");

    /// <summary>Delivered 2026-10-17, discharged 2026-10-20, visited 2026-10-24 (4 days after discharge).</summary>
    private static Dictionary<string, object?> Visit(string visitDate = "2026-10-24") => new()
    {
        ["visit_date"] = visitDate,
        ["delivery_date"] = "2026-10-17",
        ["discharge_date"] = "2026-10-20",
        ["class"] = 1,
        ["referral"] = 1,
        ["next_visit_date"] = "2026-11-28",
    };

    private static EvaluationResult Evaluate(Dictionary<string, object?> data, SubjectInfo? subject = null) =>
        ShippedForms.Evaluate(Id, data, ShippedForms.Context with { Subject = subject ?? Woman });

    [Fact]
    public void A_complete_visit_is_valid()
    {
        var result = Evaluate(Visit());
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal("4", result.Value("days_after_discharge").Text());
    }

    [Fact]
    public void Missing_required_answers_are_named()
    {
        var result = ShippedForms.Evaluate(Id, "{}");
        var paths = result.Errors.Where(e => e.Code == ErrorCodes.Required).Select(e => e.Path).Order();
        Assert.Equal(["/class", "/delivery_date", "/discharge_date", "/next_visit_date", "/referral", "/visit_date"], paths);
        Assert.Contains(result.Errors, e => e is { Path: "/discharge_date", Message: "请填写出院日期" });
    }

    // Discharged 2026-10-20. Days after discharge: 10-20 → 0; 10-27 → 7; 10-28 → 8; 11-17 → 11 + 17 = 28; 11-18 → 29.
    [Theory]
    [InlineData("2026-10-20", "0", "是", "是")]
    [InlineData("2026-10-27", "7", "是", "是")]
    [InlineData("2026-10-28", "8", "否", "是")]
    [InlineData("2026-11-17", "28", "否", "是")]
    [InlineData("2026-11-18", "29", "否", "否")]
    public void Timeliness_counts_days_after_discharge(string visitDate, string days, string timely, string within28)
    {
        var result = Evaluate(Visit(visitDate));
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal((days, timely, within28),
            (result.Value("days_after_discharge").Text(), result.Outcome("timely").Text(), result.Outcome("within_28_days").Text()));
    }

    // Across February: discharged 2024-02-25 (leap year), visited 2024-03-04: 4 (to 29 Feb) + 4 = 8 days → not timely;
    // the same dates in 2026: 3 (to 28 Feb) + 4 = 7 days → timely. 2026-01-28 → 2026-02-04: 3 + 4 = 7 → timely.
    [Theory]
    [InlineData("2024-02-25", "2024-03-04", "8", "否")]
    [InlineData("2026-02-25", "2026-03-04", "7", "是")]
    [InlineData("2026-01-28", "2026-02-04", "7", "是")]
    public void Days_after_discharge_are_calendar_days(string discharge, string visit, string days, string timely)
    {
        var data = Visit(visit);
        data["delivery_date"] = discharge;
        data["discharge_date"] = discharge;
        var result = Evaluate(data);
        Assert.Equal((days, timely), (result.Value("days_after_discharge").Text(), result.Outcome("timely").Text()));
    }

    [Fact]
    public void Timeliness_is_not_judged_without_the_discharge_date()
    {
        var data = Visit();
        data.Remove("discharge_date");
        var result = Evaluate(data);
        Assert.Equal(("(null)", "(null)", "(null)"),
            (result.Value("days_after_discharge").Text(), result.Outcome("timely").Text(), result.Outcome("within_28_days").Text()));
    }

    [Fact]
    public void Delivery_discharge_and_visit_may_fall_on_one_day()
    {
        var data = Visit("2026-10-17");
        data["discharge_date"] = "2026-10-17";
        Assert.True(Evaluate(data).IsValid);
    }

    [Fact]
    public void The_discharge_cannot_precede_the_delivery()
    {
        var data = Visit();
        data["discharge_date"] = "2026-10-16";
        var error = Assert.Single(Evaluate(data).Errors);
        Assert.Equal(("/discharge_date", "rule:discharge_not_before_delivery", "出院日期不能早于分娩日期"), (error.Path, error.Code, error.Message));
    }

    [Fact]
    public void The_visit_cannot_precede_the_discharge()
    {
        var error = Assert.Single(Evaluate(Visit("2026-10-19")).Errors);
        Assert.Equal(("/visit_date", "rule:visit_not_before_discharge", "随访日期不能早于出院日期"), (error.Path, error.Code, error.Message));
    }

    [Fact]
    public void A_visit_date_in_the_future_is_refused()
    {
        var data = Visit("2026-11-26");
        data["next_visit_date"] = "2026-11-28";
        var error = Assert.Single(Evaluate(data).Errors);
        Assert.Equal(("/visit_date", "rule:visit_date_not_future"), (error.Path, error.Code));
    }

    [Fact]
    public void The_next_visit_follows_the_visit()
    {
        var data = Visit();
        data["next_visit_date"] = "2026-10-24";
        var error = Assert.Single(Evaluate(data).Errors);
        Assert.Equal(("/next_visit_date", "rule:next_visit_after_visit", "下次随访日期应晚于随访日期"), (error.Path, error.Code, error.Message));
    }

    // The 42-day check is suggested 42 days after delivery:
    // 2026-10-17 → 14 (to 31 Oct) + 28 = 2026-11-28.
    // 2024-01-20 (leap year) → 11 (to 31 Jan) + 29 (Feb) + 2 = 2024-03-02; 2026-01-20 → 11 + 28 + 3 = 2026-03-03.
    [Theory]
    [InlineData("2026-10-17", "2026-10-24", "2026-11-28")]
    [InlineData("2024-01-20", "2024-01-26", "2024-03-02")]
    [InlineData("2026-01-20", "2026-01-26", "2026-03-03")]
    public void The_42_day_check_is_suggested_as_the_next_visit(string delivery, string visit, string expected)
    {
        var data = Visit(visit);
        data["delivery_date"] = delivery;
        data["discharge_date"] = delivery;
        data.Remove("next_visit_date");
        var result = Evaluate(data);
        Assert.Equal(expected, result.Outcome("next_visit_date").Text());
        Assert.Contains(result.Suggestions, s => s.Field.Key == "next_visit_date" && s.Value.Text() == expected);
    }

    [Theory]
    [InlineData("2026-11-28")] // day 42 itself
    [InlineData("2026-11-30")]
    public void No_next_visit_is_suggested_on_or_after_day_42(string visit)
    {
        var data = Visit(visit);
        var result = ShippedForms.Evaluate(Id, data, new EvaluationContext(new DateOnly(2026, 12, 31)) { Subject = Woman });
        Assert.True(result.Outcome("next_visit_date").IsNull);
    }

    [Theory]
    [InlineData("breast", "breast_abnormal")]
    [InlineData("lochia", "lochia_abnormal")]
    [InlineData("uterus", "uterus_abnormal")]
    [InlineData("wound", "wound_abnormal")]
    [InlineData("class", "class_abnormal")]
    public void An_abnormal_finding_asks_for_the_detail(string key, string detail)
    {
        var data = Visit();
        data[key] = 2;
        var error = Assert.Single(Evaluate(data).Errors);
        Assert.Equal(("/" + detail, ErrorCodes.Required), (error.Path, error.Code));

        data[key] = 1;
        data[detail] = "多余";
        var result = Evaluate(data);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.False(result.IsVisible(result.Form.Field(detail)));
        Assert.DoesNotContain(detail, result.DataJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Other_guidance_is_asked_when_other_is_ticked()
    {
        var data = Visit();
        data["guidance"] = new[] { 4, 6 };
        var error = Assert.Single(Evaluate(data).Errors);
        Assert.Equal(("/guidance_other", ErrorCodes.Required), (error.Path, error.Code));

        data["guidance"] = new[] { 1, 2, 3, 4, 5 };
        Assert.True(Evaluate(data).IsValid);
    }

    [Fact]
    public void A_referral_asks_for_the_reason_and_the_facility()
    {
        var data = Visit();
        data["referral"] = 2;
        Assert.Equal(["/referral_org_dept", "/referral_reason"], Evaluate(data).Errors.Select(e => e.Path).Order());
    }

    [Fact]
    public void The_temperature_is_range_checked()
    {
        var data = Visit();
        data["temperature"] = 43.5m;
        var error = Assert.Single(Evaluate(data).Errors);
        Assert.Equal(("/temperature", ErrorCodes.Maximum, "体温不能大于 43 ℃"), (error.Path, error.Code, error.Message));
    }

    [Fact]
    public void The_record_is_for_a_woman()
    {
        var error = Assert.Single(Evaluate(Visit(), new SubjectInfo(new DateOnly(1990, 6, 1), "男")).Errors);
        Assert.Equal(("/visit_date", "rule:subject_is_female"), (error.Path, error.Code));
    }
}
