using System.Collections.Frozen;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Tests.Support;

namespace Jiayi.Engine.Tests.Forms;

/// <summary>
/// The three child check forms (1～8月龄, 12～30月龄, 3～6岁儿童健康检查记录表): which rows each month-age column
/// shows, the warning-sign outcome, the next check counted from the birth date with addMonths (month ends
/// and 29 February), detail fields, date rules and ranges, worked by hand from standard-forms.md §1.6.
/// </summary>
public class ChildCheckTests
{
    private const string Infant = "child-check-1-8m";
    private const string Toddler = "child-check-12-30m";
    private const string Preschool = "child-check-3-6y";

    private static EvaluationContext Born(string birth, params (string Key, decimal Value)[] parameters) => ShippedForms.Context with
    {
        Subject = new SubjectInfo(DateOnly.Parse(birth, System.Globalization.CultureInfo.InvariantCulture), "男"),
        ParameterOverrides = parameters.Length == 0 ? null : parameters.ToFrozenDictionary(p => p.Key, p => Value.Number(p.Value)),
    };

    private static bool Visible(EvaluationResult result, string key) => result.IsVisible(result.Form.Field(key));

    private static string Errors(EvaluationResult result) => string.Join("; ", result.Errors);

    private static ValidationError SingleError(string form, Dictionary<string, object?> data, EvaluationContext? context = null) =>
        Assert.Single(ShippedForms.Evaluate(form, data, context).Errors);

    /// <summary>The least valid 1～8月龄 record for a column.</summary>
    private static Dictionary<string, object?> InfantCheck(int month, string visit = "2026-11-20", string next = "2027-01-20")
    {
        var data = new Dictionary<string, object?>
        {
            ["visit_month"] = month,
            ["visit_date"] = visit,
            ["weight"] = 7.5,
            ["length"] = 66.0,
            ["referral"] = 1,
            ["next_visit_date"] = next,
        };
        if (month != 1)
        {
            data[$"dev_warning_{month}"] = new[] { 0 };
        }

        return data;
    }

    /// <summary>The least valid 12～30月龄 record for a column.</summary>
    private static Dictionary<string, object?> ToddlerCheck(int month, string visit = "2026-11-20", string next = "2027-05-20") => new()
    {
        ["visit_month"] = month,
        ["visit_date"] = visit,
        ["weight"] = 11.5,
        ["length"] = 84.0,
        [$"dev_warning_{month}"] = new[] { 0 },
        ["referral"] = 1,
        ["next_visit_date"] = next,
    };

    /// <summary>The least valid 3～6岁 record for a column.</summary>
    private static Dictionary<string, object?> PreschoolCheck(int age, string visit = "2026-11-20", string? next = "2027-11-20")
    {
        var data = new Dictionary<string, object?>
        {
            ["visit_age"] = age,
            ["visit_date"] = visit,
            ["weight"] = 17.0,
            ["height"] = 105.0,
            [$"dev_warning_{age}y"] = new[] { 0 },
            ["referral"] = 1,
        };
        if (next is not null)
        {
            data["next_visit_date"] = next;
        }

        return data;
    }

    // ---- what every check form shares ------------------------------------------------------------

    [Theory]
    [InlineData(Infant, 3)]
    [InlineData(Toddler, 12)]
    [InlineData(Preschool, 3)]
    public void The_least_records_are_valid(string form, int column)
    {
        var data = form switch { Infant => InfantCheck(column), Toddler => ToddlerCheck(column), _ => PreschoolCheck(column) };
        var result = ShippedForms.Evaluate(form, data);
        Assert.True(result.IsValid, Errors(result));
    }

    [Theory]
    [InlineData(Infant, "visit_month", "length")]
    [InlineData(Toddler, "visit_month", "length")]
    [InlineData(Preschool, "visit_age", "height")]
    public void Missing_required_answers_are_named(string form, string column, string length)
    {
        var result = ShippedForms.Evaluate(form, "{}");
        Assert.All(result.Errors, e => Assert.Equal(ErrorCodes.Required, e.Code));
        // With no column chosen no warning-sign group is shown, and the 3～6岁 next date is required only before 6.
        var expected = new[] { "/" + column, "/visit_date", "/weight", "/" + length, "/referral" }
            .Concat(form == Preschool ? Array.Empty<string>() : new[] { "/next_visit_date" });
        Assert.Equal(expected.Order(), result.Errors.Select(e => e.Path).Order());
    }

