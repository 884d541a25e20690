using System.Collections.Frozen;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Tests.Support;

namespace Jiayi.Engine.Tests.Forms;

/// <summary>
/// 肺结核患者第一次入户随访记录表: the 72-hour first visit (counted in whole days: days × 24 ≤ 72),
/// the next-visit suggestion by supervisor (家属 → 10 days, otherwise 1 month) and the field rules,
/// worked by hand from standard-forms.md §1.3 and the TB rules of §1.4.
/// </summary>
public class TbFirstVisitTests
{
    private const string Id = "tb-first-visit";

    private static Dictionary<string, object?> Visit(string visitDate = "2026-11-04", int supervisor = 2, string nextVisit = "2026-11-14") => new()
    {
        ["visit_date"] = visitDate,
        ["visit_method"] = 2,
        ["patient_type"] = 1,
        ["sputum_status"] = 1,
        ["resistance_status"] = 2,
        ["symptoms"] = new[] { 1, 2 },
        ["supervisor"] = supervisor,
        ["next_visit_date"] = nextVisit,
    };

    private static EvaluationContext On(DateOnly today, params (string Key, decimal Value)[] parameters) => ShippedForms.Context with
    {
        Today = today,
        ParameterOverrides = parameters.Length == 0 ? null : parameters.ToFrozenDictionary(p => p.Key, p => Value.Number(p.Value)),
    };

    [Fact]
    public void A_complete_first_visit_is_valid_and_stored_as_sent()
    {
        var data = Visit();
        data["notice_date"] = "2026-11-02";
        var result = ShippedForms.Evaluate(Id, data);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(
            """{"visit_date":"2026-11-04","visit_method":2,"notice_date":"2026-11-02","patient_type":1,"sputum_status":1,"resistance_status":2,"symptoms":[1,2],"supervisor":2,"next_visit_date":"2026-11-14"}""",
            result.DataJson());
    }

