using System.Collections.Frozen;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Tests.Support;

namespace Jiayi.Engine.Tests.Forms;

/// <summary>
/// 新生儿家庭访视记录表: 日龄, the 满月 suggestion (birth date + 28 days, month ends and leap years),
/// date rules, the detail fields shown by 有 / 异常 / 其他, exclusive options and ranges, worked by hand
/// from standard-forms.md §1.6.
/// </summary>
public class NewbornVisitTests
{
    private const string Id = "newborn-visit";

    /// <summary>The least a valid record holds: born 2026-11-14, visited on day 6, 满月 visit on day 28.</summary>
    private static Dictionary<string, object?> Visit(string birth = "2026-11-14", string visit = "2026-11-20") => new()
    {
        ["visit_date"] = visit,
        ["name"] = "李娜之女",
        ["sex"] = 2,
        ["birth_date"] = birth,
        ["next_visit_date"] = "2026-12-12",
    };

    private static EvaluationContext With(params (string Key, decimal Value)[] parameters) => ShippedForms.Context with
    {
        ParameterOverrides = parameters.ToFrozenDictionary(p => p.Key, p => Value.Number(p.Value)),
    };

    private static bool Visible(EvaluationResult result, string key) => result.IsVisible(result.Form.Field(key));

    private static string Errors(EvaluationResult result) => string.Join("; ", result.Errors);

    [Fact]
    public void The_least_record_is_valid_and_stored_with_the_day_of_life()
    {
        var result = ShippedForms.Evaluate(Id, Visit());
        Assert.True(result.IsValid, Errors(result));
        Assert.Equal(
            """{"visit_date":"2026-11-20","days_old":6,"name":"李娜之女","sex":2,"birth_date":"2026-11-14","next_visit_date":"2026-12-12"}""",
            result.DataJson());
    }

    [Fact]
    public void Missing_required_answers_are_named()
    {
        var result = ShippedForms.Evaluate(Id, "{}");
        Assert.All(result.Errors, e => Assert.Equal(ErrorCodes.Required, e.Code));
        Assert.Equal(new[] { "/birth_date", "/name", "/next_visit_date", "/sex", "/visit_date" }, result.Errors.Select(e => e.Path).Order());
        Assert.Contains(result.Errors, e => e is { Path: "/visit_date", Message: "请填写本次访视日期" });
        Assert.Contains(result.Errors, e => e is { Path: "/sex", Message: "请选择性别" });
    }

    [Theory]
    [InlineData("2026-11-14", "2026-11-20", "6")]
    [InlineData("2026-11-20", "2026-11-20", "0")]
    [InlineData("2025-12-28", "2026-01-04", "7")]  // 3 days to 31 Dec, 4 into January
    [InlineData("2026-02-25", "2026-03-03", "6")]  // 2026 is not a leap year: 25→28 Feb is 3 days, +3
    [InlineData("2028-02-25", "2028-03-03", "7")]  // 2028 is: 29 Feb adds a day
    public void Days_old_is_visit_date_minus_birth_date(string birth, string visit, string days)
    {
        var data = Visit(birth, visit);
        data["days_old"] = 99; // a calculated value sent by a client is replaced
        Assert.Equal(days, ShippedForms.Evaluate(Id, data).Value("days_old").Text());
    }

    [Fact]
    public void Days_old_waits_for_both_dates()
    {
        var data = Visit();
        data.Remove("birth_date");
        Assert.True(ShippedForms.Evaluate(Id, data).Value("days_old").IsNull);
    }

    [Theory]
    [InlineData("2026-11-14", "2026-11-20", "2026-12-12")] // 14 Nov + 28 days: 16 left in November, 12 into December
    [InlineData("2026-01-31", "2026-02-06", "2026-02-28")] // 31 Jan + 28 days
    [InlineData("2028-01-31", "2028-02-06", "2028-02-28")] // counted in days, not months: 28 Feb even in a leap year
    [InlineData("2026-02-10", "2026-02-16", "2026-03-10")] // February 2026 has 28 days
    [InlineData("2028-02-10", "2028-02-16", "2028-03-09")] // February 2028 has 29
    [InlineData("2026-12-20", "2026-12-26", "2027-01-17")] // across the year: 11 days in December, 17 in January
    public void The_full_month_visit_is_suggested_28_days_after_birth(string birth, string visit, string expected)
    {
        var result = ShippedForms.Evaluate(Id, Visit(birth, visit));
        Assert.Equal(expected, result.Outcome("next_visit_date").Text());
        Assert.Contains(result.Suggestions, s => s.Field.Key == "next_visit_date" && s.Value.Text() == expected);
    }