    [Theory]
    [InlineData(Infant, 3, "dev_warning_3", "发育评估（3 月龄预警征象）")]
    [InlineData(Infant, 8, "dev_warning_8", "发育评估（8 月龄预警征象）")]
    [InlineData(Toddler, 18, "dev_warning_18", "发育评估（18 月龄预警征象）")]
    [InlineData(Preschool, 5, "dev_warning_5y", "发育评估（5 岁预警征象）")]
    public void The_shown_warning_signs_must_be_answered_and_none_excludes_the_rest(string form, int column, string key, string label)
    {
        var data = form switch { Infant => InfantCheck(column), Toddler => ToddlerCheck(column), _ => PreschoolCheck(column) };
        data.Remove(key);
        var error = SingleError(form, data);
        Assert.Equal(("/" + key, ErrorCodes.Required, "请选择" + label), (error.Path, error.Code, error.Message));

        data[key] = new[] { 0, 2 };
        error = SingleError(form, data);
        Assert.Equal(("/" + key, ErrorCodes.Exclusive, label + "选择“无”时不能再选其他项"), (error.Path, error.Code, error.Message));
    }

    [Theory]
    [InlineData(Infant, 6, "dev_warning_6", new[] { 0 }, "未见预警征象")]
    [InlineData(Infant, 6, "dev_warning_6", new[] { 2 }, "有预警征象，提示发育偏异可能")]
    [InlineData(Infant, 3, "dev_warning_3", new[] { 1, 4 }, "有预警征象，提示发育偏异可能")]
    [InlineData(Toddler, 30, "dev_warning_30", new[] { 4 }, "有预警征象，提示发育偏异可能")]
    [InlineData(Toddler, 12, "dev_warning_12", new[] { 0 }, "未见预警征象")]
    [InlineData(Preschool, 6, "dev_warning_6y", new[] { 3 }, "有预警征象，提示发育偏异可能")]
    [InlineData(Preschool, 4, "dev_warning_4y", new[] { 0 }, "未见预警征象")]
    public void Any_warning_sign_suggests_a_possible_developmental_deviation(string form, int column, string key, int[] signs, string expected)
    {
        var data = form switch { Infant => InfantCheck(column), Toddler => ToddlerCheck(column), _ => PreschoolCheck(column) };
        data[key] = signs;
        Assert.Equal(expected, ShippedForms.Evaluate(form, data).Outcome("dev_assessment").Text());
    }

    [Theory]
    [InlineData(Infant, 3, "dev_warning_3")]
    [InlineData(Toddler, 24, "dev_warning_24")]
    [InlineData(Preschool, 3, "dev_warning_3y")]
    public void The_development_outcome_waits_for_the_warning_signs(string form, int column, string key)
    {
        var data = form switch { Infant => InfantCheck(column), Toddler => ToddlerCheck(column), _ => PreschoolCheck(column) };
        data.Remove(key);
        Assert.Equal("(null)", ShippedForms.Evaluate(form, data).Outcome("dev_assessment").Text());
    }

    [Fact]
    public void The_full_month_column_has_no_warning_signs_and_no_development_outcome()
    {
        var data = InfantCheck(1);
        data["dev_warning_3"] = new[] { 1 }; // belongs to the 3-month column: dropped
        var result = ShippedForms.Evaluate(Infant, data);
        Assert.True(result.IsValid, Errors(result));
        Assert.Equal("(null)", result.Outcome("dev_assessment").Text());
        Assert.DoesNotContain("dev_warning", result.DataJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Infant, 6)]
    [InlineData(Toddler, 18)]
    [InlineData(Preschool, 4)]
    public void A_check_before_the_birth_date_is_refused(string form, int column)
    {
        var data = form switch { Infant => InfantCheck(column), Toddler => ToddlerCheck(column), _ => PreschoolCheck(column) };
        data["visit_date"] = "2026-11-20";
        var error = SingleError(form, data, Born("2026-11-21"));
        Assert.Equal(("/visit_date", "rule:visit_date_after_birth", "随访日期不能早于儿童出生日期"), (error.Path, error.Code, error.Message));

        // The day of birth itself is not refused, nor is a record without a known birth date.
        Assert.DoesNotContain(ShippedForms.Evaluate(form, data, Born("2026-11-20")).Errors, e => e.Path == "/visit_date");
        Assert.True(ShippedForms.Evaluate(form, data).IsValid);
    }

    [Theory]
    [InlineData(Infant, 6)]
    [InlineData(Toddler, 30)]
    [InlineData(Preschool, 5)]
    public void Check_dates_are_not_in_the_future_and_the_next_check_follows(string form, int column)
    {
        var data = form switch { Infant => InfantCheck(column), Toddler => ToddlerCheck(column), _ => PreschoolCheck(column) };
        data["visit_date"] = "2026-11-26";
        var error = SingleError(form, data);
        Assert.Equal(("/visit_date", "rule:visit_date_not_future", "随访日期不能晚于今天"), (error.Path, error.Code, error.Message));

        data["visit_date"] = "2026-11-20";
        data["next_visit_date"] = "2026-11-20";
        error = SingleError(form, data);
        Assert.Equal(("/next_visit_date", "rule:next_visit_after_visit", "下次随访日期应晚于随访日期"), (error.Path, error.Code, error.Message));
    }

