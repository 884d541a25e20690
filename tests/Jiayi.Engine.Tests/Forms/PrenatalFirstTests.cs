using System.Collections.Frozen;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Tests.Support;

namespace Jiayi.Engine.Tests.Forms;

/// <summary>
/// 第1次产前检查服务记录表: expected date of delivery (Naegele), gestational age from the LMP, 早孕建册,
/// the suggested second visit, BMI and the date and history rules, worked by hand from standard-forms.md §1.5.
/// </summary>
public class PrenatalFirstTests
{
    private const string Id = "prenatal-first";

    /// <summary>A woman born 1996-04-12, first seen on 2026-11-10 with an LMP of 2026-08-28 (10 weeks 4 days).</summary>
    private static readonly SubjectInfo Woman = new(new DateOnly(1996, 4, 12), "女");

    private static Dictionary<string, object?> Record() => new()
    {
        ["fill_date"] = "2026-11-10",
        ["lmp"] = "2026-08-28",
        ["gest_weeks"] = 10,
        ["gest_days"] = 4,
        ["gravidity"] = 1,
        ["overall"] = 1,
        ["referral"] = 1,
        ["next_visit_date"] = "2026-12-18",
    };

    private static EvaluationResult Evaluate(Dictionary<string, object?> data, SubjectInfo? subject = null) =>
        ShippedForms.Evaluate(Id, data, ShippedForms.Context with { Subject = subject ?? Woman });

    private static ValidationError SingleError(Dictionary<string, object?> data, SubjectInfo? subject = null) =>
        Assert.Single(Evaluate(data, subject).Errors);

    [Fact]
    public void A_complete_record_is_valid()
    {
        var result = Evaluate(Record());
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Fact]
    public void Missing_required_answers_are_named()
    {
        var result = ShippedForms.Evaluate(Id, "{}");
        var paths = result.Errors.Where(e => e.Code == ErrorCodes.Required).Select(e => e.Path).Order();
        Assert.Equal(["/fill_date", "/gest_weeks", "/gravidity", "/lmp", "/next_visit_date", "/overall", "/referral"], paths);
        Assert.Contains(result.Errors, e => e is { Path: "/lmp", Message: "请填写末次月经" });
        Assert.Contains(result.Errors, e => e is { Path: "/overall", Message: "请选择总体评估" });
    }

    // Naegele: month +9 (or −3 with the year +1), day +7, i.e. addDays(addMonths(lmp, 9), 7).
    // 2026-08-28: +9 months = 2027-05-28, +7 days = 2027-06-04 (28 + 7 = 35 − 31 days of May).
    // 2026-02-10: +9 months = 2026-11-10, +7 days = 2026-11-17.
    // 2023-06-25: +9 months = 2024-03-25, +7 days = 2024-04-01.
    // Leap year: 2023-05-22 → 2024-02-22 → 2024-02-29 (February 2024 has a 29th).
    // Leap year: 2023-05-25 → 2024-02-25 → 2024-03-03 (25 + 7 = 32 − 29), but 2025-05-25 → 2026-02-25 → 2026-03-04 (32 − 28).
    // Month end: 2023-05-30 → 2024-02-29 (no 30 February: the month's last day) → 2024-03-07;
    //            2025-05-30 → 2026-02-28 → 2026-03-07.
    [Theory]
    [InlineData("2026-08-28", "2027-06-04")]
    [InlineData("2026-02-10", "2026-11-17")]
    [InlineData("2023-06-25", "2024-04-01")]
    [InlineData("2023-05-22", "2024-02-29")]
    [InlineData("2023-05-25", "2024-03-03")]
    [InlineData("2025-05-25", "2026-03-04")]
    [InlineData("2023-05-30", "2024-03-07")]
    [InlineData("2025-05-30", "2026-03-07")]
    public void The_expected_date_of_delivery_follows_naegeles_rule(string lmp, string edd)
    {
        var data = Record();
        data["lmp"] = lmp;
        data["fill_date"] = DateOnly.Parse(lmp, System.Globalization.CultureInfo.InvariantCulture).AddDays(70).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(edd, Evaluate(data).Value("edd").Text());
    }

