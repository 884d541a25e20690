using Jiayi.Engine.Forms;
using Jiayi.Engine.Tests.Support;

namespace Jiayi.Engine.Tests.Forms;

/// <summary>高血压患者随访服务记录表: classification, scheduling, BMI and validation, worked by hand from standard-forms.md §1.1.</summary>
public class HypertensionFollowupTests
{
    private const string Id = "hypertension-followup";

    private static Dictionary<string, object?> Visit(int sbp, int dbp, int adverse = 1) => new()
    {
        ["visit_date"] = "2026-11-20",
        ["visit_method"] = 1,
        ["symptoms"] = new[] { 1 },
        ["sbp"] = sbp,
        ["dbp"] = dbp,
        ["adverse_reaction"] = adverse,
        ["visit_class"] = 1,
        ["next_visit_date"] = "2027-02-20",
    };

    private static string VisitClass(Dictionary<string, object?> data, SubjectInfo? subject = null) =>
        ShippedForms.Evaluate(Id, data, subject is null ? null : ShippedForms.Context with { Subject = subject }).Outcome("visit_class").Text();

    [Theory]
    [InlineData(150, 90, "控制不满意")]
    [InlineData(140, 80, "控制不满意")]
    [InlineData(139, 90, "控制不满意")]
    [InlineData(120, 95, "控制不满意")]
    [InlineData(139, 89, "控制满意")]
    [InlineData(110, 70, "控制满意")]
    public void Visit_class_follows_the_140_90_target(int sbp, int dbp, string expected)
    {
        var data = Visit(sbp, dbp);
        data.Remove("visit_class");
        Assert.Equal(expected, VisitClass(data));
    }

    [Theory]
    [InlineData(120, 80)]
    [InlineData(170, 105)]
    public void An_adverse_reaction_is_the_most_serious_class(int sbp, int dbp)
    {
        var data = Visit(sbp, dbp, adverse: 2);
        data["adverse_reaction_detail"] = "干咳";
        Assert.Equal("不良反应", VisitClass(data));
    }

    [Fact]
    public void Patients_aged_65_or_more_use_the_elderly_systolic_target()
    {
        var data = Visit(145, 85);
        Assert.Equal("控制满意", VisitClass(data, new SubjectInfo(new DateOnly(1956, 3, 1), "女")));
        Assert.Equal("控制不满意", VisitClass(data, new SubjectInfo(new DateOnly(1962, 3, 1), "女")));
        Assert.Equal("控制不满意", VisitClass(Visit(150, 85), new SubjectInfo(new DateOnly(1950, 3, 1), "男")));
    }

    [Fact]
    public void The_age_threshold_is_taken_on_the_visit_date()
    {
        // Turns 65 on 2026-11-21: one day after the visit, so the general target applies.
        var data = Visit(145, 85);
        Assert.Equal("控制不满意", VisitClass(data, new SubjectInfo(new DateOnly(1961, 11, 21), "男")));
        Assert.Equal("控制满意", VisitClass(data, new SubjectInfo(new DateOnly(1961, 11, 20), "男")));
    }

    [Fact]
    public void The_class_is_not_suggested_before_it_can_be_decided()
    {
        var data = Visit(120, 80);
        data.Remove("adverse_reaction");
        Assert.Equal("(null)", VisitClass(data));

        data["sbp"] = 150;
        Assert.Equal("控制不满意", VisitClass(data));
    }

    [Fact]
    public void An_uncontrolled_visit_is_followed_up_within_14_days()
    {
        var data = Visit(150, 90);
        data.Remove("visit_class");
        var result = ShippedForms.Evaluate(Id, data);
        Assert.Equal("2026-12-04", result.Outcome("next_visit_date").Text());
        Assert.Contains(result.Suggestions, s => s.Field.Key == "visit_class" && s.Value.Text() == "2");
        Assert.Contains(result.Suggestions, s => s.Field.Key == "next_visit_date" && s.Value.Text() == "2026-12-04");
    }