    [Theory]
    [InlineData(Infant, 8)]
    [InlineData(Toddler, 18)]
    [InlineData(Preschool, 6)]
    public void Referral_asks_reason_and_receiving_unit(string form, int column)
    {
        var data = form switch { Infant => InfantCheck(column), Toddler => ToddlerCheck(column), _ => PreschoolCheck(column) };
        data["referral_reason"] = "dropped while referral is 无";
        var none = ShippedForms.Evaluate(form, data);
        Assert.True(none.IsValid, Errors(none));
        Assert.DoesNotContain("referral_reason", none.DataJson(), StringComparison.Ordinal);

        data["referral"] = 2;
        data.Remove("referral_reason");
        var errors = ShippedForms.Evaluate(form, data).Errors;
        Assert.Equal(["/referral_org_dept", "/referral_reason"], errors.Select(e => e.Path).Order());
        Assert.All(errors, e => Assert.Equal(ErrorCodes.Required, e.Code));

        data["referral_reason"] = "发育评估预警征象阳性";
        data["referral_org_dept"] = "咸阳市妇幼保健院儿童保健科";
        Assert.True(ShippedForms.Evaluate(form, data).IsValid);
    }

    [Theory]
    [InlineData(Infant, 3, new[] { 2 }, "illness_pneumonia_times")]
    [InlineData(Infant, 6, new[] { 3 }, "illness_diarrhea_times")]
    [InlineData(Toddler, 24, new[] { 4 }, "illness_injury_times")]
    [InlineData(Preschool, 5, new[] { 5 }, "illness_other")]
    public void Each_illness_asks_its_count_or_name(string form, int column, int[] illness, string detail)
    {
        var data = form switch { Infant => InfantCheck(column), Toddler => ToddlerCheck(column), _ => PreschoolCheck(column) };
        data["illness"] = new[] { 1 };
        var none = ShippedForms.Evaluate(form, data);
        Assert.True(none.IsValid, Errors(none));
        Assert.False(Visible(none, detail));

        data["illness"] = illness;
        var error = SingleError(form, data);
        Assert.Equal(("/" + detail, ErrorCodes.Required), (error.Path, error.Code));

        data[detail] = detail == "illness_other" ? "手足口病 1 次" : 2;
        Assert.True(ShippedForms.Evaluate(form, data).IsValid);
    }

    [Fact]
    public void Illness_none_excludes_the_others_and_counts_start_at_one()
    {
        var data = InfantCheck(6);
        data["illness"] = new[] { 1, 2 };
        var error = SingleError(Infant, data);
        Assert.Equal(("/illness", ErrorCodes.Exclusive, "两次随访间患病情况选择“无”时不能再选其他项"), (error.Path, error.Code, error.Message));

        data["illness"] = new[] { 2, 3 };
        data["illness_pneumonia_times"] = 0;
        data["illness_diarrhea_times"] = 2;
        error = SingleError(Infant, data);
        Assert.Equal(("/illness_pneumonia_times", ErrorCodes.Minimum, "肺炎次数不能小于 1 次"), (error.Path, error.Code, error.Message));
    }

    [Theory]
    [InlineData(Infant, 6, "guidance", new[] { 1, 6 }, "guidance_other")]
    [InlineData(Toddler, 12, "guidance", new[] { 6 }, "guidance_other")]
    [InlineData(Preschool, 3, "guidance", new[] { 2, 6 }, "guidance_other")]
    [InlineData(Infant, 6, "tcm_service_6", new[] { 1, 4 }, "tcm_service_other")]
    [InlineData(Toddler, 12, "tcm_service_12", new[] { 4 }, "tcm_service_other")]
    [InlineData(Toddler, 18, "tcm_service_18_24", new[] { 3, 4 }, "tcm_service_other")]
    [InlineData(Toddler, 24, "tcm_service_18_24", new[] { 4 }, "tcm_service_other")]
    [InlineData(Toddler, 30, "tcm_service_30", new[] { 1, 2, 3, 4 }, "tcm_service_other")]
    [InlineData(Preschool, 3, "tcm_service_36", new[] { 4 }, "tcm_service_other")]
    public void Other_guidance_asks_what_it_was(string form, int column, string key, int[] codes, string other)
    {
        var data = form switch { Infant => InfantCheck(column), Toddler => ToddlerCheck(column), _ => PreschoolCheck(column) };
        data[key] = codes.Where(c => c != codes.Max()).DefaultIfEmpty(1).ToArray();
        var without = ShippedForms.Evaluate(form, data);
        Assert.True(without.IsValid, Errors(without));
        Assert.False(Visible(without, other));

        data[key] = codes;
        var error = SingleError(form, data);
        Assert.Equal(("/" + other, ErrorCodes.Required), (error.Path, error.Code));
    }

