using Jiayi.Engine.Forms;
using Jiayi.Engine.Tests.Support;

namespace Jiayi.Engine.Tests.Forms;

/// <summary>
/// 第2~5次产前随访服务记录表: the usual gestational window of each visit, the guidance lists by visit,
/// the suggested next visit and the 督促-only record, worked by hand from standard-forms.md §1.5.
/// </summary>
public class PrenatalFollowupTests
{
    private const string Id = "prenatal-followup";

    private static readonly SubjectInfo Woman = new(new DateOnly(1993, 7, 21), "女");

    private static Dictionary<string, object?> Visit(int visitNo, int gestWeeks) => new()
    {
        ["visit_no"] = visitNo,
        ["visit_date"] = "2026-11-18",
        ["gest_weeks"] = gestWeeks,
        ["class"] = 1,
        ["referral"] = 1,
        ["next_visit_date"] = "2026-12-23",
    };

    private static EvaluationResult Evaluate(Dictionary<string, object?> data, SubjectInfo? subject = null) =>
        ShippedForms.Evaluate(Id, data, ShippedForms.Context with { Subject = subject ?? Woman });

    [Fact]
    public void A_complete_visit_is_valid()
    {
        var result = Evaluate(Visit(3, 23));
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Fact]
    public void Missing_required_answers_are_named()
    {
        var result = ShippedForms.Evaluate(Id, "{}");
        var paths = result.Errors.Where(e => e.Code == ErrorCodes.Required).Select(e => e.Path).Order();
        Assert.Equal(["/class", "/gest_weeks", "/referral", "/visit_date", "/visit_no"], paths);
        Assert.Contains(result.Errors, e => e is { Path: "/visit_no", Message: "请选择随访次数" });
    }

    [Fact]
    public void Visit_numbers_are_2_to_5()
    {
        var error = Assert.Single(Evaluate(Visit(1, 12)).Errors);
        Assert.Equal(("/visit_no", ErrorCodes.Enum), (error.Path, error.Code));
    }

    // Windows (whole weeks): 2nd 16–20, 3rd 21–24, 4th 28–36, 5th 37–40; both ends inclusive.
    [Theory]
    [InlineData(2, 15, "否")]
    [InlineData(2, 16, "是")]
    [InlineData(2, 20, "是")]
    [InlineData(2, 21, "否")]
    [InlineData(3, 20, "否")]
    [InlineData(3, 21, "是")]
    [InlineData(3, 24, "是")]
    [InlineData(3, 25, "否")]
    [InlineData(4, 27, "否")]
    [InlineData(4, 28, "是")]
    [InlineData(4, 36, "是")]
    [InlineData(4, 37, "否")]
    [InlineData(5, 36, "否")]
    [InlineData(5, 37, "是")]
    [InlineData(5, 40, "是")]
    [InlineData(5, 41, "否")]
    public void The_gestational_age_is_checked_against_the_visits_window(int visitNo, int weeks, string inWindow)
    {
        var data = Visit(visitNo, weeks);
        data["next_visit_date"] = "2027-01-20";
        var result = Evaluate(data);
        Assert.Equal(inWindow, result.Outcome("in_window").Text());
        Assert.True(result.IsValid, string.Join("; ", result.Errors)); // a visit outside its window is still recorded
    }

    [Fact]
    public void The_window_is_not_judged_without_the_gestational_age()
    {
        var data = Visit(3, 23);
        data.Remove("gest_weeks");
        Assert.Equal("(null)", Evaluate(data).Outcome("in_window").Text());
    }

