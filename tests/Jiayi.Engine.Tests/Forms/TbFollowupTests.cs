using System.Collections.Frozen;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Tests.Support;

namespace Jiayi.Engine.Tests.Forms;

/// <summary>
/// 肺结核患者随访服务记录表: the directly-observed-treatment log, the next-visit suggestion (家属督导 in
/// the first 2 months → 10 days, otherwise 1 month, none once treatment stopped), the closing assessment
/// shown only with a stop date, 服药率 and 规则服药 (≥ 90 %), worked by hand from standard-forms.md §1.4.
/// </summary>
public class TbFollowupTests
{
    private const string Id = "tb-followup";

    private static Dictionary<string, object?> Visit(string visitDate = "2026-11-20", int month = 1, int supervisor = 2, string? nextVisit = "2026-11-30") => new()
    {
        ["visit_date"] = visitDate,
        ["treatment_month"] = month,
        ["supervisor"] = supervisor,
        ["visit_method"] = 2,
        ["symptoms"] = new[] { 0 },
        ["missed_doses"] = 0,
        ["adverse_reaction"] = 1,
        ["complication"] = 1,
        ["next_visit_date"] = nextVisit,
    };

    /// <summary>The closing visit: treatment stopped, no next visit, whole-course figures filled.</summary>
    private static Dictionary<string, object?> Closing(int dosesDue, int dosesTaken)
    {
        var data = Visit(month: 6, nextVisit: null);
        data.Remove("next_visit_date");
        data["stop_date"] = "2026-11-18";
        data["stop_reason"] = 1;
        data["visits_due"] = 10;
        data["visits_done"] = 10;
        data["doses_due"] = dosesDue;
        data["doses_taken"] = dosesTaken;
        return data;
    }

    private static EvaluationContext With(params (string Key, decimal Value)[] parameters) => ShippedForms.Context with
    {
        ParameterOverrides = parameters.ToFrozenDictionary(p => p.Key, p => Value.Number(p.Value)),
    };

    private static Dictionary<string, object?> Row(string date, int taken, string? note = null)
    {
        var row = new Dictionary<string, object?> { ["dose_date"] = date, ["taken"] = taken, ["observer"] = "妻子" };
        if (note is not null)
        {
            row["note"] = note;
        }

        return row;
    }

    [Fact]
    public void A_routine_visit_with_its_dot_log_is_valid_and_stored_as_sent()
    {
        var data = Visit();
        data["dot_log"] = new object[] { Row("2026-11-19", 1), Row("2026-11-20", 3, "午饭后补服") };
        var result = ShippedForms.Evaluate(Id, data);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(
            """{"visit_date":"2026-11-20","treatment_month":1,"supervisor":2,"visit_method":2,"symptoms":[0],"missed_doses":0,"dot_log":[{"dose_date":"2026-11-19","taken":1,"observer":"妻子"},{"dose_date":"2026-11-20","taken":3,"observer":"妻子","note":"午饭后补服"}],"adverse_reaction":1,"complication":1,"next_visit_date":"2026-11-30"}""",
            result.DataJson());
    }