    [Theory]
    [InlineData(Infant, 1, "tcm_service_6")]
    [InlineData(Infant, 8, "tcm_service_6")]
    [InlineData(Toddler, 24, "tcm_service_12")]
    [InlineData(Toddler, 12, "tcm_service_30")]
    [InlineData(Preschool, 4, "tcm_service_36")]
    public void Tcm_answers_of_another_month_age_are_dropped_with_their_other(string form, int column, string key)
    {
        var data = form switch { Infant => InfantCheck(column), Toddler => ToddlerCheck(column), _ => PreschoolCheck(column) };
        data[key] = new[] { 4 };
        data["tcm_service_other"] = "小儿推拿";
        var result = ShippedForms.Evaluate(form, data);
        Assert.True(result.IsValid, Errors(result));
        Assert.DoesNotContain("tcm_service", result.DataJson(), StringComparison.Ordinal);
    }

    // ---- 1～8月龄 ----------------------------------------------------------------------------------

    private static readonly string[] InfantByMonth =
        ["hearing", "mouth", "teeth", "umbilical", "umbilical_exam", "rickets_symptoms", "rickets_signs_3", "rickets_signs_6_8",
         "dev_warning_3", "dev_warning_6", "dev_warning_8", "tcm_service_6"];

    [Theory]
    [InlineData(1, "mouth umbilical")]
    [InlineData(3, "mouth umbilical_exam rickets_symptoms rickets_signs_3 dev_warning_3")]
    [InlineData(6, "hearing mouth umbilical_exam rickets_symptoms rickets_signs_6_8 dev_warning_6 tcm_service_6")]
    [InlineData(8, "teeth umbilical_exam rickets_symptoms rickets_signs_6_8 dev_warning_8")]
    public void Infant_rows_follow_the_month_column(int month, string shown)
    {
        var expected = shown.Split(' ');
        var result = ShippedForms.Evaluate(Infant, InfantCheck(month));
        Assert.All(InfantByMonth, key => Assert.True(expected.Contains(key) == Visible(result, key), $"{key} at {month} months"));
        Assert.All(new[] { "weight", "length", "head_circ", "fontanelle", "neck_mass", "hb", "outdoor_hours", "vit_d", "illness", "guidance" },
            key => Assert.True(Visible(result, key), key));
    }

    [Fact]
    public void Infant_answers_for_another_column_are_dropped()
    {
        var data = InfantCheck(3);
        data["hearing"] = 2;
        data["teeth"] = 2;
        data["umbilical"] = 1;
        data["rickets_signs_6_8"] = new[] { 7 };
        var result = ShippedForms.Evaluate(Infant, data);
        Assert.True(result.IsValid, Errors(result));
        Assert.Equal(
            """{"visit_month":3,"visit_date":"2026-11-20","weight":7.5,"length":66,"dev_warning_3":[0],"referral":1,"next_visit_date":"2027-01-20"}""",
            result.DataJson());
    }

    [Theory]
    [InlineData(3, "rickets_signs_3", new[] { 1, 2 }, "可疑佝偻病体征选择“无”时不能再选其他项")]
    [InlineData(6, "rickets_signs_6_8", new[] { 1, 7 }, "可疑佝偻病体征选择“无”时不能再选其他项")]
    [InlineData(8, "rickets_symptoms", new[] { 1, 3 }, "可疑佝偻病症状选择“无”时不能再选其他项")]
    public void Rickets_none_excludes_the_signs(int month, string key, int[] codes, string message)
    {
        var data = InfantCheck(month);
        data[key] = codes;
        var error = SingleError(Infant, data);
        Assert.Equal(("/" + key, ErrorCodes.Exclusive, message), (error.Path, error.Code, error.Message));

        data[key] = codes.Skip(1).ToArray();
        Assert.True(ShippedForms.Evaluate(Infant, data).IsValid);
    }

    [Fact]
    public void The_three_month_signs_offer_only_skull_softening()
    {
        var data = InfantCheck(3);
        data["rickets_signs_3"] = new[] { 7 }; // 方颅 is on the 6/8-month list only
        var error = SingleError(Infant, data);
        Assert.Equal(("/rickets_signs_3/0", ErrorCodes.Enum), (error.Path, error.Code)); // the first (only) code ticked
    }

    [Fact]
    public void The_full_month_umbilicus_asks_what_else_was_seen()
    {
        var data = InfantCheck(1);
        data["umbilical"] = 4;
        var error = SingleError(Infant, data);
        Assert.Equal(("/umbilical_other", ErrorCodes.Required), (error.Path, error.Code));

        data["umbilical"] = 2;
        data["umbilical_other"] = "dropped";
        var result = ShippedForms.Evaluate(Infant, data);
        Assert.True(result.IsValid, Errors(result));
        Assert.False(Visible(result, "umbilical_other"));
    }

