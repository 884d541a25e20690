using System.Text.Json.Nodes;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Tests.Support;

namespace Jiayi.Engine.Tests.Forms;

/// <summary>
/// 健康体检表 (standard-forms.md §1.9): the elderly-only section, the detail fields shown and required by an
/// answer, the BMI and its WS/T 428-2013 class (§6.2), the waist class, the cross-field rules and the
/// tables, worked by hand.
/// </summary>
public class HealthExamTests
{
    private const string Id = "health-exam";

    /// <summary>A 46-year-old man (born 1980-05-01), examined on 2026-11-20.</summary>
    private static readonly SubjectInfo Adult = new(new DateOnly(1980, 5, 1), "男");

    /// <summary>A 71-year-old woman (born 1955-06-12).</summary>
    private static readonly SubjectInfo ElderlyWoman = new(new DateOnly(1955, 6, 12), "女");

    /// <summary>The least a record can be filed with: date, doctor, symptoms and the evaluation.</summary>
    private static Dictionary<string, object?> Exam(params (string Key, object? Value)[] more)
    {
        var data = new Dictionary<string, object?>
        {
            ["exam_date"] = "2026-11-20",
            ["doctor"] = "王建国",
            ["symptoms"] = new[] { 1 },
            ["health_evaluation"] = 1,
        };
        foreach (var (key, value) in more)
        {
            data[key] = value;
        }

        return data;
    }

    private static Dictionary<string, object?> Elderly(params (string Key, object? Value)[] more) =>
        Exam([("elderly_health_self", 1), ("elderly_self_care", 1), ("cognitive_function", 1), ("emotional_state", 1), .. more]);

    private static EvaluationResult Evaluate(Dictionary<string, object?> data, SubjectInfo? subject = null) =>
        ShippedForms.Evaluate(Id, data, subject is null ? null : ShippedForms.Context with { Subject = subject });

    private static EvaluationResult EvaluateAdult(Dictionary<string, object?> data) => Evaluate(data, Adult);

    private static (string Path, string Code) Only(EvaluationResult result)
    {
        var error = Assert.Single(result.Errors);
        return (error.Path, error.Code);
    }