    [Fact]
    public void No_full_month_date_is_suggested_once_the_baby_is_28_days_old()
    {
        // Born 2026-10-20: day 27 is 2026-11-16, day 28 is 2026-11-17.
        Assert.Equal("2026-11-17", ShippedForms.Evaluate(Id, Visit("2026-10-20", "2026-11-16")).Outcome("next_visit_date").Text());
        var late = ShippedForms.Evaluate(Id, Visit("2026-10-20", "2026-11-17"));
        Assert.True(late.Outcome("next_visit_date").IsNull);
        Assert.DoesNotContain(late.Suggestions, s => s.Field.Key == "next_visit_date");
    }

    [Fact]
    public void The_full_month_day_is_a_parameter()
    {
        // 14 Nov + 30 days = 14 Dec.
        var result = ShippedForms.Evaluate(Id, Visit(), With(("full_month_visit_days", 30)));
        Assert.Equal("2026-12-14", result.Outcome("next_visit_date").Text());
    }

    [Fact]
    public void The_birth_date_cannot_be_after_the_visit()
    {
        var result = ShippedForms.Evaluate(Id, Visit("2026-11-21", "2026-11-20"));
        var error = Assert.Single(result.Errors);
        Assert.Equal(("/birth_date", "rule:birth_date_not_after_visit", "出生日期不能晚于本次访视日期"), (error.Path, error.Code, error.Message));
        Assert.Equal("-1", result.Value("days_old").Text());
    }

    [Fact]
    public void A_visit_in_the_future_is_refused()
    {
        var data = Visit("2026-11-20", "2026-11-26");
        var error = Assert.Single(ShippedForms.Evaluate(Id, data).Errors);
        Assert.Equal(("/visit_date", "rule:visit_date_not_future", "本次访视日期不能晚于今天"), (error.Path, error.Code, error.Message));

        data["visit_date"] = "2026-11-25"; // today
        Assert.True(ShippedForms.Evaluate(Id, data).IsValid);
    }

    [Theory]
    [InlineData("2026-11-20")]
    [InlineData("2026-11-19")]
    public void The_next_visit_must_follow_the_visit(string next)
    {
        var data = Visit();
        data["next_visit_date"] = next;
        var error = Assert.Single(ShippedForms.Evaluate(Id, data).Errors);
        Assert.Equal(("/next_visit_date", "rule:next_visit_after_visit", "下次随访日期应晚于本次访视日期"), (error.Path, error.Code, error.Message));
    }

    [Theory]
    [InlineData("father_birth_date", "rule:father_born_before_child", "父亲出生日期应早于新生儿出生日期")]
    [InlineData("mother_birth_date", "rule:mother_born_before_child", "母亲出生日期应早于新生儿出生日期")]
    public void Parents_are_born_before_the_baby(string key, string code, string message)
    {
        var data = Visit();
        data[key] = "1996-07-22";
        Assert.True(ShippedForms.Evaluate(Id, data).IsValid);

        data[key] = "2026-11-14"; // the baby's own birth date
        var error = Assert.Single(ShippedForms.Evaluate(Id, data).Errors);
        Assert.Equal(("/" + key, code, message), (error.Path, error.Code, error.Message));
    }