    [Fact]
    public void Missing_required_answers_are_named()
    {
        var result = ShippedForms.Evaluate(Id, "{}");
        Assert.All(result.Errors, e => Assert.Equal(ErrorCodes.Required, e.Code));
        Assert.Equal(
            new[] { "/next_visit_date", "/patient_type", "/resistance_status", "/sputum_status", "/supervisor", "/symptoms", "/visit_date", "/visit_method" },
            result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.Contains(result.Errors, e => e is { Path: "/visit_date", Message: "请填写随访时间" });
        Assert.Contains(result.Errors, e => e is { Path: "/supervisor", Message: "请选择督导人员" });
    }

    [Theory]
    [InlineData("2026-11-01", "2026-11-01", "及时")] // 0 days = 0 h
    [InlineData("2026-11-01", "2026-11-03", "及时")] // 2 days = 48 h
    [InlineData("2026-11-01", "2026-11-04", "及时")] // 3 days = 72 h, the limit itself
    [InlineData("2026-11-01", "2026-11-05", "超时")] // 4 days = 96 h
    [InlineData("2026-10-30", "2026-11-02", "及时")] // over a month end: 10-31, 11-01, 11-02 = 3 days
    [InlineData("2026-10-30", "2026-11-03", "超时")] // 4 days
    [InlineData("2025-12-30", "2026-01-02", "及时")] // over a year end: 3 days
    [InlineData("2025-02-26", "2025-03-01", "及时")] // 2025 is not a leap year: 02-27, 02-28, 03-01 = 3 days
    [InlineData("2024-02-26", "2024-03-01", "超时")] // 2024 is: 02-27, 02-28, 02-29, 03-01 = 4 days
    [InlineData("2024-02-27", "2024-03-01", "及时")] // 3 days in the leap year
    public void The_first_visit_is_timely_within_72_hours_of_the_notice(string notice, string visit, string expected)
    {
        var data = Visit(visit, nextVisit: "2027-01-31");
        data["notice_date"] = notice;
        var result = ShippedForms.Evaluate(Id, data);
        Assert.Equal(expected, result.Outcome("visit_timely").Text());
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Fact]
    public void Timeliness_is_not_judged_without_a_notice_date()
    {
        var result = ShippedForms.Evaluate(Id, Visit());
        Assert.True(result.IsValid);
        Assert.True(result.Outcome("visit_timely").IsNull);
    }

    [Fact]
    public void The_72_hour_limit_is_a_parameter()
    {
        // 2 days = 48 h: timely under 72 h and under a 48-hour limit; 3 days = 72 h exceeds 48 h.
        var data = Visit("2026-11-04");
        data["notice_date"] = "2026-11-02";
        Assert.Equal("及时", ShippedForms.Evaluate(Id, data, On(ShippedForms.Today, ("first_visit_hours", 48))).Outcome("visit_timely").Text());
        data["notice_date"] = "2026-11-01";
        Assert.Equal("及时", ShippedForms.Evaluate(Id, data).Outcome("visit_timely").Text());
        Assert.Equal("超时", ShippedForms.Evaluate(Id, data, On(ShippedForms.Today, ("first_visit_hours", 48))).Outcome("visit_timely").Text());
    }

    [Fact]
    public void The_notice_cannot_come_after_the_visit()
    {
        var data = Visit("2026-11-04");
        data["notice_date"] = "2026-11-05";
        var error = Assert.Single(ShippedForms.Evaluate(Id, data).Errors);
        Assert.Equal(("/notice_date", "rule:notice_before_visit", "接到上级通知日期不能晚于随访时间"), (error.Path, error.Code, error.Message));

        data["notice_date"] = "2026-11-04"; // the same day is allowed
        Assert.True(ShippedForms.Evaluate(Id, data).IsValid);
    }

    [Theory]
    [InlineData("2026-11-04", 2, "2026-11-14")] // 家属: 10 days
    [InlineData("2026-10-25", 2, "2026-11-04")] // 10 days over a month end (Oct has 31 days)
    [InlineData("2025-12-25", 2, "2026-01-04")] // over a year end
    [InlineData("2024-02-20", 2, "2024-03-01")] // 02-20 + 10 in a leap year (02-29 exists)
    [InlineData("2026-11-04", 1, "2026-12-04")] // 医生: 1 month
    [InlineData("2026-11-04", 3, "2026-12-04")] // 自服药: 1 month
    [InlineData("2026-11-04", 4, "2026-12-04")] // 其他: 1 month
    [InlineData("2026-01-31", 1, "2026-02-28")] // 1 month from Jan 31: the month's last day
    [InlineData("2024-01-31", 1, "2024-02-29")] // …in a leap year
    [InlineData("2026-10-31", 1, "2026-11-30")]
    public void The_next_visit_is_suggested_by_supervisor(string visit, int supervisor, string expected)
    {
        var result = ShippedForms.Evaluate(Id, Visit(visit, supervisor, expected));
        Assert.Equal(expected, result.Outcome("next_visit_date").Text());
        Assert.Contains(result.Suggestions, s => s.Field.Key == "next_visit_date" && s.Value.Text() == expected);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Fact]
    public void No_next_visit_is_suggested_before_the_supervisor_is_chosen()
    {
        var data = Visit();
        data.Remove("supervisor");
        var result = ShippedForms.Evaluate(Id, data);
        Assert.True(result.Outcome("next_visit_date").IsNull);
        Assert.DoesNotContain(result.Suggestions, s => s.Field.Key == "next_visit_date");
    }

    [Fact]
    public void The_intervals_are_parameters()
    {
        var context = On(ShippedForms.Today, ("intensive_family_interval_days", 7), ("routine_interval_months", 2));
        Assert.Equal("2026-11-11", ShippedForms.Evaluate(Id, Visit("2026-11-04", 2), context).Outcome("next_visit_date").Text());
        Assert.Equal("2027-01-04", ShippedForms.Evaluate(Id, Visit("2026-11-04", 1), context).Outcome("next_visit_date").Text());
    }

    [Fact]
    public void The_visit_date_cannot_be_in_the_future()
    {
        var error = Assert.Single(ShippedForms.Evaluate(Id, Visit("2026-11-26", nextVisit: "2026-12-06")).Errors);
        Assert.Equal(("/visit_date", "rule:visit_date_not_future", "随访时间不能晚于今天"), (error.Path, error.Code, error.Message));
        Assert.True(ShippedForms.Evaluate(Id, Visit("2026-11-25", nextVisit: "2026-12-05")).IsValid);
    }

    [Theory]
    [InlineData("2026-11-04")]
    [InlineData("2026-11-03")]
    public void The_next_visit_must_come_after_the_visit(string next)
    {
        var error = Assert.Single(ShippedForms.Evaluate(Id, Visit("2026-11-04", nextVisit: next)).Errors);
        Assert.Equal(("/next_visit_date", "rule:next_visit_after_visit", "下次随访时间应晚于随访时间"), (error.Path, error.Code, error.Message));
    }

    [Fact]
    public void No_symptom_excludes_every_other_symptom()
    {
        var data = Visit();
        data["symptoms"] = new[] { 0, 3 };
        var error = Assert.Single(ShippedForms.Evaluate(Id, data).Errors);
        Assert.Equal(("/symptoms", ErrorCodes.Exclusive, "症状及体征选择“没有症状”时不能再选其他项"), (error.Path, error.Code, error.Message));

        data["symptoms"] = new[] { 0 };
        Assert.True(ShippedForms.Evaluate(Id, data).IsValid);
    }

    [Fact]
    public void The_first_visit_has_no_telephone_method()
    {
        var data = Visit();
        data["visit_method"] = 3;
        var error = Assert.Single(ShippedForms.Evaluate(Id, data).Errors);
        Assert.Equal(("/visit_method", ErrorCodes.Enum), (error.Path, error.Code));
    }

    [Fact]
    public void Lifestyle_amounts_are_checked_against_their_ranges()
    {
        var data = Visit();
        data["smoking_per_day"] = 101;
        data["drinking_per_day"] = -1;
        var errors = ShippedForms.Evaluate(Id, data).Errors.ToDictionary(e => e.Path);
        Assert.Equal((ErrorCodes.Maximum, "吸烟不能大于 100 支/天"), (errors["/smoking_per_day"].Code, errors["/smoking_per_day"].Message));
        Assert.Equal((ErrorCodes.Minimum, "饮酒不能小于 0 两/天"), (errors["/drinking_per_day"].Code, errors["/drinking_per_day"].Message));
        Assert.Equal(2, errors.Count);
    }

    [Fact]
    public void Health_education_items_take_mastered_or_not()
    {
        var data = Visit();
        data["edu_record_card"] = 1;
        data["edu_contacts"] = 2;
        Assert.True(ShippedForms.Evaluate(Id, data).IsValid);
        data["edu_course"] = 3;
        Assert.Equal("/edu_course", Assert.Single(ShippedForms.Evaluate(Id, data).Errors).Path);
    }
}
