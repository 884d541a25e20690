using System.Collections.Frozen;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Tests.Support;

namespace Jiayi.Engine.Tests.Forms;

/// <summary>
/// 产后42天健康检查记录表: postpartum days and their 42–56 day range (BSOFT's check), 已恢复/未恢复 and 结案/转诊,
/// worked by hand from standard-forms.md §1.5.
/// </summary>
public class Postpartum42dTests
{
    private const string Id = "postpartum-42d";

    private const string RangeMessage = "产后42天健康检查应在产后 42～56 天之间进行（随访日期减分娩日期）";

    private static readonly SubjectInfo Woman = new(new DateOnly(1991, 10, 30), "女");

    /// <summary>Delivered 2026-10-08, discharged 2026-10-11, checked 2026-11-20: 23 (to 31 Oct) + 20 = 43 days.</summary>
    private static Dictionary<string, object?> Check(string visitDate = "2026-11-20") => new()
    {
        ["visit_date"] = visitDate,
        ["delivery_date"] = "2026-10-08",
        ["discharge_date"] = "2026-10-11",
        ["class"] = 1,
        ["handling"] = 1,
    };

    private static EvaluationResult Evaluate(Dictionary<string, object?> data, SubjectInfo? subject = null) =>
        ShippedForms.Evaluate(Id, data, ShippedForms.Context with { Subject = subject ?? Woman });

    [Fact]
    public void A_complete_check_is_valid_and_counts_postpartum_days()
    {
        var result = Evaluate(Check());
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal("43", result.Value("postpartum_days").Text());
    }

    [Fact]
    public void Missing_required_answers_are_named()
    {
        var result = ShippedForms.Evaluate(Id, "{}");
        var paths = result.Errors.Where(e => e.Code == ErrorCodes.Required).Select(e => e.Path).Order();
        Assert.Equal(["/class", "/delivery_date", "/handling", "/visit_date"], paths);
        Assert.Contains(result.Errors, e => e is { Path: "/handling", Message: "请选择处理" });
    }

    // Delivered 2026-09-20: 10 days to 30 Sep, so 2026-10-31 is day 41, 2026-11-01 day 42, 2026-11-15 day 56, 2026-11-16 day 57.
    [Theory]
    [InlineData("2026-10-31", "41", false)]
    [InlineData("2026-11-01", "42", true)]
    [InlineData("2026-11-15", "56", true)]
    [InlineData("2026-11-16", "57", false)]
    public void The_check_falls_between_42_and_56_days_after_delivery(string visitDate, string days, bool valid)
    {
        var data = Check(visitDate);
        data["delivery_date"] = "2026-09-20";
        data["discharge_date"] = "2026-09-23";
        var result = Evaluate(data);
        Assert.Equal(days, result.Value("postpartum_days").Text());
        Assert.Equal(valid, result.IsValid);
        if (!valid)
        {
            var error = Assert.Single(result.Errors);
            Assert.Equal(("/visit_date", "rule:postpartum_days_in_range", RangeMessage), (error.Path, error.Code, error.Message));
        }
    }

    // Delivered 2024-01-20 (leap year): 11 (to 31 Jan) + 29 + 2 → 2024-03-02 is day 42; in 2026 it is day 41 (11 + 28 + 2).
    [Theory]
    [InlineData("2024-01-20", "2024-03-02", "42", true)]
    [InlineData("2026-01-20", "2026-03-02", "41", false)]
    public void Postpartum_days_are_calendar_days_across_february(string delivery, string visit, string days, bool valid)
    {
        var data = Check(visit);
        data["delivery_date"] = delivery;
        data["discharge_date"] = delivery;
        var result = Evaluate(data);
        Assert.Equal((days, valid), (result.Value("postpartum_days").Text(), result.IsValid));
    }

    [Fact]
    public void The_range_is_a_parameter()
    {
        var data = Check("2026-11-16");
        data["delivery_date"] = "2026-09-20";
        data["discharge_date"] = "2026-09-23";
        var context = ShippedForms.Context with
        {
            Subject = Woman,
            ParameterOverrides = new Dictionary<string, Value> { ["max_postpartum_days"] = Value.Number(60) }.ToFrozenDictionary(),
        };
        Assert.True(ShippedForms.Evaluate(Id, data, context).IsValid); // day 57 within a widened 42–60 range
    }