    private static void AssertValid(EvaluationResult result) =>
        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => $"{e.Path} {e.Code} {e.Message}")));

    // ---- the definition ----

    [Fact]
    public void The_form_is_paged_and_keeps_the_keys_other_code_relies_on()
    {
        var form = ShippedForms.Load(Id);
        Assert.True(form.Definition.Paged);
        Assert.Equal("exam_date", form.Definition.OccurredOn);
        foreach (var key in new[] { "exam_date", "doctor", "symptoms", "sbp_left", "dbp_left", "sbp_right", "dbp_right", "height", "weight", "waist", "bmi", "fbg", "health_evaluation", "health_guidance", "risk_control" })
        {
            Assert.Equal(key, form.Field(key).Key);
        }

        Assert.Equal("mmol/L", form.Field("fbg").Unit);
        Assert.True(form.Field("bmi").IsCalculated);
        Assert.Equal("text", form.Field("doctor").Type.Key);
    }

    [Fact]
    public void Paged_is_written_in_the_canonical_text_only_when_set()
    {
        var paged = JsonNode.Parse(FormLoader.ToCanonicalJson(ShippedForms.Load(Id).Definition))!.AsObject();
        Assert.True(paged["paged"]!.GetValue<bool>());

        var plain = FormLoader.ToCanonicalJson(ShippedForms.Load("hypertension-followup").Definition);
        Assert.Null(ShippedForms.Load("hypertension-followup").Definition.Paged);
        Assert.DoesNotContain("\"paged\"", plain, StringComparison.Ordinal);
    }

    [Fact]
    public void A_paged_value_other_than_true_or_false_is_refused_when_the_file_loads()
    {
        var text = File.ReadAllText(ShippedForms.FileOf(Id)).Replace("\"paged\": true", "\"paged\": \"yes\"", StringComparison.Ordinal);
        var problem = Assert.Throws<Jiayi.Engine.Definitions.DefinitionException>(() => FormLoader.Parse(text, "health-exam.json"));
        Assert.Contains("/paged", problem.Message, StringComparison.Ordinal);
    }

    // ---- required answers ----

    [Fact]
    public void The_date_the_doctor_the_symptoms_and_the_evaluation_are_required()
    {
        var result = EvaluateAdult([]);
        Assert.Equal(
            ["/doctor", "/exam_date", "/health_evaluation", "/symptoms"],
            result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.All(result.Errors, e => Assert.Equal(ErrorCodes.Required, e.Code));
        AssertValid(EvaluateAdult(Exam()));
    }

    [Fact]
    public void The_exam_date_may_be_today_but_not_later()
    {
        AssertValid(EvaluateAdult(Exam(("exam_date", "2026-11-25"))));
        Assert.Equal(("/exam_date", "rule:exam_date_not_future"), Only(EvaluateAdult(Exam(("exam_date", "2026-11-26")))));
    }

    // ---- symptoms ----

    [Fact]
    public void No_symptom_excludes_the_others_and_other_asks_what()
    {
        Assert.Equal(("/symptoms", ErrorCodes.Exclusive), Only(EvaluateAdult(Exam(("symptoms", new[] { 1, 3 })))));
        AssertValid(EvaluateAdult(Exam(("symptoms", new[] { 3, 13 }))));
        Assert.Equal(("/symptoms_other", ErrorCodes.Required), Only(EvaluateAdult(Exam(("symptoms", new[] { 3, 25 })))));
        AssertValid(EvaluateAdult(Exam(("symptoms", new[] { 3, 25 }), ("symptoms_other", "牙痛"))));

        // Not asked, and dropped, while 其他 is not ticked.
        var result = EvaluateAdult(Exam(("symptoms_other", "牙痛")));
        AssertValid(result);
        Assert.DoesNotContain("symptoms_other", result.DataJson(), StringComparison.Ordinal);
    }

    // ---- 一般状况 ----

    [Theory]
    [InlineData("sbp_left", "dbp_left")]
    [InlineData("dbp_left", "sbp_left")]
    [InlineData("sbp_right", "dbp_right")]
    [InlineData("dbp_right", "sbp_right")]
    public void Each_sides_pressures_come_in_pairs(string given, string missing)
    {
        var result = EvaluateAdult(Exam((given, given.StartsWith("sbp", StringComparison.Ordinal) ? 130 : 80)));
        Assert.Equal(($"/{missing}", ErrorCodes.Required), Only(result));
    }

    [Fact]
    public void One_side_alone_is_enough()
    {
        AssertValid(EvaluateAdult(Exam(("sbp_right", 130), ("dbp_right", 80))));
    }

    [Theory]
    [InlineData("left", 120, 119, null)]
    [InlineData("left", 120, 120, "rule:dbp_below_sbp_left")]
    [InlineData("right", 110, 115, "rule:dbp_below_sbp_right")]
    public void Diastolic_is_below_systolic_on_each_side(string side, int sbp, int dbp, string? code)
    {
        var result = EvaluateAdult(Exam(($"sbp_{side}", sbp), ($"dbp_{side}", dbp)));
        if (code is null)
        {
            AssertValid(result);
        }
        else
        {
            Assert.Equal(($"/dbp_{side}", code), Only(result));
        }
    }

    [Theory]
    [InlineData("temperature", 43.5, "maximum")]
    [InlineData("temperature", 33.9, "minimum")]
    [InlineData("pulse_rate", 251, "maximum")]
    [InlineData("sbp_left", 301, "maximum")]
    [InlineData("waist", 39, "minimum")]
    [InlineData("fbg", 0.9, "minimum")]
    [InlineData("fbg", 33.4, "maximum")]
    public void Readings_outside_the_plausible_range_are_refused(string key, double value, string code)
    {
        var data = Exam((key, (decimal)value));
        if (key == "sbp_left")
        {
            data["dbp_left"] = 80;
        }

        Assert.Equal(($"/{key}", code), Only(EvaluateAdult(data)));
    }

    [Theory]
    [InlineData(168, 72.5, "25.7")]   // 72.5 / 1.68² = 72.5 / 2.8224 = 25.687… → 25.7
    [InlineData(170, 65, "22.5")]     // 65 / 2.89 = 22.491… → 22.5
    [InlineData(155.5, 48.3, "20")]   // 48.3 / 2.418025 = 19.975… → 20.0, printed 20
    public void Bmi_is_weight_over_height_squared_to_one_decimal(decimal height, decimal weight, string bmi)
    {
        var result = EvaluateAdult(Exam(("height", height), ("weight", weight)));
        Assert.Equal(bmi, result.Value("bmi").Text());
    }

    [Fact]
    public void Bmi_waits_for_both_height_and_weight()
    {
        var result = EvaluateAdult(Exam(("weight", 70), ("bmi", 30)));
        Assert.True(result.Value("bmi").IsNull);
        Assert.Equal("(null)", result.Outcome("bmi_class").Text());
    }

    // ---- bmi_class: WS/T 428-2013, on a 200 cm adult so that BMI = weight / 4 ----

    [Theory]
    [InlineData(73.6, "18.4", "体重过低")]
    [InlineData(74.0, "18.5", "体重正常")]
    [InlineData(95.6, "23.9", "体重正常")]
    [InlineData(96.0, "24", "超重")]
    [InlineData(111.6, "27.9", "超重")]
    [InlineData(112.0, "28", "肥胖")]
    [InlineData(160.0, "40", "肥胖")]
    public void Bmi_class_follows_the_18_5_24_28_cut_offs(double weight, string bmi, string expected)
    {
        var result = EvaluateAdult(Exam(("height", 200), ("weight", (decimal)weight)));
        Assert.Equal((bmi, expected), (result.Value("bmi").Text(), result.Outcome("bmi_class").Text()));
    }

    [Fact]
    public void Bmi_class_is_taken_from_the_bmi_as_recorded_to_one_decimal()
    {
        // 69.3 / 1.70² = 69.3 / 2.89 = 23.979…, recorded as 24.0: 超重, as the paper form would read.
        var result = EvaluateAdult(Exam(("height", 170), ("weight", 69.3m)));
        Assert.Equal(("24", "超重"), (result.Value("bmi").Text(), result.Outcome("bmi_class").Text()));
    }

    [Fact]
    public void Bmi_class_does_not_apply_under_18_and_does_not_need_the_subject()
    {
        var data = Exam(("height", 170), ("weight", 80)); // 80 / 2.89 = 27.68… → 27.7
        // Turns 18 on 2026-11-21, the day after the exam.
        Assert.Equal("不适用（未成年人）", Evaluate(data, new SubjectInfo(new DateOnly(2008, 11, 21), "男")).Outcome("bmi_class").Text());
        Assert.Equal("超重", Evaluate(data, new SubjectInfo(new DateOnly(2008, 11, 20), "男")).Outcome("bmi_class").Text());
        Assert.Equal("超重", Evaluate(data).Outcome("bmi_class").Text());
    }

    // ---- waist_class: WS/T 428-2013 by sex ----

    [Theory]
    [InlineData("男", 84.9, "腰围正常")]
    [InlineData("男", 85, "中心型肥胖前期")]
    [InlineData("男", 89.9, "中心型肥胖前期")]
    [InlineData("男", 90, "中心型肥胖")]
    [InlineData("女", 79.9, "腰围正常")]
    [InlineData("女", 80, "中心型肥胖前期")]
    [InlineData("女", 84.9, "中心型肥胖前期")]
    [InlineData("女", 85, "中心型肥胖")]
    public void Waist_class_follows_the_cut_offs_for_each_sex(string sex, double waist, string expected)
    {
        var result = Evaluate(Exam(("waist", (decimal)waist)), new SubjectInfo(new DateOnly(1980, 5, 1), sex));
        Assert.Equal(expected, result.Outcome("waist_class").Text());
    }

    [Fact]
    public void Waist_class_needs_the_subjects_sex()
    {
        Assert.Equal("(null)", Evaluate(Exam(("waist", 95))).Outcome("waist_class").Text());
        Assert.Equal("(null)", EvaluateAdult(Exam()).Outcome("waist_class").Text());
    }

    // ---- the elderly section ----

    [Fact]
    public void The_elderly_items_are_asked_and_required_from_65_on_the_exam_date()
    {
        var result = Evaluate(Exam(), ElderlyWoman);
        Assert.Equal(
            ["/cognitive_function", "/elderly_health_self", "/elderly_self_care", "/emotional_state"],
            result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.All(result.Errors, e => Assert.Equal(ErrorCodes.Required, e.Code));
        AssertValid(Evaluate(Elderly(), ElderlyWoman));
    }

    [Fact]
    public void The_age_is_taken_on_the_exam_date_including_a_29_february_birthday()
    {
        // Born 1960-02-29: still 64 on 2025-02-28, 65 on 2025-03-01.
        var leapling = new SubjectInfo(new DateOnly(1960, 2, 29), "男");
        var before = Evaluate(Exam(("exam_date", "2025-02-28"), ("elderly_health_self", 1)), leapling);
        AssertValid(before);
        Assert.False(before.IsVisible(before.Form.Field("elderly_health_self")));
        Assert.DoesNotContain("elderly_health_self", before.DataJson(), StringComparison.Ordinal);

        var after = Evaluate(Exam(("exam_date", "2025-03-01")), leapling);
        Assert.Contains(after.Errors, e => e.Path == "/elderly_health_self" && e.Code == ErrorCodes.Required);
    }

    [Fact]
    public void Without_a_known_age_the_elderly_section_stays_hidden()
    {
        var result = Evaluate(Exam(("cognitive_function", 2)));
        AssertValid(result);
        Assert.True(result.Value("cognitive_function").IsNull);
    }

    [Theory]
    [InlineData("cognitive_function", "mmse_score")]
    [InlineData("emotional_state", "depression_score")]
    public void A_positive_screen_asks_for_the_total_score(string screen, string score)
    {
        var positive = Elderly((screen, 2));
        Assert.Equal(($"/{score}", ErrorCodes.Required), Only(Evaluate(positive, ElderlyWoman)));

        positive[score] = 31;
        Assert.Equal(($"/{score}", ErrorCodes.Maximum), Only(Evaluate(positive, ElderlyWoman)));

        positive[score] = 24;
        AssertValid(Evaluate(positive, ElderlyWoman));

        var negative = Elderly((score, 24));
        var result = Evaluate(negative, ElderlyWoman);
        AssertValid(result);
        Assert.True(result.Value(score).IsNull);
    }

    // ---- 生活方式 ----

    [Fact]
    public void Exercise_details_are_asked_only_of_those_who_exercise()
    {
        var data = Exam(("exercise_frequency", 4), ("exercise_minutes", 30), ("exercise_years", 2), ("exercise_type", "散步"));
        var result = EvaluateAdult(data);
        AssertValid(result);
        Assert.True(result.Value("exercise_minutes").IsNull);
        Assert.True(result.Value("exercise_type").IsNull);

        data["exercise_frequency"] = 3;
        result = EvaluateAdult(data);
        Assert.Equal(("30", "2", "散步"), (result.Value("exercise_minutes").Text(), result.Value("exercise_years").Text(), result.Value("exercise_type").Text()));
    }

    [Fact]
    public void Only_one_of_the_three_diet_patterns_may_be_ticked()
    {
        AssertValid(EvaluateAdult(Exam(("diet", new[] { 1, 4, 5 }))));
        AssertValid(EvaluateAdult(Exam(("diet", new[] { 4, 6 }))));
        Assert.Equal(("/diet", "rule:one_diet_pattern"), Only(EvaluateAdult(Exam(("diet", new[] { 1, 2 })))));
        Assert.Equal(("/diet", "rule:one_diet_pattern"), Only(EvaluateAdult(Exam(("diet", new[] { 2, 3, 6 })))));
    }

    [Fact]
    public void A_smoker_gives_the_daily_amount_a_former_smoker_may()
    {
        Assert.Equal(("/smoking_per_day", ErrorCodes.Required), Only(EvaluateAdult(Exam(("smoking_status", 3)))));
        AssertValid(EvaluateAdult(Exam(("smoking_status", 3), ("smoking_per_day", 20))));
        AssertValid(EvaluateAdult(Exam(("smoking_status", 2))));

        var never = EvaluateAdult(Exam(("smoking_status", 1), ("smoking_per_day", 20), ("smoking_start_age", 18), ("smoking_quit_age", 30)));
        AssertValid(never);
        Assert.DoesNotContain("smoking_", never.DataJson().Replace("smoking_status", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void The_quitting_age_is_asked_only_of_former_smokers()
    {
        var result = EvaluateAdult(Exam(("smoking_status", 3), ("smoking_per_day", 10), ("smoking_quit_age", 40)));
        AssertValid(result);
        Assert.True(result.Value("smoking_quit_age").IsNull);
    }

    [Fact]
    public void Smoking_ages_are_in_order_and_not_beyond_the_subjects_age()
    {
        // The adult is 46 on 2026-11-20.
        AssertValid(EvaluateAdult(Exam(("smoking_status", 2), ("smoking_start_age", 20), ("smoking_quit_age", 46))));
        Assert.Equal(("/smoking_quit_age", "rule:smoking_quit_after_start"), Only(EvaluateAdult(Exam(("smoking_status", 2), ("smoking_start_age", 30), ("smoking_quit_age", 29)))));
        Assert.Equal(("/smoking_quit_age", "rule:smoking_quit_not_after_age"), Only(EvaluateAdult(Exam(("smoking_status", 2), ("smoking_start_age", 20), ("smoking_quit_age", 47)))));
        Assert.Equal(("/smoking_start_age", "rule:smoking_start_not_after_age"), Only(EvaluateAdult(Exam(("smoking_status", 3), ("smoking_per_day", 5), ("smoking_start_age", 47)))));

        // Without a subject the age rules cannot be broken.
        AssertValid(Evaluate(Exam(("smoking_status", 3), ("smoking_per_day", 5), ("smoking_start_age", 90))));
    }

    [Fact]
    public void Drinking_details_are_asked_only_of_drinkers()
    {
        var data = Exam(("drinking_frequency", 1), ("drinking_per_day", 2), ("drinking_quit", 1), ("drinking_start_age", 20), ("drunk_past_year", 2), ("drinking_types", new[] { 1 }));
        var result = EvaluateAdult(data);
        AssertValid(result);
        Assert.Equal("{\"exam_date\":\"2026-11-20\",\"doctor\":\"王建国\",\"symptoms\":[1],\"drinking_frequency\":1,\"health_evaluation\":1}", result.DataJson());

        data["drinking_frequency"] = 4;
        result = EvaluateAdult(data);
        AssertValid(result);
        Assert.Equal(("2", "[1]"), (result.Value("drinking_per_day").Text(), result.Value("drinking_types").Text().Replace(" ", "", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_former_drinker_may_give_the_quitting_age_after_the_starting_age()
    {
        var data = Exam(("drinking_frequency", 2), ("drinking_quit", 1), ("drinking_quit_age", 50));
        var result = EvaluateAdult(data);
        AssertValid(result);
        Assert.True(result.Value("drinking_quit_age").IsNull);

        // The adult is 46 on 2026-11-20.
        data["drinking_quit"] = 2;
        data["drinking_start_age"] = 20;
        data["drinking_quit_age"] = 46;
        result = EvaluateAdult(data);
        AssertValid(result);
        Assert.Equal("46", result.Value("drinking_quit_age").Text());

        data["drinking_quit_age"] = 19;
        Assert.Equal(("/drinking_quit_age", "rule:drinking_quit_after_start"), Only(EvaluateAdult(data)));

        data["drinking_quit_age"] = 47;
        Assert.Equal(("/drinking_quit_age", "rule:drinking_quit_not_after_age"), Only(EvaluateAdult(data)));

        data["drinking_quit_age"] = 40;
        data["drinking_start_age"] = 47;
        Assert.Equal(
            [("/drinking_quit_age", "rule:drinking_quit_after_start"), ("/drinking_start_age", "rule:drinking_start_not_after_age")],
            EvaluateAdult(data).Errors.Select(e => (e.Path, e.Code)).Order());
    }

    [Fact]
    public void Another_kind_of_drink_is_named()
    {
        Assert.Equal(("/drinking_types_other", ErrorCodes.Required), Only(EvaluateAdult(Exam(("drinking_frequency", 3), ("drinking_types", new[] { 2, 5 })))));
        AssertValid(EvaluateAdult(Exam(("drinking_frequency", 3), ("drinking_types", new[] { 2, 5 }), ("drinking_types_other", "米酒"))));
    }

    [Fact]
    public void An_occupational_exposure_needs_the_work_and_at_least_one_hazard()
    {
        var result = EvaluateAdult(Exam(("occupational_exposure", 2)));
        Assert.Equal(
            [("/dust_hazard", "rule:some_hazard_named"), ("/occupation_type", ErrorCodes.Required), ("/occupation_years", ErrorCodes.Required)],
            result.Errors.Select(e => (e.Path, e.Code)).Order());

        var data = Exam(("occupational_exposure", 2), ("occupation_type", "电焊工"), ("occupation_years", 15), ("physical_hazard", "噪声"));
        Assert.Equal(("/physical_hazard_protection", ErrorCodes.Required), Only(EvaluateAdult(data)));

        data["physical_hazard_protection"] = 2;
        Assert.Equal(("/physical_hazard_protection_detail", ErrorCodes.Required), Only(EvaluateAdult(data)));

        data["physical_hazard_protection_detail"] = "佩戴耳塞";
        AssertValid(EvaluateAdult(data));

        data["physical_hazard_protection"] = 1;
        result = EvaluateAdult(data);
        AssertValid(result);
        Assert.True(result.Value("physical_hazard_protection_detail").IsNull);
    }

    [Fact]
    public void Without_an_occupational_exposure_its_details_are_dropped()
    {
        var result = EvaluateAdult(Exam(("occupational_exposure", 1), ("occupation_type", "电焊工"), ("dust_hazard", "粉尘")));
        AssertValid(result);
        Assert.True(result.Value("occupation_type").IsNull);
        Assert.True(result.Value("dust_hazard").IsNull);
    }

    // ---- 脏器功能 and 查体 ----

    [Fact]
    public void Normal_teeth_exclude_the_others_and_the_positions_follow_the_ticks()
    {
        Assert.Equal(("/dentition", ErrorCodes.Exclusive), Only(EvaluateAdult(Exam(("dentition", new[] { 1, 2 })))));
        var result = EvaluateAdult(Exam(("dentition", new[] { 2, 4 }), ("missing_teeth", "左下 6"), ("caries_teeth", "右上 5"), ("denture_teeth", "左下 6")));
        AssertValid(result);
        Assert.Equal(("左下 6", "(null)", "左下 6"), (result.Value("missing_teeth").Text(), result.Value("caries_teeth").Text(), result.Value("denture_teeth").Text()));
    }

    [Theory]
    [InlineData("fundus", 2, "fundus_abnormal")]
    [InlineData("skin", 7, "skin_other")]
    [InlineData("sclera", 4, "sclera_other")]
    [InlineData("lymph_nodes", 4, "lymph_nodes_other")]
    [InlineData("breath_sounds", 2, "breath_sounds_abnormal")]
    [InlineData("rales", 4, "rales_other")]
    [InlineData("murmur", 2, "murmur_detail")]
    [InlineData("abdominal_tenderness", 2, "abdominal_tenderness_detail")]
    [InlineData("abdominal_mass", 2, "abdominal_mass_detail")]
    [InlineData("hepatomegaly", 2, "hepatomegaly_detail")]
    [InlineData("splenomegaly", 2, "splenomegaly_detail")]
    [InlineData("shifting_dullness", 2, "shifting_dullness_detail")]
    [InlineData("dre", 5, "dre_other")]
    [InlineData("ecg", 2, "ecg_abnormal")]
    [InlineData("chest_xray", 2, "chest_xray_abnormal")]
    [InlineData("abdominal_ultrasound", 2, "abdominal_ultrasound_abnormal")]
    [InlineData("other_ultrasound", 2, "other_ultrasound_abnormal")]
    [InlineData("neurological_disease", 2, "neurological_disease_detail")]
    [InlineData("other_system_disease", 2, "other_system_disease_detail")]
    public void An_abnormal_finding_is_described(string key, int abnormal, string detail)
    {
        Assert.Equal(($"/{detail}", ErrorCodes.Required), Only(EvaluateAdult(Exam((key, abnormal)))));
        AssertValid(EvaluateAdult(Exam((key, abnormal), (detail, "描述"))));

        var normal = EvaluateAdult(Exam((key, 1), (detail, "描述")));
        AssertValid(normal);
        Assert.True(normal.Value(detail).IsNull);
    }

    [Theory]
    [InlineData("breast", 5, "breast_other")]
    [InlineData("cerebrovascular", 6, "cerebrovascular_other")]
    [InlineData("kidney_disease", 6, "kidney_disease_other")]
    [InlineData("heart_disease", 7, "heart_disease_other")]
    [InlineData("vascular_disease", 4, "vascular_disease_other")]
    [InlineData("eye_disease", 5, "eye_disease_other")]
    public void A_ticked_other_is_named_and_nothing_found_excludes_the_rest(string key, int other, string detail)
    {
        Assert.Equal(($"/{detail}", ErrorCodes.Required), Only(EvaluateAdult(Exam((key, new[] { 2, other })))));
        AssertValid(EvaluateAdult(Exam((key, new[] { 2, other }), (detail, "描述"))));
        AssertValid(EvaluateAdult(Exam((key, new[] { 2, 3 }))));
        Assert.Equal(($"/{key}", ErrorCodes.Exclusive), Only(EvaluateAdult(Exam((key, new[] { 1, 2 })))));
    }

    [Theory]
    [InlineData("vulva", "vulva_abnormal")]
    [InlineData("vagina", "vagina_abnormal")]
    [InlineData("cervix", "cervix_abnormal")]
    [InlineData("uterus", "uterus_abnormal")]
    [InlineData("adnexa", "adnexa_abnormal")]
    [InlineData("cervical_smear", "cervical_smear_abnormal")]
    public void Gynaecological_items_are_asked_of_women_only(string key, string detail)
    {
        var woman = new SubjectInfo(new DateOnly(1980, 5, 1), "女");
        Assert.Equal(($"/{detail}", ErrorCodes.Required), Only(Evaluate(Exam((key, 2)), woman)));
        AssertValid(Evaluate(Exam((key, 2), (detail, "描述")), woman));

        var man = EvaluateAdult(Exam((key, 2)));
        AssertValid(man);
        Assert.True(man.Value(key).IsNull);
    }

    // ---- 辅助检查 ----

    [Fact]
    public void Direct_bilirubin_is_not_above_the_total()
    {
        AssertValid(EvaluateAdult(Exam(("total_bilirubin", 13.6m), ("direct_bilirubin", 13.6m))));
        Assert.Equal(("/direct_bilirubin", "rule:direct_not_above_total"), Only(EvaluateAdult(Exam(("total_bilirubin", 13.6m), ("direct_bilirubin", 13.7m)))));
    }

    // ---- tables ----

    [Fact]
    public void A_hospital_stay_needs_its_admission_date_and_reason_and_ends_after_it_began()
    {
        var stay = new Dictionary<string, object?> { ["discharge_date"] = "2026-03-12" };
        var result = EvaluateAdult(Exam(("hospital_stays", new[] { stay })));
        Assert.Equal(
            [("/hospital_stays/0/admission_date", ErrorCodes.Required), ("/hospital_stays/0/reason", ErrorCodes.Required)],
            result.Errors.Select(e => (e.Path, e.Code)).Order());

        stay["admission_date"] = "2026-03-12";
        stay["reason"] = "肺炎";
        AssertValid(EvaluateAdult(Exam(("hospital_stays", new[] { stay }))));

        stay["discharge_date"] = "2026-03-11";
        Assert.Equal(("/hospital_stays/0/discharge_date", "rule:discharge_after_admission"), Only(EvaluateAdult(Exam(("hospital_stays", new[] { stay })))));

        stay["admission_date"] = "2026-11-26";
        stay.Remove("discharge_date");
        Assert.Equal(("/hospital_stays/0/admission_date", "rule:admission_not_future"), Only(EvaluateAdult(Exam(("hospital_stays", new[] { stay })))));
    }

    [Fact]
    public void A_family_bed_ends_after_it_was_set_up()
    {
        var bed = new Dictionary<string, object?> { ["bed_start_date"] = "2026-05-10", ["bed_end_date"] = "2026-05-09", ["reason"] = "脑卒中后康复" };
        Assert.Equal(("/family_beds/0/bed_end_date", "rule:bed_end_after_start"), Only(EvaluateAdult(Exam(("family_beds", new[] { bed })))));

        bed["bed_end_date"] = "2026-06-30";
        AssertValid(EvaluateAdult(Exam(("family_beds", new[] { bed }))));

        bed["bed_start_date"] = "2026-12-01";
        bed.Remove("bed_end_date");
        Assert.Equal(("/family_beds/0/bed_start_date", "rule:bed_start_not_future"), Only(EvaluateAdult(Exam(("family_beds", new[] { bed })))));
    }

    [Fact]
    public void Medicines_are_named_and_compliance_takes_the_printed_codes()
    {
        var medicine = new Dictionary<string, object?> { ["usage"] = "口服 每日 1 次", ["compliance"] = 1 };
        Assert.Equal(("/medicines/0/drug_name", ErrorCodes.Required), Only(EvaluateAdult(Exam(("medicines", new[] { medicine })))));

        medicine["drug_name"] = "二甲双胍片";
        AssertValid(EvaluateAdult(Exam(("medicines", new[] { medicine }))));

        medicine["compliance"] = 4;
        Assert.Equal(("/medicines/0/compliance", ErrorCodes.Enum), Only(EvaluateAdult(Exam(("medicines", new[] { medicine })))));
    }

    [Fact]
    public void At_most_twenty_medicines()
    {
        var rows = Enumerable.Range(1, 21).Select(i => new Dictionary<string, object?> { ["drug_name"] = $"药物{i}" }).ToArray();
        Assert.Equal(("/medicines", ErrorCodes.MaxItems), Only(EvaluateAdult(Exam(("medicines", rows)))));
        AssertValid(EvaluateAdult(Exam(("medicines", rows[..20]))));
    }

    [Fact]
    public void A_vaccination_is_named_and_dated_not_after_today()
    {
        var shot = new Dictionary<string, object?> { ["vaccine_name"] = "流感疫苗", ["vaccination_date"] = "2026-11-25" };
        AssertValid(EvaluateAdult(Exam(("vaccinations", new[] { shot }))));

        shot["vaccination_date"] = "2026-11-26";
        Assert.Equal(("/vaccinations/0/vaccination_date", "rule:vaccination_not_future"), Only(EvaluateAdult(Exam(("vaccinations", new[] { shot })))));

        shot.Remove("vaccination_date");
        Assert.Equal(("/vaccinations/0/vaccination_date", ErrorCodes.Required), Only(EvaluateAdult(Exam(("vaccinations", new[] { shot })))));
    }

    // ---- 健康评价 and 健康指导 ----

    [Fact]
    public void An_abnormal_evaluation_lists_at_least_the_first_abnormality()
    {
        Assert.Equal(("/abnormal_1", ErrorCodes.Required), Only(EvaluateAdult(Exam(("health_evaluation", 2)))));
        AssertValid(EvaluateAdult(Exam(("health_evaluation", 2), ("abnormal_1", "血压偏高"))));

        var normal = EvaluateAdult(Exam(("abnormal_1", "血压偏高"), ("abnormal_4", "脂肪肝")));
        AssertValid(normal);
        Assert.True(normal.Value("abnormal_1").IsNull);
        Assert.True(normal.Value("abnormal_4").IsNull);

        var form = ShippedForms.Load(Id);
        var abnormal = EvaluateAdult(Exam(("health_evaluation", 2), ("abnormal_1", "血压偏高")));
        Assert.All(["abnormal_1", "abnormal_2", "abnormal_3", "abnormal_4"], key => Assert.True(abnormal.IsVisible(form.Field(key))));
        Assert.Equal([true, false, false, false], new[] { "abnormal_1", "abnormal_2", "abnormal_3", "abnormal_4" }.Select(k => abnormal.IsRequired(form.Field(k))));
    }

    [Fact]
    public void Losing_weight_sets_a_target_below_the_present_weight()
    {
        Assert.Equal(("/weight_target", ErrorCodes.Required), Only(EvaluateAdult(Exam(("risk_control", new[] { 5 })))));
        AssertValid(EvaluateAdult(Exam(("risk_control", new[] { 5 }), ("weight", 72.5m), ("weight_target", 68))));
        Assert.Equal(("/weight_target", "rule:weight_target_below_weight"), Only(EvaluateAdult(Exam(("risk_control", new[] { 5 }), ("weight", 72.5m), ("weight_target", 72.5m)))));

        var result = EvaluateAdult(Exam(("risk_control", new[] { 3, 4 }), ("weight_target", 68)));
        AssertValid(result);
        Assert.True(result.Value("weight_target").IsNull);
    }

    [Theory]
    [InlineData(6, "vaccine_advice")]
    [InlineData(7, "risk_control_other")]
    public void A_vaccine_or_another_risk_control_is_named(int code, string detail)
    {
        Assert.Equal(($"/{detail}", ErrorCodes.Required), Only(EvaluateAdult(Exam(("risk_control", new[] { 1, code })))));
        AssertValid(EvaluateAdult(Exam(("risk_control", new[] { 1, code }), (detail, "肺炎球菌疫苗"))));
    }

    [Fact]
    public void Guidance_takes_several_of_the_printed_codes()
    {
        AssertValid(EvaluateAdult(Exam(("health_guidance", new[] { 1, 2, 3 }))));
        Assert.Equal(("/health_guidance/0", ErrorCodes.Enum), Only(EvaluateAdult(Exam(("health_guidance", new[] { 4 })))));
    }

    [Fact]
    public void The_thresholds_are_parameters()
    {
        var parameters = ShippedForms.Load(Id).Definition.Parameters!.ToDictionary(p => p.Key, p => p.Value.ToString());
        Assert.Equal("65", parameters["elderly_age"]);
        Assert.Equal("18", parameters["adult_age"]);
        Assert.Equal("18.5", parameters["bmi_underweight"]);
        Assert.Equal("24.0", parameters["bmi_overweight"]);
        Assert.Equal("28.0", parameters["bmi_obese"]);
    }
}