    [Theory]
    [InlineData("61040220261114002", false)]   // 17 characters
    [InlineData("610402202611140021", true)]   // 18
    [InlineData("61040220261114002X", true)]
    public void An_id_number_when_given_has_18_characters(string idNo, bool valid)
    {
        var data = Visit();
        data["id_no"] = idNo;
        var result = ShippedForms.Evaluate(Id, data);
        Assert.Equal(valid, result.IsValid);
        if (!valid)
        {
            var error = Assert.Single(result.Errors);
            Assert.Equal(("/id_no", "rule:id_no_length", "身份证号应为 18 位"), (error.Path, error.Code, error.Message));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(9)]
    public void Sex_takes_the_four_national_codes(int code)
    {
        var data = Visit();
        data["sex"] = code;
        Assert.True(ShippedForms.Evaluate(Id, data).IsValid);
    }

    [Fact]
    public void Sex_3_is_not_a_code()
    {
        var data = Visit();
        data["sex"] = 3;
        var error = Assert.Single(ShippedForms.Evaluate(Id, data).Errors);
        Assert.Equal(("/sex", ErrorCodes.Enum), (error.Path, error.Code));
        Assert.Equal("性别的取值无效，可选：0 未知的性别、1 男、2 女、9 未说明的性别", error.Message);
    }

    public static TheoryData<string, string, object, object> Details => new()
    {
        { "maternal_illness_other", "maternal_illness", new[] { 2, 4 }, new[] { 2 } },
        { "birth_situation_other", "birth_situation", new[] { 7 }, new[] { 1 } },
        { "malformation_detail", "malformation", 2, 1 },
        { "disease_screen_other", "disease_screen", new[] { 2, 5 }, new[] { 2, 3, 4 } },
        { "stool_other", "stool", 3, 1 },
        { "complexion_other", "complexion", 3, 2 },
        { "fontanelle_other", "fontanelle", 4, 1 },
        { "skin_other", "skin", new[] { 2, 4 }, new[] { 1 } },
        { "umbilical_other", "umbilical", new[] { 4 }, new[] { 2 } },
        { "referral_reason", "referral", 2, 1 },
        { "referral_org_dept", "referral", 2, 1 },
        { "guidance_other", "guidance", new[] { 1, 6 }, new[] { 1, 2, 3 } },
    };

    [Theory]
    [MemberData(nameof(Details))]
    public void A_detail_is_asked_and_required_only_after_its_trigger(string detail, string trigger, object on, object off)
    {
        var data = Visit();
        if (trigger == "referral")
        {
            // 转诊 asks two details; fill the one not under test.
            data[detail == "referral_reason" ? "referral_org_dept" : "referral_reason"] = "咸阳市妇幼保健院新生儿科";
        }

        data[trigger] = on;
        var shown = ShippedForms.Evaluate(Id, data);
        Assert.True(Visible(shown, detail));
        var error = Assert.Single(shown.Errors);
        Assert.Equal(("/" + detail, ErrorCodes.Required), (error.Path, error.Code));

        data[detail] = "详见说明";
        Assert.True(ShippedForms.Evaluate(Id, data).IsValid);

        data[trigger] = off;
        var hidden = ShippedForms.Evaluate(Id, data);
        Assert.True(hidden.IsValid, Errors(hidden));
        Assert.False(Visible(hidden, detail));
        Assert.DoesNotContain($"\"{detail}\"", hidden.DataJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, true)]
    [InlineData(1, false)]
    [InlineData(2, false)]
    public void The_amount_of_milk_is_asked_only_for_formula_feeding(int feeding, bool asked)
    {
        var data = Visit();
        data["feeding"] = feeding;
        data["milk_ml"] = 90;
        data["feeds_per_day"] = 8;
        var result = ShippedForms.Evaluate(Id, data);
        Assert.True(result.IsValid, Errors(result));
        Assert.Equal(asked, Visible(result, "milk_ml"));
        Assert.Equal(asked, result.DataJson().Contains("\"milk_ml\":90", StringComparison.Ordinal));
        Assert.True(Visible(result, "feeds_per_day"));
    }

    [Fact]
    public void Apgar_scores_are_required_after_asphyxia_unless_unknown()
    {
        var data = Visit();
        data["asphyxia"] = 1;
        var none = ShippedForms.Evaluate(Id, data);
        Assert.True(none.IsValid);
        Assert.False(Visible(none, "apgar_unknown") || Visible(none, "apgar_1min") || Visible(none, "apgar_5min"));

        data["asphyxia"] = 2;
        var some = ShippedForms.Evaluate(Id, data);
        Assert.Equal(["/apgar_1min", "/apgar_5min"], some.Errors.Select(e => e.Path).Order());
        Assert.All(some.Errors, e => Assert.Equal(ErrorCodes.Required, e.Code));

        data["apgar_1min"] = 6;
        data["apgar_5min"] = 8;
        Assert.True(ShippedForms.Evaluate(Id, data).IsValid);

        data["apgar_unknown"] = true;
        var unknown = ShippedForms.Evaluate(Id, data);
        Assert.True(unknown.IsValid);
        Assert.False(Visible(unknown, "apgar_1min"));
        Assert.Equal(
            """{"visit_date":"2026-11-20","days_old":6,"name":"李娜之女","sex":2,"birth_date":"2026-11-14","asphyxia":2,"apgar_unknown":true,"next_visit_date":"2026-12-12"}""",
            unknown.DataJson());
    }

    [Fact]
    public void An_apgar_score_above_10_is_refused()
    {
        var data = Visit();
        data["asphyxia"] = 2;
        data["apgar_1min"] = 11;
        data["apgar_5min"] = 9;
        var error = Assert.Single(ShippedForms.Evaluate(Id, data).Errors);
        Assert.Equal(("/apgar_1min", ErrorCodes.Maximum, "Apgar 评分（1 分钟）不能大于 10 分"), (error.Path, error.Code, error.Message));
    }

    [Theory]
    [InlineData("eyes")]
    [InlineData("limbs_mobility")]
    [InlineData("ear")]
    [InlineData("nose")]
    [InlineData("mouth")]
    [InlineData("anus")]
    [InlineData("heart_lung")]
    [InlineData("chest")]
    [InlineData("abdomen")]
    [InlineData("spine")]
    [InlineData("genitalia")]
    [InlineData("neck_mass")] // 1无 2有
    public void An_abnormal_finding_opens_the_optional_description(string item)
    {
        var data = Visit();
        data[item] = 1;
        Assert.False(Visible(ShippedForms.Evaluate(Id, data), "exam_abnormal_detail"));

        data[item] = 2;
        var result = ShippedForms.Evaluate(Id, data);
        Assert.True(Visible(result, "exam_abnormal_detail"));
        Assert.True(result.IsValid, Errors(result));
    }

    [Theory]
    [InlineData("maternal_illness", 1, "母亲妊娠期患病情况选择“无”时不能再选其他项")]
    [InlineData("jaundice_site", 1, "黄疸部位选择“无”时不能再选其他项")]
    [InlineData("skin", 1, "皮肤选择“未见异常”时不能再选其他项")]
    [InlineData("disease_screen", 1, "新生儿疾病筛查选择“未进行”时不能再选其他项")]
    public void None_excludes_the_other_options(string key, int none, string message)
    {
        var data = Visit();
        data[key] = new[] { none, 2 };
        var error = Assert.Single(ShippedForms.Evaluate(Id, data).Errors);
        Assert.Equal(("/" + key, ErrorCodes.Exclusive, message), (error.Path, error.Code, error.Message));

        data[key] = new[] { none };
        Assert.True(ShippedForms.Evaluate(Id, data).IsValid);
    }

    [Fact]
    public void Screened_for_several_diseases_with_all_negative_is_allowed()
    {
        var data = Visit();
        data["disease_screen"] = new[] { 2, 3, 4 };
        Assert.True(ShippedForms.Evaluate(Id, data).IsValid);
    }

    [Theory]
    [InlineData("umbilical", new[] { 1, 2 }, "rule:umbilical_attached_or_off", "脐带不能同时选择“未脱”和“脱落”")]
    [InlineData("birth_situation", new[] { 1, 4 }, "rule:vaginal_or_caesarean", "出生情况不能同时选择“顺产”和“剖宫”")]
    public void Contradictory_ticks_are_refused(string key, int[] codes, string code, string message)
    {
        var data = Visit();
        data[key] = codes;
        var error = Assert.Single(ShippedForms.Evaluate(Id, data).Errors);
        Assert.Equal(("/" + key, code, message), (error.Path, error.Code, error.Message));
    }

    [Theory]
    [InlineData("umbilical", new[] { 2, 3 })]
    [InlineData("birth_situation", new[] { 4, 5, 6 })]
    [InlineData("birth_situation", new[] { 1, 5 })]
    public void Compatible_ticks_are_accepted(string key, int[] codes)
    {
        var data = Visit();
        data[key] = codes;
        Assert.True(ShippedForms.Evaluate(Id, data).IsValid);
    }

    [Theory]
    [InlineData("temperature", 42.5, ErrorCodes.Maximum, "体温不能大于 42 ℃")]
    [InlineData("temperature", 34.9, ErrorCodes.Minimum, "体温不能小于 35 ℃")]
    [InlineData("birth_weight", 0.4, ErrorCodes.Minimum, "出生体重不能小于 0.5 kg")]
    [InlineData("birth_weight", 6.6, ErrorCodes.Maximum, "出生体重不能大于 6.5 kg")]
    [InlineData("birth_gest_weeks", 46, ErrorCodes.Maximum, "出生孕周不能大于 45 周")]
    [InlineData("heart_rate", 59, ErrorCodes.Minimum, "心率不能小于 60 次/分钟")]
    [InlineData("fontanelle_width", 6.5, ErrorCodes.Maximum, "前囟横径不能大于 6 cm")]
    public void Implausible_numbers_are_refused(string key, double value, string code, string message)
    {
        var data = Visit();
        data[key] = value;
        var error = Assert.Single(ShippedForms.Evaluate(Id, data).Errors);
        Assert.Equal(("/" + key, code, message), (error.Path, error.Code, error.Message));
    }

    [Theory]
    [InlineData("temperature", 36.8)]
    [InlineData("birth_weight", 3.25)]
    [InlineData("birth_gest_weeks", 39)]
    [InlineData("heart_rate", 140)]
    public void Plausible_numbers_are_accepted(string key, double value)
    {
        var data = Visit();
        data[key] = value;
        Assert.True(ShippedForms.Evaluate(Id, data).IsValid);
    }
}