    [Fact]
    public void Without_the_delivery_date_no_days_are_counted_and_only_the_date_is_asked()
    {
        var data = Check();
        data.Remove("delivery_date");
        data.Remove("discharge_date");
        var result = Evaluate(data);
        Assert.True(result.Value("postpartum_days").IsNull);
        var error = Assert.Single(result.Errors);
        Assert.Equal(("/delivery_date", ErrorCodes.Required), (error.Path, error.Code));
    }

    [Fact]
    public void The_discharge_date_is_optional_but_ordered()
    {
        var data = Check();
        data.Remove("discharge_date");
        Assert.True(Evaluate(data).IsValid);

        data["discharge_date"] = "2026-10-07";
        var error = Assert.Single(Evaluate(data).Errors);
        Assert.Equal(("/discharge_date", "rule:discharge_not_before_delivery", "出院日期不能早于分娩日期"), (error.Path, error.Code, error.Message));

        data["discharge_date"] = "2026-11-21";
        var errors = Evaluate(data).Errors;
        Assert.Contains(errors, e => e is { Path: "/visit_date", Code: "rule:visit_not_before_discharge", Message: "随访日期不能早于出院日期" });
    }

    [Fact]
    public void A_visit_date_in_the_future_is_refused()
    {
        var data = Check("2026-11-26"); // day 49
        var error = Assert.Single(Evaluate(data).Errors);
        Assert.Equal(("/visit_date", "rule:visit_date_not_future", "随访日期不能晚于今天"), (error.Path, error.Code, error.Message));
    }

    [Fact]
    public void Not_recovered_asks_what_is_not()
    {
        var data = Check();
        data["class"] = 2;
        var error = Assert.Single(Evaluate(data).Errors);
        Assert.Equal(("/class_detail", ErrorCodes.Required, "请填写未恢复情况"), (error.Path, error.Code, error.Message));

        data["class_detail"] = "恶露未净";
        Assert.True(Evaluate(data).IsValid);
    }

    [Fact]
    public void A_referral_asks_for_the_reason_and_the_facility_and_closing_hides_them()
    {
        var data = Check();
        data["handling"] = 2;
        var result = Evaluate(data);
        Assert.Equal(["/referral_org_dept", "/referral_reason"], result.Errors.Select(e => e.Path).Order());
        Assert.All(result.Errors, e => Assert.Equal(ErrorCodes.Required, e.Code));

        data["handling"] = 1;
        data["referral_reason"] = "多余";
        result = Evaluate(data);
        Assert.True(result.IsValid);
        Assert.False(result.IsVisible(result.Form.Field("referral_reason")));
        Assert.DoesNotContain("referral_reason", result.DataJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("breast", "breast_abnormal")]
    [InlineData("lochia", "lochia_abnormal")]
    [InlineData("uterus", "uterus_abnormal")]
    [InlineData("wound", "wound_abnormal")]
    public void An_abnormal_finding_asks_for_the_detail(string key, string detail)
    {
        var data = Check();
        data[key] = 2;
        var error = Assert.Single(Evaluate(data).Errors);
        Assert.Equal(("/" + detail, ErrorCodes.Required), (error.Path, error.Code));

        data[key] = 1;
        var result = Evaluate(data);
        Assert.False(result.IsVisible(result.Form.Field(detail)));
    }

    [Fact]
    public void Other_guidance_is_asked_when_other_is_ticked()
    {
        var data = Check();
        data["guidance"] = new[] { 2, 5 };
        var error = Assert.Single(Evaluate(data).Errors);
        Assert.Equal(("/guidance_other", ErrorCodes.Required), (error.Path, error.Code));
    }

    [Theory]
    [InlineData("temperature")]
    [InlineData("next_visit_date")]
    public void The_42_day_check_has_no_temperature_and_no_next_visit(string key)
    {
        var data = Check();
        data[key] = key == "temperature" ? 36.5m : "2026-12-20";
        var error = Assert.Single(Evaluate(data).Errors);
        Assert.Equal(("/" + key, ErrorCodes.UnknownField), (error.Path, error.Code));
    }

    [Fact]
    public void The_record_is_for_a_woman()
    {
        var error = Assert.Single(Evaluate(Check(), new SubjectInfo(new DateOnly(1991, 1, 1), "男")).Errors);
        Assert.Equal(("/visit_date", "rule:subject_is_female"), (error.Path, error.Code));
    }
}