    [Theory]
    [InlineData(Infant, 2, 1)]
    [InlineData(Toddler, 2, 1)]
    public void An_open_fontanelle_asks_its_size(string form, int open, int closed)
    {
        var data = form == Infant ? InfantCheck(6) : ToddlerCheck(12);
        data["fontanelle"] = open;
        var errors = ShippedForms.Evaluate(form, data).Errors;
        Assert.Equal(["/fontanelle_length", "/fontanelle_width"], errors.Select(e => e.Path).Order());
        Assert.All(errors, e => Assert.Equal(ErrorCodes.Required, e.Code));

        data["fontanelle_width"] = 1.0;
        data["fontanelle_length"] = 1.5;
        Assert.True(ShippedForms.Evaluate(form, data).IsValid);

        data["fontanelle"] = closed;
        var result = ShippedForms.Evaluate(form, data);
        Assert.True(result.IsValid);
        Assert.DoesNotContain("fontanelle_width", result.DataJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("complexion", 3, "complexion_other")]
    [InlineData("complexion", 1, null)]
    [InlineData("complexion", 2, null)] // 黄染 needs no words
    public void Infant_complexion_other_is_asked_for_code_3(string key, int code, string? detail)
    {
        var data = InfantCheck(3);
        data[key] = code;
        var result = ShippedForms.Evaluate(Infant, data);
        if (detail is null)
        {
            Assert.True(result.IsValid, Errors(result));
            Assert.False(Visible(result, "complexion_other"));
        }
        else
        {
            var error = Assert.Single(result.Errors);
            Assert.Equal(("/" + detail, ErrorCodes.Required), (error.Path, error.Code));
        }
    }

    [Theory]
    [InlineData("neck_mass", 1, true)] // this form prints 1有 2无
    [InlineData("neck_mass", 2, false)]
    [InlineData("skin", 2, true)]
    [InlineData("ears", 2, true)]
    [InlineData("umbilical_exam", 2, true)]
    [InlineData("anus_genitalia", 2, true)]
    [InlineData("anus_genitalia", 1, false)]
    public void Infant_abnormal_findings_open_the_optional_description(string key, int code, bool shown)
    {
        var data = InfantCheck(6);
        data[key] = code;
        var result = ShippedForms.Evaluate(Infant, data);
        Assert.True(result.IsValid, Errors(result));
        Assert.Equal(shown, Visible(result, "exam_abnormal_detail"));
    }

    [Theory]
    [InlineData("weight", 16.0, ErrorCodes.Maximum, "体重不能大于 15 kg")]
    [InlineData("length", 39.5, ErrorCodes.Minimum, "身长不能小于 40 cm")]
    [InlineData("teeth", 21, ErrorCodes.Maximum, "出牙数不能大于 20 颗")]
    [InlineData("hb", 25, ErrorCodes.Minimum, "血红蛋白值不能小于 30 g/L")]
    [InlineData("outdoor_hours", 25, ErrorCodes.Maximum, "户外活动不能大于 24 小时/日")]
    [InlineData("vit_d", 2500, ErrorCodes.Maximum, "服用维生素D不能大于 2000 IU/日")]
    public void Infant_implausible_numbers_are_refused(string key, double value, string code, string message)
    {
        var data = InfantCheck(8);
        data[key] = value;
        var error = SingleError(Infant, data);
        Assert.Equal(("/" + key, code, message), (error.Path, error.Code, error.Message));
    }

    [Fact]
    public void Infant_column_codes_are_the_month_ages()
    {
        var data = InfantCheck(3);
        data["visit_month"] = 2;
        var error = SingleError(Infant, data);
        Assert.Equal(("/visit_month", ErrorCodes.Enum, "月龄的取值无效，可选：1 满月、3 3月龄、6 6月龄、8 8月龄"), (error.Path, error.Code, error.Message));
    }

    [Theory]
    // 满月 → 3 months: 30 Nov + 3 months has no 30 Feb, so the month's last day.
    [InlineData("2025-11-30", 1, "2025-12-29", "2026-02-28")]
    [InlineData("2027-11-30", 1, "2027-12-29", "2028-02-29")] // 2028 is a leap year
    [InlineData("2026-01-31", 1, "2026-03-01", "2026-04-30")] // April has 30 days
    // 3 → 6 months.
    [InlineData("2025-08-31", 3, "2025-11-30", "2026-02-28")]
    [InlineData("2027-08-31", 3, "2027-11-30", "2028-02-29")]
    // 6 → 8 months.
    [InlineData("2026-03-20", 6, "2026-09-22", "2026-11-20")]
    [InlineData("2025-06-30", 6, "2025-12-30", "2026-02-28")]
    // 8 → 12 months (12～30月龄 form).
    [InlineData("2025-05-31", 8, "2026-01-31", "2026-05-31")]
    [InlineData("2024-02-29", 8, "2024-10-29", "2025-02-28")] // born on 29 Feb: first birthday in a common year
    public void Infant_next_check_is_the_next_month_age_from_birth(string birth, int month, string visit, string expected)
    {
        var result = ShippedForms.Evaluate(Infant, InfantCheck(month, visit, expected), Born(birth));
        Assert.Equal(expected, result.Outcome("next_visit_date").Text());
        Assert.Contains(result.Suggestions, s => s.Field.Key == "next_visit_date" && s.Value.Text() == expected);
    }

    [Theory]
    [InlineData("2026-09-15")] // 8 months old on 2026-09-10: the suggested date has passed
    [InlineData("2026-09-10")] // on the day itself: not after the check either
    public void A_late_check_gets_no_suggestion(string visit)
    {
        var result = ShippedForms.Evaluate(Infant, InfantCheck(6, visit), Born("2026-01-10"));
        Assert.Equal("(null)", result.Outcome("next_visit_date").Text());
        Assert.DoesNotContain(result.Suggestions, s => s.Field.Key == "next_visit_date");
    }

    [Fact]
    public void Without_a_birth_date_no_next_check_is_suggested()
    {
        Assert.Equal("(null)", ShippedForms.Evaluate(Infant, InfantCheck(3)).Outcome("next_visit_date").Text());
    }

    [Fact]
    public void The_infant_check_months_are_parameters()
    {
        // Born 15 Jan: 6 months is 15 Jul; with the next check moved to 5 months, 15 Jun.
        var data = InfantCheck(3, "2026-04-16");
        Assert.Equal("2026-07-15", ShippedForms.Evaluate(Infant, data, Born("2026-01-15")).Outcome("next_visit_date").Text());
        Assert.Equal("2026-06-15", ShippedForms.Evaluate(Infant, data, Born("2026-01-15", ("next_check_month_after_3", 5))).Outcome("next_visit_date").Text());
    }

    // ---- 12～30月龄 --------------------------------------------------------------------------------

    private static readonly string[] ToddlerByMonth =
        ["fontanelle", "hearing", "dev_warning_12", "dev_warning_18", "dev_warning_24", "dev_warning_30", "tcm_service_12", "tcm_service_18_24", "tcm_service_30"];

    [Theory]
    [InlineData(12, "fontanelle hearing dev_warning_12 tcm_service_12")]
    [InlineData(18, "fontanelle dev_warning_18 tcm_service_18_24")]
    [InlineData(24, "hearing dev_warning_24 tcm_service_18_24")]
    [InlineData(30, "dev_warning_30 tcm_service_30")]
    public void Toddler_rows_follow_the_month_column(int month, string shown)
    {
        var expected = shown.Split(' ');
        var result = ShippedForms.Evaluate(Toddler, ToddlerCheck(month));
        Assert.All(ToddlerByMonth, key => Assert.True(expected.Contains(key) == Visible(result, key), $"{key} at {month} months"));
        Assert.All(new[] { "weight", "length", "teeth", "caries", "gait", "rickets_signs", "hb", "outdoor_hours", "vit_d", "guidance" },
            key => Assert.True(Visible(result, key), key));
    }

    [Fact]
    public void The_fontanelle_is_not_asked_from_24_months()
    {
        var data = ToddlerCheck(24);
        data["fontanelle"] = 2; // no size given: would be required if the row were shown
        var result = ShippedForms.Evaluate(Toddler, data);
        Assert.True(result.IsValid, Errors(result));
        Assert.False(Visible(result, "fontanelle_width"));
        Assert.DoesNotContain("fontanelle", result.DataJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Toddler, 2, 3, false)]
    [InlineData(Toddler, 2, 2, true)]
    [InlineData(Toddler, 0, 0, true)]
    [InlineData(Preschool, 20, 21, false)]
    [InlineData(Preschool, 20, 4, true)]
    public void Caries_cannot_outnumber_teeth(string form, int teeth, int caries, bool valid)
    {
        var data = form == Toddler ? ToddlerCheck(18) : PreschoolCheck(4);
        data["teeth"] = teeth;
        data["caries"] = caries;
        var result = ShippedForms.Evaluate(form, data);
        Assert.Equal(valid, result.IsValid);
        if (!valid)
        {
            var error = Assert.Single(result.Errors);
            Assert.Equal(("/caries", "rule:caries_not_above_teeth", form == Toddler ? "龋齿数不能多于出牙数" : "龋齿数不能多于牙数"), (error.Path, error.Code, error.Message));
        }
    }

    [Fact]
    public void Caries_alone_is_not_checked_against_missing_teeth()
    {
        var data = ToddlerCheck(18);
        data["caries"] = 1;
        Assert.True(ShippedForms.Evaluate(Toddler, data).IsValid);
    }

    [Theory]
    [InlineData(2, true)]
    [InlineData(1, false)]
    public void Toddler_complexion_other_is_code_2(int complexion, bool asked)
    {
        var data = ToddlerCheck(12);
        data["complexion"] = complexion;
        var result = ShippedForms.Evaluate(Toddler, data);
        Assert.Equal(asked, Visible(result, "complexion_other"));
        Assert.Equal(asked ? ["/complexion_other"] : Array.Empty<string>(), result.Errors.Select(e => e.Path).ToArray());
    }

    [Theory]
    [InlineData("gait", 2, true)]
    [InlineData("skin", 2, true)]
    [InlineData("gait", 1, false)]
    public void Toddler_abnormal_findings_open_the_optional_description(string key, int code, bool shown)
    {
        var data = ToddlerCheck(18);
        data[key] = code;
        var result = ShippedForms.Evaluate(Toddler, data);
        Assert.True(result.IsValid, Errors(result));
        Assert.Equal(shown, Visible(result, "exam_abnormal_detail"));
    }

    [Fact]
    public void Toddler_rickets_signs_include_bow_and_knock_knees_and_none_excludes()
    {
        var data = ToddlerCheck(18);
        data["rickets_signs"] = new[] { 6, 7 };
        Assert.True(ShippedForms.Evaluate(Toddler, data).IsValid);

        data["rickets_signs"] = new[] { 1, 6 };
        var error = SingleError(Toddler, data);
        Assert.Equal(("/rickets_signs", ErrorCodes.Exclusive, "可疑佝偻病体征选择“无”时不能再选其他项"), (error.Path, error.Code, error.Message));
    }

    [Theory]
    // 12 → 18 months: 31 Aug + 18 months is 31 Feb, so 28 Feb, or 29 in a leap year.
    [InlineData("2024-08-31", 12, "2025-09-01", "2026-02-28")]
    [InlineData("2026-08-31", 12, "2027-09-01", "2028-02-29")]
    // 18 → 24 months: born 29 Feb 2024, second birthday in a common year.
    [InlineData("2024-02-29", 18, "2025-08-30", "2026-02-28")]
    // 24 → 30 months.
    [InlineData("2024-05-15", 24, "2026-05-18", "2026-11-15")]
    [InlineData("2023-12-31", 24, "2026-01-02", "2026-06-30")] // June has 30 days
    // 30 → 36 months (3岁, 3～6岁 form).
    [InlineData("2023-08-31", 30, "2026-03-02", "2026-08-31")]
    public void Toddler_next_check_is_the_next_month_age_from_birth(string birth, int month, string visit, string expected)
    {
        var result = ShippedForms.Evaluate(Toddler, ToddlerCheck(month, visit, expected), Born(birth));
        Assert.Equal(expected, result.Outcome("next_visit_date").Text());
        Assert.Contains(result.Suggestions, s => s.Field.Key == "next_visit_date" && s.Value.Text() == expected);
    }

    [Fact]
    public void The_toddler_check_months_are_parameters()
    {
        // Born 10 Mar 2024: 36 months is 10 Mar 2027; with the 3-year check moved to 37 months, 10 Apr 2027.
        var data = ToddlerCheck(30, "2026-09-12");
        Assert.Equal("2027-03-10", ShippedForms.Evaluate(Toddler, data, Born("2024-03-10")).Outcome("next_visit_date").Text());
        Assert.Equal("2027-04-10", ShippedForms.Evaluate(Toddler, data, Born("2024-03-10", ("next_check_month_after_30", 37))).Outcome("next_visit_date").Text());
    }

    // ---- 3～6岁 ------------------------------------------------------------------------------------

    private static readonly string[] PreschoolByAge =
        ["hearing", "tcm_service_36", "dev_warning_3y", "dev_warning_4y", "dev_warning_5y", "dev_warning_6y"];

    [Theory]
    [InlineData(3, "hearing tcm_service_36 dev_warning_3y")]
    [InlineData(4, "dev_warning_4y")]
    [InlineData(5, "dev_warning_5y")]
    [InlineData(6, "dev_warning_6y")]
    public void Preschool_rows_follow_the_age_column(int age, string shown)
    {
        var expected = shown.Split(' ');
        var result = ShippedForms.Evaluate(Preschool, PreschoolCheck(age));
        Assert.All(PreschoolByAge, key => Assert.True(expected.Contains(key) == Visible(result, key), $"{key} at {age}"));
        Assert.All(new[] { "weight_level", "height_level", "weight_for_height_level", "growth_eval", "vision_left", "vision_right", "teeth", "caries", "hb", "exam_other" },
            key => Assert.True(Visible(result, key), key));
    }

    [Theory]
    [InlineData(3, true)]
    [InlineData(4, true)]
    [InlineData(5, true)]
    [InlineData(6, false)]
    public void The_next_check_date_is_required_before_the_last_check(int age, bool required)
    {
        var result = ShippedForms.Evaluate(Preschool, PreschoolCheck(age, next: null));
        Assert.Equal(required, result.IsRequired(result.Form.Field("next_visit_date")));
        Assert.Equal(required ? ["/next_visit_date"] : Array.Empty<string>(), result.Errors.Select(e => e.Path).ToArray());
    }

    [Fact]
    public void A_next_date_given_at_6_must_still_follow_the_check()
    {
        var error = SingleError(Preschool, PreschoolCheck(6, "2026-11-20", "2026-11-01"));
        Assert.Equal(("/next_visit_date", "rule:next_visit_after_visit"), (error.Path, error.Code));
    }

    [Theory]
    // Next birthday: age × 12 + 12 months from birth.
    [InlineData("2020-02-29", 3, "2023-03-01", "2024-02-29")] // 4th birthday falls on 29 Feb 2024
    [InlineData("2020-02-29", 4, "2024-03-05", "2025-02-28")] // 5th in a common year
    [InlineData("2020-02-29", 5, "2025-03-01", "2026-02-28")]
    [InlineData("2021-11-18", 4, "2026-01-15", "2026-11-18")]
    [InlineData("2022-12-31", 3, "2026-01-05", "2026-12-31")]
    public void Preschool_next_check_is_the_next_birthday(string birth, int age, string visit, string expected)
    {
        var result = ShippedForms.Evaluate(Preschool, PreschoolCheck(age, visit, expected), Born(birth));
        Assert.Equal(expected, result.Outcome("next_visit_date").Text());
        Assert.Contains(result.Suggestions, s => s.Field.Key == "next_visit_date" && s.Value.Text() == expected);
    }

    [Fact]
    public void No_check_is_suggested_after_6_unless_the_last_age_is_raised()
    {
        var data = PreschoolCheck(6, "2026-03-12", null);
        var last = ShippedForms.Evaluate(Preschool, data, Born("2020-03-10"));
        Assert.Equal("(null)", last.Outcome("next_visit_date").Text());
        Assert.True(last.IsValid, Errors(last));

        // With checks up to 7: the 7th birthday, and the date becomes required.
        var raised = ShippedForms.Evaluate(Preschool, data, Born("2020-03-10", ("last_check_age", 7)));
        Assert.Equal("2027-03-10", raised.Outcome("next_visit_date").Text());
        var error = Assert.Single(raised.Errors);
        Assert.Equal(("/next_visit_date", ErrorCodes.Required), (error.Path, error.Code));
    }

    [Fact]
    public void The_yearly_interval_is_a_parameter()
    {
        // Born 10 May 2022, checked at 3: 3 × 12 + 6 = 42 months → 10 Nov 2025.
        var data = PreschoolCheck(3, "2025-05-12");
        Assert.Equal("2025-11-10", ShippedForms.Evaluate(Preschool, data, Born("2022-05-10", ("check_interval_months", 6))).Outcome("next_visit_date").Text());
    }

    [Fact]
    public void Hearing_is_screened_at_3_only()
    {
        var data = PreschoolCheck(4);
        data["hearing"] = 2;
        var result = ShippedForms.Evaluate(Preschool, data);
        Assert.True(result.IsValid, Errors(result));
        Assert.DoesNotContain("hearing", result.DataJson(), StringComparison.Ordinal);

        data["visit_age"] = 3;
        data.Remove("dev_warning_4y");
        data["dev_warning_3y"] = new[] { 0 };
        Assert.Contains("\"hearing\":2", ShippedForms.Evaluate(Preschool, data).DataJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(5.4, ErrorCodes.Maximum, "视力（左眼）不能大于 5.3")]
    [InlineData(0.05, ErrorCodes.Minimum, "视力（左眼）不能小于 0.1")]
    public void Vision_accepts_both_chart_scales_and_nothing_beyond(double vision, string code, string message)
    {
        var data = PreschoolCheck(5);
        data["vision_left"] = 1.0; // 国际标准视力表
        data["vision_right"] = 4.9; // 对数视力表
        Assert.True(ShippedForms.Evaluate(Preschool, data).IsValid);

        data["vision_left"] = vision;
        var error = SingleError(Preschool, data);
        Assert.Equal(("/vision_left", code, message), (error.Path, error.Code, error.Message));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void Growth_evaluation_takes_the_printed_codes(int code)
    {
        var data = PreschoolCheck(4);
        data["growth_eval"] = code;
        Assert.True(ShippedForms.Evaluate(Preschool, data).IsValid);

        data["growth_eval"] = 6;
        Assert.Equal(ErrorCodes.Enum, SingleError(Preschool, data).Code);
    }

    [Theory]
    [InlineData("weight", 7.5, ErrorCodes.Minimum, "体重不能小于 8 kg")]
    [InlineData("height", 141, ErrorCodes.Maximum, "身高不能大于 140 cm")]
    [InlineData("teeth", 33, ErrorCodes.Maximum, "牙数不能大于 32 颗")]
    [InlineData("hb", 221, ErrorCodes.Maximum, "血红蛋白值不能大于 220 g/L")]
    public void Preschool_implausible_numbers_are_refused(string key, double value, string code, string message)
    {
        var data = PreschoolCheck(5);
        data[key] = value;
        var error = SingleError(Preschool, data);
        Assert.Equal(("/" + key, code, message), (error.Path, error.Code, error.Message));
    }
}