    [Fact]
    public void Missing_required_answers_are_named_and_the_next_visit_is_required_while_treatment_goes_on()
    {
        var result = ShippedForms.Evaluate(Id, "{}");
        Assert.All(result.Errors, e => Assert.Equal(ErrorCodes.Required, e.Code));
        Assert.Equal(
            new[] { "/adverse_reaction", "/complication", "/missed_doses", "/next_visit_date", "/supervisor", "/symptoms", "/treatment_month", "/visit_date", "/visit_method" },
            result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.Contains(result.Errors, e => e is { Path: "/next_visit_date", Message: "请填写下次随访时间" });
    }

    [Fact]
    public void The_closing_assessment_is_hidden_until_a_stop_date_is_given()
    {
        var data = Visit();
        data["doses_due"] = 180;
        data["doses_taken"] = 171;
        data["stop_reason"] = 1;
        var result = ShippedForms.Evaluate(Id, data);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.False(result.IsVisible(result.Form.Field("stop_reason")));
        Assert.False(result.IsVisible(result.Form.Field("doses_due")));
        Assert.False(result.IsVisible(result.Form.Field("dose_rate")));
        Assert.True(result.IsVisible(result.Form.Field("stop_date")));
        Assert.True(result.Value("dose_rate").IsNull);
        Assert.DoesNotContain("doses_", result.DataJson(), StringComparison.Ordinal);
        Assert.DoesNotContain("stop_reason", result.DataJson(), StringComparison.Ordinal);
        Assert.True(result.Outcome("regular_medication").IsNull);
    }

    [Fact]
    public void With_a_stop_date_the_reason_and_whole_course_figures_are_required_and_the_next_visit_is_not()
    {
        var data = Visit(month: 6, nextVisit: null);
        data.Remove("next_visit_date");
        data["stop_date"] = "2026-11-18";
        var result = ShippedForms.Evaluate(Id, data);
        Assert.All(result.Errors, e => Assert.Equal(ErrorCodes.Required, e.Code));
        Assert.Equal(
            new[] { "/doses_due", "/doses_taken", "/stop_reason", "/visits_done", "/visits_due" },
            result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.False(result.IsRequired(result.Form.Field("next_visit_date")));
        Assert.True(result.IsRequired(result.Form.Field("stop_reason")));
        Assert.Contains(result.Errors, e => e is { Path: "/stop_reason", Message: "请选择停止治疗原因" });
    }

    [Theory]
    [InlineData(180, 171, "95")]   // 171 / 180 × 100 = 95
    [InlineData(180, 162, "90")]   // 162 / 180 × 100 = 90
    [InlineData(180, 161, "89.4")] // 89.444… → 89.4
    [InlineData(180, 160, "88.9")] // 88.888… → 88.9
    [InlineData(3, 2, "66.7")]     // 66.666… → 66.7
    [InlineData(3, 1, "33.3")]     // 33.333… → 33.3
    [InlineData(8, 7, "87.5")]
    [InlineData(180, 180, "100")]
    [InlineData(180, 0, "0")]
    public void The_dose_rate_is_doses_taken_over_doses_due_to_one_decimal(int due, int taken, string rate)
    {
        var result = ShippedForms.Evaluate(Id, Closing(due, taken));
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(rate, result.Value("dose_rate").Text());
        Assert.Contains($"\"dose_rate\":{rate}", result.DataJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(180, 180, "是")]
    [InlineData(180, 171, "是")] // 95 %
    [InlineData(180, 162, "是")] // exactly 90 %
    [InlineData(180, 161, "否")] // 89.4 %
    [InlineData(240, 216, "是")] // 8-month course: 216 / 240 = 90 %
    [InlineData(240, 215, "否")] // 89.6 %
    [InlineData(180, 0, "否")]
    public void Regular_medication_is_a_dose_rate_of_at_least_90_percent_at_the_closing_assessment(int due, int taken, string expected)
    {
        Assert.Equal(expected, ShippedForms.Evaluate(Id, Closing(due, taken)).Outcome("regular_medication").Text());
    }

    [Fact]
    public void Regular_medication_is_not_judged_before_the_dose_counts_are_known()
    {
        var data = Closing(180, 171);
        data.Remove("doses_taken");
        var result = ShippedForms.Evaluate(Id, data);
        Assert.True(result.Value("dose_rate").IsNull);
        Assert.True(result.Outcome("regular_medication").IsNull);
    }

    [Fact]
    public void The_regular_rate_is_a_parameter()
    {
        // 170 / 180 = 94.4 %: regular at 90 %, not at 95 %.
        Assert.Equal("是", ShippedForms.Evaluate(Id, Closing(180, 170)).Outcome("regular_medication").Text());
        Assert.Equal("否", ShippedForms.Evaluate(Id, Closing(180, 170), With(("regular_rate", 95))).Outcome("regular_medication").Text());
    }

    [Fact]
    public void More_doses_taken_than_due_is_refused()
    {
        // 181 / 180 × 100 = 100.56 → 100.6 %, also outside the rate's 0–100 range.
        var errors = ShippedForms.Evaluate(Id, Closing(180, 181)).Errors;
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e is { Path: "/doses_taken", Code: "rule:doses_taken_not_above_due", Message: "实际服药次数不能多于应服药次数" });
        Assert.Contains(errors, e => e is { Path: "/dose_rate", Code: ErrorCodes.Calculation, Message: "服药率计算结果为 100.6 %，超出合理范围（0～100），请检查相关数据" });
    }

    [Fact]
    public void Doses_due_must_be_at_least_one()
    {
        var error = Assert.Single(ShippedForms.Evaluate(Id, Closing(0, 0)).Errors);
        Assert.Equal(("/doses_due", ErrorCodes.Minimum, "患者在疗程中应服药次数不能小于 1 次"), (error.Path, error.Code, error.Message));
    }

    [Fact]
    public void The_stop_date_cannot_be_after_the_visit()
    {
        var data = Closing(180, 171);
        data["stop_date"] = "2026-11-21";
        var error = Assert.Single(ShippedForms.Evaluate(Id, data).Errors);
        Assert.Equal(("/stop_date", "rule:stop_date_not_after_visit", "出现停止治疗时间不能晚于随访时间"), (error.Path, error.Code, error.Message));

        data["stop_date"] = "2026-11-20";
        Assert.True(ShippedForms.Evaluate(Id, data).IsValid);
    }

    [Theory]
    [InlineData("2026-11-20", 1, 2, "2026-11-30")] // 家属, month 1: intensive phase, 10 days
    [InlineData("2026-11-20", 2, 2, "2026-11-30")] // month 2 is still intensive
    [InlineData("2026-11-25", 2, 2, "2026-12-05")] // 10 days over a month end
    [InlineData("2025-12-28", 1, 2, "2026-01-07")] // over a year end
    [InlineData("2024-02-25", 1, 2, "2024-03-06")] // leap year: 02-26 … 02-29 are 4 days, then 6 in March
    [InlineData("2025-02-25", 1, 2, "2025-03-07")] // 2025: no 02-29
    [InlineData("2026-11-20", 3, 2, "2026-12-20")] // 家属, month 3: continuation phase, 1 month
    [InlineData("2026-11-20", 1, 1, "2026-12-20")] // 医生: 1 month even in the intensive phase
    [InlineData("2026-11-20", 1, 3, "2026-12-20")] // 自服药
    [InlineData("2026-11-20", 1, 4, "2026-12-20")] // 其他
    [InlineData("2026-01-31", 4, 1, "2026-02-28")] // 1 month from Jan 31: the month's last day
    [InlineData("2024-01-31", 4, 2, "2024-02-29")] // …in a leap year
    [InlineData("2026-03-31", 5, 1, "2026-04-30")]
    public void The_next_visit_follows_the_supervisor_and_the_treatment_phase(string visit, int month, int supervisor, string expected)
    {
        var result = ShippedForms.Evaluate(Id, Visit(visit, month, supervisor, expected));
        Assert.Equal(expected, result.Outcome("next_visit_date").Text());
        Assert.Contains(result.Suggestions, s => s.Field.Key == "next_visit_date" && s.Value.Text() == expected);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Fact]
    public void No_next_visit_is_suggested_once_treatment_stopped()
    {
        var result = ShippedForms.Evaluate(Id, Closing(180, 171));
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.True(result.Outcome("next_visit_date").IsNull);
        Assert.DoesNotContain(result.Suggestions, s => s.Field.Key == "next_visit_date");
    }

    [Fact]
    public void A_family_supervised_visit_gets_no_suggestion_until_the_treatment_month_is_known()
    {
        var data = Visit();
        data.Remove("treatment_month");
        Assert.True(ShippedForms.Evaluate(Id, data).Outcome("next_visit_date").IsNull);

        data["supervisor"] = 1; // a doctor-supervised patient is seen monthly in any phase
        Assert.Equal("2026-12-20", ShippedForms.Evaluate(Id, data).Outcome("next_visit_date").Text());
    }

    [Fact]
    public void The_phase_length_and_the_intervals_are_parameters()
    {
        // 复治: a 3-month intensive phase keeps the 10-day visits in month 3.
        Assert.Equal("2026-12-20", ShippedForms.Evaluate(Id, Visit(month: 3)).Outcome("next_visit_date").Text());
        Assert.Equal("2026-11-30", ShippedForms.Evaluate(Id, Visit(month: 3), With(("intensive_months", 3))).Outcome("next_visit_date").Text());
        Assert.Equal("2026-11-27", ShippedForms.Evaluate(Id, Visit(month: 1), With(("intensive_family_interval_days", 7))).Outcome("next_visit_date").Text());
        Assert.Equal("2027-01-20", ShippedForms.Evaluate(Id, Visit(month: 4), With(("routine_interval_months", 2))).Outcome("next_visit_date").Text());
    }

    [Fact]
    public void The_next_visit_must_come_after_the_visit()
    {
        var error = Assert.Single(ShippedForms.Evaluate(Id, Visit(nextVisit: "2026-11-20")).Errors);
        Assert.Equal(("/next_visit_date", "rule:next_visit_after_visit", "下次随访时间应晚于随访时间"), (error.Path, error.Code, error.Message));
    }

    [Fact]
    public void The_visit_date_cannot_be_in_the_future()
    {
        var error = Assert.Single(ShippedForms.Evaluate(Id, Visit("2026-11-26", nextVisit: "2026-12-06")).Errors);
        Assert.Equal(("/visit_date", "rule:visit_date_not_future", "随访时间不能晚于今天"), (error.Path, error.Code, error.Message));
    }

    [Fact]
    public void Dot_log_rows_are_checked_row_by_row()
    {
        var data = Visit();
        data["dot_log"] = new object[]
        {
            Row("2026-11-19", 1),
            new Dictionary<string, object?> { ["taken"] = 2 },
            new Dictionary<string, object?> { ["dose_date"] = "2026-11-19" },
            Row("2026-11-18", 4),
        };
        var errors = ShippedForms.Evaluate(Id, data).Errors;
        Assert.Contains(errors, e => e is { Path: "/dot_log/1/dose_date", Code: ErrorCodes.Required, Message: "督导服药记录第 2 行：请填写服药日期" });
        Assert.Contains(errors, e => e is { Path: "/dot_log/2/taken", Code: ErrorCodes.Required, Message: "督导服药记录第 3 行：请选择服药情况" });
        Assert.Contains(errors, e => e is { Path: "/dot_log/3/taken", Code: ErrorCodes.Enum });
        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public void A_dose_after_the_visit_is_refused_in_its_row()
    {
        var data = Visit();
        data["dot_log"] = new object[] { Row("2026-11-19", 1), Row("2026-11-21", 1) };
        var error = Assert.Single(ShippedForms.Evaluate(Id, data).Errors);
        Assert.Equal(
            ("/dot_log/1/dose_date", "rule:dose_date_not_after_visit", "督导服药记录第 2 行：服药日期不能晚于随访时间"),
            (error.Path, error.Code, error.Message));
    }

    [Fact]
    public void A_dose_on_the_visit_day_is_accepted()
    {
        var data = Visit();
        data["dot_log"] = new object[] { Row("2026-11-20", 1) };
        Assert.True(ShippedForms.Evaluate(Id, data).IsValid);
    }

    [Fact]
    public void The_dot_log_holds_at_most_100_rows()
    {
        var data = Visit();
        data["dot_log"] = Enumerable.Range(0, 101).Select(i => (object)Row(new DateOnly(2026, 8, 1).AddDays(i).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), 1)).ToArray();
        var error = Assert.Single(ShippedForms.Evaluate(Id, data).Errors);
        Assert.Equal(("/dot_log", ErrorCodes.MaxItems), (error.Path, error.Code));
    }

    [Theory]
    [InlineData("adverse_reaction", "adverse_reaction_detail")]
    [InlineData("complication", "complication_detail")]
    public void A_detail_is_asked_only_when_there_is_a_reaction_or_complication(string choice, string detail)
    {
        var none = Visit();
        none[detail] = "should be dropped";
        var result = ShippedForms.Evaluate(Id, none);
        Assert.True(result.IsValid);
        Assert.False(result.IsVisible(result.Form.Field(detail)));
        Assert.DoesNotContain(detail, result.DataJson(), StringComparison.Ordinal);

        var some = Visit();
        some[choice] = 2;
        var error = Assert.Single(ShippedForms.Evaluate(Id, some).Errors);
        Assert.Equal(("/" + detail, ErrorCodes.Required), (error.Path, error.Code));
    }

    [Fact]
    public void A_referral_needs_its_department()
    {
        var data = Visit();
        data["referral_reason"] = "咯血";
        var error = Assert.Single(ShippedForms.Evaluate(Id, data).Errors);
        Assert.Equal(("/referral_dept", ErrorCodes.Required, "请填写转诊科别"), (error.Path, error.Code, error.Message));
        data["referral_dept"] = "咸阳市中心医院结核科";
        Assert.True(ShippedForms.Evaluate(Id, data).IsValid);
    }

    [Theory]
    [InlineData(0, ErrorCodes.Minimum, "治疗月序不能小于 1 月")]
    [InlineData(25, ErrorCodes.Maximum, "治疗月序不能大于 24 月")]
    public void The_treatment_month_is_checked_against_its_range(int month, string code, string message)
    {
        var error = Assert.Single(ShippedForms.Evaluate(Id, Visit(month: month)).Errors);
        Assert.Equal(("/treatment_month", code, message), (error.Path, error.Code, error.Message));
    }

    [Fact]
    public void The_follow_up_symptom_list_has_joint_pain_as_6_and_ends_at_10()
    {
        var data = Visit();
        data["symptoms"] = new[] { 6, 10 };
        Assert.True(ShippedForms.Evaluate(Id, data).IsValid);
        Assert.Equal("关节疼痛", ShippedForms.Load(Id).Field("symptoms").Options.Single(o => o.Code.Text() == "6").Label);

        data["symptoms"] = new[] { 0, 6 };
        Assert.Equal(ErrorCodes.Exclusive, Assert.Single(ShippedForms.Evaluate(Id, data).Errors).Code);
    }
}