    [Fact]
    public void A_controlled_visit_is_followed_up_at_the_routine_interval()
    {
        var result = ShippedForms.Evaluate(Id, Visit(128, 78));
        Assert.Equal("控制满意", result.Outcome("visit_class").Text());
        Assert.Equal("2027-02-20", result.Outcome("next_visit_date").Text());
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Fact]
    public void The_doctors_recorded_class_drives_the_schedule()
    {
        var data = Visit(128, 78);
        data["visit_class"] = 4; // 并发症, which the data alone cannot show
        Assert.Equal("2026-12-04", ShippedForms.Evaluate(Id, data).Outcome("next_visit_date").Text());
    }

    [Theory]
    [InlineData(170, 65, "22.5")]
    [InlineData(160, 64, "25")]
    [InlineData(175.5, 80.2, "26")]
    [InlineData(150, 45, "20")]
    public void Bmi_is_weight_over_height_squared_to_one_decimal(decimal height, decimal weight, string bmi)
    {
        var data = Visit(120, 80);
        data["height"] = height;
        data["weight"] = weight;
        var result = ShippedForms.Evaluate(Id, data);
        Assert.Equal(bmi, result.Value("bmi").Text());
        Assert.Contains($"\"bmi\":{bmi}", result.DataJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Bmi_is_not_calculated_without_height()
    {
        var data = Visit(120, 80);
        data["weight"] = 65;
        data["bmi"] = 99; // whatever a client sends is replaced by the calculation
        var result = ShippedForms.Evaluate(Id, data);
        Assert.True(result.Value("bmi").IsNull);
        Assert.DoesNotContain("bmi", result.DataJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_systolic_pressure_of_400_is_refused_at_the_field_in_chinese()
    {
        var result = ShippedForms.Evaluate(Id, Visit(400, 80));
        var error = Assert.Single(result.Errors);
        Assert.Equal("/sbp", error.Path);
        Assert.Equal(ErrorCodes.Maximum, error.Code);
        Assert.Equal("收缩压不能大于 300 mmHg", error.Message);
    }

    [Fact]
    public void Diastolic_must_be_below_systolic()
    {
        var error = Assert.Single(ShippedForms.Evaluate(Id, Visit(120, 120)).Errors);
        Assert.Equal(("/dbp", "rule:dbp_below_sbp", "舒张压应低于收缩压"), (error.Path, error.Code, error.Message));
    }

    [Fact]
    public void Missing_required_answers_are_named()
    {
        var result = ShippedForms.Evaluate(Id, "{}");
        var paths = result.Errors.Where(e => e.Code == ErrorCodes.Required).Select(e => e.Path).ToHashSet();
        Assert.Equal(new[] { "/visit_date", "/visit_method", "/symptoms", "/adverse_reaction", "/visit_class", "/next_visit_date" }.Order(), paths.Order());
        Assert.Contains(result.Errors, e => e is { Path: "/visit_date", Message: "请填写随访日期" });
        Assert.Contains(result.Errors, e => e is { Path: "/visit_method", Message: "请选择随访方式" });
    }

    [Fact]
    public void Blood_pressure_is_required_at_face_to_face_visits_only()
    {
        var phone = Visit(120, 80);
        phone["visit_method"] = 3;
        phone.Remove("sbp");
        phone.Remove("dbp");
        Assert.True(ShippedForms.Evaluate(Id, phone).IsValid);

        phone["visit_method"] = 2;
        var errors = ShippedForms.Evaluate(Id, phone).Errors;
        Assert.Equal(["/dbp", "/sbp"], errors.Select(e => e.Path).Order());
        Assert.All(errors, e => Assert.Equal(ErrorCodes.Required, e.Code));
    }

    [Fact]
    public void The_adverse_reaction_detail_is_asked_only_when_there_is_one()
    {
        var none = Visit(120, 80);
        none["adverse_reaction_detail"] = "should be dropped";
        var result = ShippedForms.Evaluate(Id, none);
        Assert.True(result.IsValid);
        Assert.False(result.IsVisible(result.Form.Field("adverse_reaction_detail")));
        Assert.DoesNotContain("adverse_reaction_detail", result.DataJson(), StringComparison.Ordinal);

        var some = Visit(120, 80, adverse: 2);
        var error = Assert.Single(ShippedForms.Evaluate(Id, some).Errors);
        Assert.Equal(("/adverse_reaction_detail", ErrorCodes.Required), (error.Path, error.Code));
    }

    [Fact]
    public void No_symptom_excludes_every_other_symptom()
    {
        var data = Visit(120, 80);
        data["symptoms"] = new[] { 1, 2 };
        var error = Assert.Single(ShippedForms.Evaluate(Id, data).Errors);
        Assert.Equal(("/symptoms", ErrorCodes.Exclusive, "症状选择“无症状”时不能再选其他项"), (error.Path, error.Code, error.Message));
    }

    [Fact]
    public void Wrong_types_unknown_fields_and_unknown_codes_are_reported_per_field()
    {
        var data = Visit(120, 80);
        data["sbp"] = "120";
        data["visit_method"] = 9;
        data["pulse"] = 80;
        data["visit_date"] = "2026-02-30";
        var errors = ShippedForms.Evaluate(Id, data).Errors.ToDictionary(e => e.Path);
        Assert.Equal((ErrorCodes.Type, "收缩压应为整数"), (errors["/sbp"].Code, errors["/sbp"].Message));
        Assert.Equal(ErrorCodes.Enum, errors["/visit_method"].Code);
        Assert.StartsWith("随访方式的取值无效", errors["/visit_method"].Message, StringComparison.Ordinal);
        Assert.Equal((ErrorCodes.UnknownField, "未知字段“pulse”：此表单没有这个字段"), (errors["/pulse"].Code, errors["/pulse"].Message));
        Assert.Equal(ErrorCodes.Format, errors["/visit_date"].Code);
    }

    [Fact]
    public void Medication_rows_are_checked_row_by_row()
    {
        var data = Visit(120, 80);
        data["meds"] = new object[]
        {
            new Dictionary<string, object> { ["drug_name"] = "氨氯地平", ["times_per_day"] = 1, ["dose_per_time"] = "5mg" },
            new Dictionary<string, object> { ["times_per_day"] = 20 },
        };
        var errors = ShippedForms.Evaluate(Id, data).Errors;
        Assert.Contains(errors, e => e is { Path: "/meds/1/drug_name", Code: ErrorCodes.Required, Message: "用药情况第 2 行：请填写药物名称" });
        Assert.Contains(errors, e => e is { Path: "/meds/1/times_per_day", Code: ErrorCodes.Maximum, Message: "用药情况第 2 行：每日次数不能大于 12 次" });
        Assert.Equal(2, errors.Count);
    }

    [Fact]
    public void A_visit_date_in_the_future_is_refused()
    {
        var data = Visit(120, 80);
        data["visit_date"] = "2026-11-26";
        data["next_visit_date"] = "2027-02-26";
        var error = Assert.Single(ShippedForms.Evaluate(Id, data).Errors);
        Assert.Equal(("/visit_date", "rule:visit_date_not_future", "随访日期不能晚于今天"), (error.Path, error.Code, error.Message));
    }

    [Fact]
    public void Valid_data_is_stored_as_sent_with_calculations_added()
    {
        var data = Visit(128, 78);
        data["height"] = 170;
        data["weight"] = 70.50m;
        data["meds"] = new object[] { new Dictionary<string, object> { ["drug_name"] = "氨氯地平" } };
        var result = ShippedForms.Evaluate(Id, data);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(
            """{"visit_date":"2026-11-20","visit_method":1,"symptoms":[1],"sbp":128,"dbp":78,"height":170,"weight":70.5,"bmi":24.4,"adverse_reaction":1,"visit_class":1,"meds":[{"drug_name":"氨氯地平"}],"next_visit_date":"2027-02-20"}""",
            result.DataJson());
    }
}