    [Fact]
    public void Whatever_edd_a_client_sends_is_replaced_by_the_calculation()
    {
        var data = Record();
        data["edd"] = "2027-01-01";
        var result = Evaluate(data);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal("2027-06-04", result.Value("edd").Text());
        Assert.Contains("\"edd\":\"2027-06-04\"", result.DataJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_lmp_hides_the_lmp_and_asks_for_an_estimated_edd()
    {
        var data = Record();
        data["lmp_unknown"] = true;
        var result = Evaluate(data);
        Assert.False(result.IsVisible(result.Form.Field("lmp")));
        Assert.True(result.IsVisible(result.Form.Field("edd_estimated")));
        var error = Assert.Single(result.Errors);
        Assert.Equal(("/edd_estimated", ErrorCodes.Required, "请填写预产期（估计）"), (error.Path, error.Code, error.Message));

        data["edd_estimated"] = "2027-06-10"; // e.g. by ultrasound
        result = Evaluate(data);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal("2027-06-10", result.Value("edd").Text());
        Assert.DoesNotContain("\"lmp\"", result.DataJson(), StringComparison.Ordinal); // the hidden LMP is dropped
        Assert.True(result.Outcome("gest_weeks_by_lmp").IsNull);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(false)]
    public void A_known_lmp_is_asked_and_no_estimate_is(bool? unknown)
    {
        var data = Record();
        if (unknown is not null)
        {
            data["lmp_unknown"] = unknown;
        }

        data["edd_estimated"] = "2027-06-10";
        var result = Evaluate(data);
        Assert.True(result.IsVisible(result.Form.Field("lmp")));
        Assert.True(result.IsRequired(result.Form.Field("lmp")));
        Assert.False(result.IsVisible(result.Form.Field("edd_estimated")));
        Assert.Equal("2027-06-04", result.Value("edd").Text()); // from the LMP, not the dropped estimate
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    // Days from the LMP to the fill date, as whole weeks and remaining days:
    // 2026-08-28 → 2026-11-10: 3 (to 31 Aug) + 30 + 31 + 10 = 74 days = 10 weeks 4 days.
    // 2024-02-20 → 2024-04-02 (leap year): 9 (to 29 Feb) + 31 + 2 = 42 days = 6 weeks 0 days.
    // 2026-02-20 → 2026-04-02: 8 (to 28 Feb) + 31 + 2 = 41 days = 5 weeks 6 days.
    // 2026-11-10 → 2026-11-10: 0 days.
    [Theory]
    [InlineData("2026-08-28", "2026-11-10", 10, 4)]
    [InlineData("2024-02-20", "2024-04-02", 6, 0)]
    [InlineData("2026-02-20", "2026-04-02", 5, 6)]
    [InlineData("2026-11-10", "2026-11-10", 0, 0)]
    public void Gestational_age_is_suggested_from_the_lmp(string lmp, string fillDate, int weeks, int days)
    {
        var data = Record();
        data["lmp"] = lmp;
        data["fill_date"] = fillDate;
        data.Remove("gest_weeks");
        data.Remove("gest_days");
        var result = Evaluate(data);
        Assert.Equal((weeks.ToString(System.Globalization.CultureInfo.InvariantCulture), days.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (result.Outcome("gest_weeks_by_lmp").Text(), result.Outcome("gest_days_by_lmp").Text()));
        Assert.Contains(result.Suggestions, s => s.Field.Key == "gest_weeks" && s.Value.Text() == weeks.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(result.Suggestions, s => s.Field.Key == "gest_days" && s.Value.Text() == days.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(8, "是")]
    [InlineData(12, "是")]
    [InlineData(13, "否")]
    [InlineData(20, "否")]
    public void Early_registration_is_before_13_weeks(int weeks, string expected)
    {
        var data = Record();
        data["gest_weeks"] = weeks;
        data["gest_days"] = 6; // 12 weeks 6 days is still before 13 weeks
        Assert.Equal(expected, Evaluate(data).Outcome("early_registration").Text());
    }

    [Fact]
    public void Early_registration_is_not_decided_without_the_gestational_age()
    {
        var data = Record();
        data.Remove("gest_weeks");
        Assert.Equal("(null)", Evaluate(data).Outcome("early_registration").Text());
    }

    [Fact]
    public void The_early_registration_threshold_is_a_parameter()
    {
        var data = Record();
        data["gest_weeks"] = 12;
        var context = ShippedForms.Context with
        {
            Subject = Woman,
            ParameterOverrides = new Dictionary<string, Value> { ["early_weeks"] = Value.Number(12) }.ToFrozenDictionary(),
        };
        Assert.Equal("否", ShippedForms.Evaluate(Id, data, context).Outcome("early_registration").Text());
    }

    // The second visit is suggested at 16 weeks: 16 × 7 − (weeks × 7 + days) days after the fill date.
    // 10 weeks 4 days on 2026-11-10: 112 − 74 = 38 days → 2026-12-18 (20 days to 30 Nov + 18).
    // 12 weeks, days not given, on 2026-11-10: 112 − 84 = 28 days → 2026-12-08.
    // 15 weeks 6 days on 2026-11-10: 112 − 111 = 1 day → 2026-11-11.
    // 6 weeks 0 days on 2024-01-20: 112 − 42 = 70 days → 2024-03-30 (11 to 31 Jan + 29 Feb days + 30).
    [Theory]
    [InlineData("2026-11-10", 10, 4, "2026-12-18")]
    [InlineData("2026-11-10", 12, null, "2026-12-08")]
    [InlineData("2026-11-10", 15, 6, "2026-11-11")]
    [InlineData("2024-01-20", 6, 0, "2024-03-30")]
    public void The_next_visit_is_suggested_at_16_weeks(string fillDate, int weeks, int? days, string expected)
    {
        var data = Record();
        data["fill_date"] = fillDate;
        data.Remove("lmp");
        data["lmp_unknown"] = true;
        data["edd_estimated"] = "2027-06-10";
        data["gest_weeks"] = weeks;
        if (days is null)
        {
            data.Remove("gest_days");
        }
        else
        {
            data["gest_days"] = days;
        }

        var result = Evaluate(data);
        Assert.Equal(expected, result.Outcome("next_visit_date").Text());
        Assert.Contains(result.Suggestions, s => s.Field.Key == "next_visit_date" && s.Value.Text() == expected);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(24)]
    public void No_next_visit_is_suggested_from_16_weeks_on(int weeks)
    {
        var data = Record();
        data["gest_weeks"] = weeks;
        var result = Evaluate(data);
        Assert.True(result.Outcome("next_visit_date").IsNull);
        Assert.DoesNotContain(result.Suggestions, s => s.Field.Key == "next_visit_date");
    }

    [Theory]
    [InlineData(160, 52.5, "20.5")] // 52.5 / 1.6² = 20.51
    [InlineData(155, 48, "20")] // 48 / 1.55² = 19.98
    [InlineData(165, 70, "25.7")] // 70 / 1.65² = 25.71
    public void Bmi_is_weight_over_height_squared_to_one_decimal(decimal height, decimal weight, string bmi)
    {
        var data = Record();
        data["height"] = height;
        data["weight"] = weight;
        Assert.Equal(bmi, Evaluate(data).Value("bmi").Text());
    }

    // Age on the fill date 2026-11-10: born 1996-04-12 → 30; born 1996-11-10 → 30 that day; born 1996-11-11 → still 29.
    [Theory]
    [InlineData("1996-04-12", "30")]
    [InlineData("1996-11-10", "30")]
    [InlineData("1996-11-11", "29")]
    public void The_age_is_taken_from_the_birth_date_on_the_fill_date(string birthDate, string age)
    {
        var subject = new SubjectInfo(DateOnly.Parse(birthDate, System.Globalization.CultureInfo.InvariantCulture), "女");
        Assert.Equal(age, Evaluate(Record(), subject).Value("age").Text());
    }

    [Fact]
    public void The_record_is_for_a_woman()
    {
        var error = SingleError(Record(), new SubjectInfo(new DateOnly(1994, 5, 1), "男"));
        Assert.Equal(("/fill_date", "rule:subject_is_female", "孕产妇健康管理记录只能为女性居民填写"), (error.Path, error.Code, error.Message));
    }

    [Fact]
    public void A_fill_date_in_the_future_is_refused()
    {
        var data = Record();
        data["fill_date"] = "2026-11-26";
        var error = SingleError(data);
        Assert.Equal(("/fill_date", "rule:fill_date_not_future", "填表日期不能晚于今天"), (error.Path, error.Code, error.Message));
    }

    [Fact]
    public void The_lmp_cannot_follow_the_fill_date()
    {
        var data = Record();
        data["lmp"] = "2026-11-11";
        var error = SingleError(data);
        Assert.Equal(("/lmp", "rule:lmp_not_after_fill_date", "末次月经不能晚于填表日期"), (error.Path, error.Code, error.Message));
    }

    // 2026-11-10 − 294 days (42 weeks) = 2026-01-20: 11 + 28 + 31 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 10 = 294.
    [Theory]
    [InlineData("2026-01-20", true)]
    [InlineData("2026-01-19", false)]
    public void The_lmp_lies_within_42_weeks_of_the_fill_date(string lmp, bool valid)
    {
        var data = Record();
        data["lmp"] = lmp;
        data["gest_weeks"] = 42;
        data["gest_days"] = 0;
        var result = Evaluate(data);
        Assert.Equal(valid, result.IsValid);
        if (!valid)
        {
            var error = Assert.Single(result.Errors);
            Assert.Equal(("/lmp", "rule:lmp_within_42_weeks", "末次月经距填表日期超过 42 周，请核对"), (error.Path, error.Code, error.Message));
        }
    }

    // From 2026-11-10: 14 days before = 2026-10-27; 280 days after = 2027-08-17.
    [Theory]
    [InlineData("2026-10-27", true)]
    [InlineData("2026-10-26", false)]
    [InlineData("2027-08-17", true)]
    [InlineData("2027-08-18", false)]
    public void An_estimated_edd_must_be_plausible(string edd, bool valid)
    {
        var data = Record();
        data["lmp_unknown"] = true;
        data["edd_estimated"] = edd;
        var result = Evaluate(data);
        Assert.Equal(valid, result.IsValid);
        if (!valid)
        {
            var error = Assert.Single(result.Errors);
            Assert.Equal(("/edd_estimated", "rule:edd_estimated_plausible"), (error.Path, error.Code));
        }
    }

    [Fact]
    public void The_next_visit_follows_the_fill_date()
    {
        var data = Record();
        data["next_visit_date"] = "2026-11-10";
        var error = SingleError(data);
        Assert.Equal(("/next_visit_date", "rule:next_visit_after_fill_date", "下次随访日期应晚于填表日期"), (error.Path, error.Code, error.Message));
    }

    // Gravidity includes this pregnancy, so earlier deliveries and abortions add up to at most gravidity − 1.
    [Theory]
    [InlineData(1, 0, 0, 0, 0, true)]
    [InlineData(1, 1, 0, 0, 0, false)]
    [InlineData(3, 1, 0, 0, 1, true)]
    [InlineData(3, 1, 1, 1, 0, false)]
    [InlineData(4, 0, 1, 1, 1, true)]
    public void Earlier_pregnancies_add_up_to_less_than_the_gravidity(int gravidity, int vaginal, int cesarean, int spontaneous, int induced, bool valid)
    {
        var data = Record();
        data["gravidity"] = gravidity;
        data["parity_vaginal"] = vaginal;
        data["parity_cesarean"] = cesarean;
        data["abortion_spontaneous"] = spontaneous;
        data["abortion_induced"] = induced;
        var result = Evaluate(data);
        Assert.Equal(valid, result.IsValid);
        if (!valid)
        {
            var error = Assert.Single(result.Errors);
            Assert.Equal(("/gravidity", "rule:pregnancies_add_up"), (error.Path, error.Code));
        }
    }

    [Theory]
    [InlineData("gravidity", 0, ErrorCodes.Minimum, "孕次不能小于 1 次")]
    [InlineData("gest_weeks", 43, ErrorCodes.Maximum, "孕周（周）不能大于 42 周")]
    [InlineData("gest_days", 7, ErrorCodes.Maximum, "孕周（天）不能大于 6 天")]
    [InlineData("stillbirth", 21, ErrorCodes.Maximum, "孕产史：死产不能大于 20 次")]
    [InlineData("birth_defect", -1, ErrorCodes.Minimum, "孕产史：出生缺陷儿不能小于 0 次")]
    public void Counts_and_weeks_are_range_checked(string key, int value, string code, string message)
    {
        var data = Record();
        data[key] = value;
        var error = SingleError(data);
        Assert.Equal(("/" + key, code, message), (error.Path, error.Code, error.Message));
    }

    [Fact]
    public void Diastolic_must_be_below_systolic_and_direct_bilirubin_below_total()
    {
        var data = Record();
        data["sbp"] = 110;
        data["dbp"] = 110;
        data["tbil"] = 8.0m;
        data["dbil"] = 9.5m;
        var errors = Evaluate(data).Errors.Select(e => (e.Path, e.Code)).Order();
        Assert.Equal([("/dbil", "rule:dbil_not_above_tbil"), ("/dbp", "rule:dbp_below_sbp")], errors);
    }

    [Theory]
    [InlineData("past_history", 8, "past_history_other")]
    [InlineData("family_history", 2, "family_history_detail")]
    [InlineData("family_history", 3, "family_history_detail")]
    [InlineData("family_history", 4, "family_history_detail")]
    [InlineData("personal_history", 7, "personal_history_other")]
    [InlineData("vaginal_secretion", 4, "vaginal_secretion_other")]
    [InlineData("guidance", 6, "guidance_other")]
    public void A_ticked_other_asks_for_the_detail(string key, int code, string detail)
    {
        var data = Record();
        data[key] = new[] { code };
        var error = SingleError(data);
        Assert.Equal(("/" + detail, ErrorCodes.Required), (error.Path, error.Code));

        data[detail] = "说明";
        Assert.True(Evaluate(data).IsValid);
    }

    [Theory]
    [InlineData("past_history", 1, "past_history_other")]
    [InlineData("past_history", 5, "past_history_other")]
    [InlineData("family_history", 1, "family_history_detail")]
    [InlineData("personal_history", 2, "personal_history_other")]
    [InlineData("vaginal_secretion", 2, "vaginal_secretion_other")]
    [InlineData("guidance", 1, "guidance_other")]
    public void Without_other_the_detail_is_hidden_and_dropped(string key, int code, string detail)
    {
        var data = Record();
        data[key] = new[] { code };
        data[detail] = "多余";
        var result = Evaluate(data);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.False(result.IsVisible(result.Form.Field(detail)));
        Assert.DoesNotContain(detail, result.DataJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gyn_surgery", "gyn_surgery_detail")]
    [InlineData("heart", "heart_abnormal")]
    [InlineData("lung", "lung_abnormal")]
    [InlineData("vulva", "vulva_abnormal")]
    [InlineData("vagina", "vagina_abnormal")]
    [InlineData("cervix", "cervix_abnormal")]
    [InlineData("uterus", "uterus_abnormal")]
    [InlineData("adnexa", "adnexa_abnormal")]
    [InlineData("overall", "overall_abnormal")]
    public void Code_2_asks_for_the_detail_and_code_1_hides_it(string key, string detail)
    {
        var data = Record();
        data[key] = 2;
        var error = SingleError(data);
        Assert.Equal(("/" + detail, ErrorCodes.Required), (error.Path, error.Code));

        data[key] = 1;
        data[detail] = "多余";
        var result = Evaluate(data);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.False(result.IsVisible(result.Form.Field(detail)));
    }

    [Fact]
    public void A_referral_asks_for_the_reason_and_the_facility()
    {
        var data = Record();
        data["referral"] = 2;
        var errors = Evaluate(data).Errors;
        Assert.Equal(["/referral_org_dept", "/referral_reason"], errors.Select(e => e.Path).Order());
        Assert.All(errors, e => Assert.Equal(ErrorCodes.Required, e.Code));
    }

    [Theory]
    [InlineData("past_history", new[] { 1, 5 }, "既往史选择“无”时不能再选其他项")]
    [InlineData("personal_history", new[] { 1, 2 }, "个人史选择“无特殊”时不能再选其他项")]
    [InlineData("vaginal_secretion", new[] { 1, 3 }, "阴道分泌物选择“未见异常”时不能再选其他项")]
    public void None_excludes_every_other_option(string key, int[] codes, string message)
    {
        var data = Record();
        data[key] = codes;
        var errors = Evaluate(data).Errors;
        Assert.Contains(errors, e => e.Path == "/" + key && e.Code == ErrorCodes.Exclusive && e.Message == message);
    }

    [Fact]
    public void Blood_group_and_hepatitis_results_use_text_codes()
    {
        var data = Record();
        data["abo"] = "AB";
        data["rh"] = "阴性";
        data["hbsag"] = "阳性";
        Assert.True(Evaluate(data).IsValid);

        data["abo"] = "C";
        var error = SingleError(data);
        Assert.Equal(("/abo", ErrorCodes.Enum), (error.Path, error.Code));
    }
}