    [Theory]
    [InlineData(2, "guidance_2")]
    [InlineData(3, "guidance_3")]
    [InlineData(4, "guidance_4_5")]
    [InlineData(5, "guidance_4_5")]
    public void Each_visit_shows_its_own_guidance_list(int visitNo, string shown)
    {
        var data = Visit(visitNo, 30);
        data["guidance_2"] = new[] { 1 };
        data["guidance_3"] = new[] { 1 };
        data["guidance_4_5"] = new[] { 1 };
        var result = Evaluate(data);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        foreach (var key in new[] { "guidance_2", "guidance_3", "guidance_4_5" })
        {
            Assert.Equal(key == shown, result.IsVisible(result.Form.Field(key)));
            Assert.Equal(key == shown, result.DataJson().Contains($"\"{key}\"", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("guidance_2", "1 生活方式、2 营养、3 心理、4 运动、5 其他")]
    [InlineData("guidance_3", "1 生活方式、2 营养、3 心理、4 运动、5 自我监护、6 母乳喂养、7 其他")]
    [InlineData("guidance_4_5", "1 生活方式、2 营养、3 心理、4 运动、5 自我监测、6 分娩准备、7 母乳喂养、8 其他")]
    public void The_guidance_codes_are_those_printed_for_the_visit(string key, string codes)
    {
        var field = ShippedForms.Load(Id).Field(key);
        Assert.Equal(codes, string.Join("、", field.Options.Select(o => $"{o.Code} {o.Label}")));
    }

    [Theory]
    [InlineData(2, "guidance_2", 5, true)]
    [InlineData(3, "guidance_3", 7, true)]
    [InlineData(3, "guidance_3", 5, false)] // 5 is 自我监护 at the 3rd visit
    [InlineData(4, "guidance_4_5", 8, true)]
    [InlineData(5, "guidance_4_5", 8, true)]
    [InlineData(5, "guidance_4_5", 7, false)] // 7 is 母乳喂养 at visits 4–5
    public void Other_guidance_is_asked_when_other_is_ticked(int visitNo, string key, int code, bool asked)
    {
        var data = Visit(visitNo, 30);
        data[key] = new[] { code };
        var result = Evaluate(data);
        Assert.Equal(asked, result.IsVisible(result.Form.Field("guidance_other")));
        if (asked)
        {
            var error = Assert.Single(result.Errors);
            Assert.Equal(("/guidance_other", ErrorCodes.Required, "请填写其他指导"), (error.Path, error.Code, error.Message));
        }
        else
        {
            Assert.True(result.IsValid, string.Join("; ", result.Errors));
        }
    }

    [Fact]
    public void A_code_of_another_visits_list_is_refused()
    {
        var data = Visit(2, 18);
        data["guidance_2"] = new[] { 6 }; // only 1–5 at the 2nd visit
        var error = Assert.Single(Evaluate(data).Errors);
        Assert.Equal(("/guidance_2/0", ErrorCodes.Enum), (error.Path, error.Code)); // the path names the offending item
    }

    // The next visit is suggested at the start of the next window, counted in whole weeks from this visit (2026-11-18):
    // 2nd at 18 weeks → 21: 3 weeks = 21 days → 2026-12-09.
    // 3rd at 23 weeks → 28: 5 weeks = 35 days → 2026-12-23 (12 to 30 Nov + 23).
    // 4th at 30 weeks → 37: 7 weeks = 49 days → 2027-01-06 (12 + 31 + 6).
    // 2nd at 20 weeks → 21: 7 days → 2026-11-25.
    [Theory]
    [InlineData(2, 18, "2026-12-09")]
    [InlineData(3, 23, "2026-12-23")]
    [InlineData(4, 30, "2027-01-06")]
    [InlineData(2, 20, "2026-11-25")]
    public void The_next_visit_is_suggested_at_the_start_of_the_next_window(int visitNo, int weeks, string expected)
    {
        var data = Visit(visitNo, weeks);
        data.Remove("next_visit_date");
        var result = Evaluate(data);
        Assert.Equal(expected, result.Outcome("next_visit_date").Text());
        Assert.Contains(result.Suggestions, s => s.Field.Key == "next_visit_date" && s.Value.Text() == expected);
    }

    // 2024-02-10 (leap year), 3rd visit at 24 weeks → 28: 28 days → 2024-03-09 (19 to 29 Feb + 9); in 2026 → 2026-03-10.
    [Theory]
    [InlineData("2024-02-10", "2024-03-09")]
    [InlineData("2026-02-10", "2026-03-10")]
    public void The_suggestion_counts_calendar_days_across_february(string visitDate, string expected)
    {
        var data = Visit(3, 24);
        data["visit_date"] = visitDate;
        Assert.Equal(expected, Evaluate(data).Outcome("next_visit_date").Text());
    }

    [Theory]
    [InlineData(5, 38)] // after the 5th visit comes the postpartum visit
    [InlineData(2, 22)] // already past the start of the 3rd visit's window
    [InlineData(4, 37)]
    public void No_next_visit_is_suggested_when_no_window_lies_ahead(int visitNo, int weeks)
    {
        var result = Evaluate(Visit(visitNo, weeks));
        Assert.True(result.Outcome("next_visit_date").IsNull);
    }

    [Theory]
    [InlineData(2, true)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    [InlineData(5, false)]
    public void The_next_visit_date_is_required_except_at_the_5th_visit(int visitNo, bool required)
    {
        var data = Visit(visitNo, 30);
        data.Remove("next_visit_date");
        var result = Evaluate(data);
        Assert.Equal(required, result.IsRequired(result.Form.Field("next_visit_date")));
        Assert.Equal(required ? new[] { "/next_visit_date" } : [], result.Errors.Select(e => e.Path));
    }

    [Fact]
    public void The_next_visit_follows_the_visit()
    {
        var data = Visit(3, 23);
        data["next_visit_date"] = "2026-11-18";
        var error = Assert.Single(Evaluate(data).Errors);
        Assert.Equal(("/next_visit_date", "rule:next_visit_after_visit", "下次随访日期应晚于随访日期"), (error.Path, error.Code, error.Message));
    }

    [Fact]
    public void A_visit_date_in_the_future_is_refused()
    {
        var data = Visit(3, 23);
        data["visit_date"] = "2026-11-26";
        data["next_visit_date"] = "2027-01-01";
        var error = Assert.Single(Evaluate(data).Errors);
        Assert.Equal(("/visit_date", "rule:visit_date_not_future", "随访日期不能晚于今天"), (error.Path, error.Code, error.Message));
    }

    [Fact]
    public void The_record_is_for_a_woman()
    {
        var error = Assert.Single(Evaluate(Visit(3, 23), new SubjectInfo(new DateOnly(1992, 1, 1), "男")).Errors);
        Assert.Equal(("/visit_date", "rule:subject_is_female"), (error.Path, error.Code));
    }

    [Fact]
    public void An_abnormal_class_asks_for_the_finding()
    {
        var data = Visit(3, 23);
        data["class"] = 2;
        var error = Assert.Single(Evaluate(data).Errors);
        Assert.Equal(("/class_abnormal", ErrorCodes.Required, "请填写异常情况"), (error.Path, error.Code, error.Message));

        data["class_abnormal"] = "轻度贫血";
        Assert.True(Evaluate(data).IsValid);
    }

    [Fact]
    public void A_referral_asks_for_the_reason_and_the_facility()
    {
        var data = Visit(3, 23);
        data["referral"] = 2;
        Assert.Equal(["/referral_org_dept", "/referral_reason"], Evaluate(data).Errors.Select(e => e.Path).Order());

        data["referral"] = 1;
        data["referral_reason"] = "多余";
        var result = Evaluate(data);
        Assert.True(result.IsValid);
        Assert.DoesNotContain("referral_reason", result.DataJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_urging_only_record_needs_no_examination_class_or_referral()
    {
        var data = new Dictionary<string, object?>
        {
            ["visit_no"] = 4,
            ["visit_date"] = "2026-11-18",
            ["urged_only"] = true,
            ["gest_weeks"] = 30,
            ["weight"] = 65.0m,
            ["class"] = 1,
            ["next_visit_date"] = "2027-01-06",
        };
        var result = Evaluate(data);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.False(result.IsVisible(result.Form.Field("class")));
        Assert.False(result.IsVisible(result.Form.Field("weight")));
        Assert.False(result.IsVisible(result.Form.Field("guidance_4_5")));
        Assert.DoesNotContain("\"class\"", result.DataJson(), StringComparison.Ordinal);
        Assert.DoesNotContain("\"weight\"", result.DataJson(), StringComparison.Ordinal);
        Assert.Equal("是", result.Outcome("in_window").Text());

        data["urged_only"] = false;
        data.Remove("class");
        var error = Assert.Single(Evaluate(data).Errors, e => e.Code == ErrorCodes.Required && e.Path == "/class");
        Assert.Equal("请选择分类", error.Message);
    }

    [Theory]
    [InlineData("fetal_hr", 250, ErrorCodes.Maximum, "胎心率不能大于 240 次/分钟")]
    [InlineData("gest_weeks", 45, ErrorCodes.Maximum, "孕周不能大于 44 周")]
    [InlineData("gest_weeks", 0, ErrorCodes.Minimum, "孕周不能小于 1 周")]
    public void Measurements_are_range_checked(string key, int value, string code, string message)
    {
        var data = Visit(4, 30);
        data["next_visit_date"] = "2027-01-06";
        data[key] = value;
        var error = Assert.Single(Evaluate(data).Errors);
        Assert.Equal(("/" + key, code, message), (error.Path, error.Code, error.Message));
    }

    [Fact]
    public void Diastolic_must_be_below_systolic()
    {
        var data = Visit(3, 23);
        data["sbp"] = 100;
        data["dbp"] = 105;
        var error = Assert.Single(Evaluate(data).Errors);
        Assert.Equal(("/dbp", "rule:dbp_below_sbp"), (error.Path, error.Code));
    }
}
