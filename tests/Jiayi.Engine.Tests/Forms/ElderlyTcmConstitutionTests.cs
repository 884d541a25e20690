using Jiayi.Engine.Tests.Support;

namespace Jiayi.Engine.Tests.Forms;

/// <summary>
/// 老年人中医药健康管理服务记录表: raw sums per constitution, the 是 / 倾向是 / 否 judgement at sums
/// 8, 9, 10 and 11, and the 平和质 rule (≥17 with every other ≤8 → 是, ≤10 → 基本是), worked by hand
/// from standard-forms.md §1.7.
/// </summary>
public class ElderlyTcmConstitutionTests
{
    private const string Id = "elderly-tcm-constitution";

    private static readonly string[] Biased =
        ["qi_deficiency", "yang_deficiency", "yin_deficiency", "phlegm_dampness", "damp_heat", "blood_stasis", "qi_stagnation", "special"];

    /// <summary>Every answer 2 (很少), q1 answered 1: each biased sum is 8 and 平和质 is 1 + 4 × (6 − 2) = 17.</summary>
    private static Dictionary<string, object> Baseline()
    {
        var answers = Enumerable.Range(1, 33).ToDictionary(i => $"q{i}", _ => (object)2);
        answers["q1"] = 1;
        answers["fill_date"] = "2026-11-20";
        return answers;
    }

    private static Jiayi.Engine.Forms.EvaluationResult Evaluate(Dictionary<string, object> answers) => ShippedForms.Evaluate(Id, answers);

    [Fact]
    public void The_baseline_is_balanced_with_every_other_constitution_at_8()
    {
        var result = Evaluate(Baseline());
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.All(Biased, key => Assert.Equal(("8", "否"), (result.Score(key).Text(), result.Outcome(key).Text())));
        Assert.Equal(("17", "是"), (result.Score("balanced").Text(), result.Outcome("balanced").Text()));
    }

    [Theory]
    [InlineData(new[] { 2, 2, 2, 2 }, "8", "否")]
    [InlineData(new[] { 3, 2, 2, 2 }, "9", "倾向是")]
    [InlineData(new[] { 3, 3, 2, 2 }, "10", "倾向是")]
    [InlineData(new[] { 3, 3, 3, 2 }, "11", "是")]
    [InlineData(new[] { 5, 5, 5, 5 }, "20", "是")]
    [InlineData(new[] { 1, 1, 1, 1 }, "4", "否")]
    public void Damp_heat_is_judged_at_8_9_10_and_11(int[] items, string sum, string judgement)
    {
        // 湿热质: q23, q25, q27, q30; none of them takes part in 平和质.
        var answers = Baseline();
        answers["q23"] = items[0];
        answers["q25"] = items[1];
        answers["q27"] = items[2];
        answers["q30"] = items[3];
        var result = Evaluate(answers);
        Assert.Equal((sum, judgement), (result.Score("damp_heat").Text(), result.Outcome("damp_heat").Text()));
    }

    [Theory]
    [InlineData(8, "是")]
    [InlineData(9, "基本是")]
    [InlineData(10, "基本是")]
    [InlineData(11, "否")]
    public void Balanced_at_17_depends_on_the_highest_other_constitution(int bloodStasis, string judgement)
    {
        // 血瘀质: q19, q22, q24, q33 (baseline 2 each = 8); raise q19 and q22 to reach the wanted sum.
        var answers = Baseline();
        var extra = bloodStasis - 8;
        answers["q19"] = 2 + Math.Min(extra, 3);
        answers["q22"] = 2 + Math.Max(0, extra - 3);
        var result = Evaluate(answers);
        Assert.Equal(bloodStasis.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Score("blood_stasis").Text());
        Assert.Equal(("17", judgement), (result.Score("balanced").Text(), result.Outcome("balanced").Text()));
    }

    [Fact]
    public void Balanced_below_17_is_not_balanced_whatever_the_others()
    {
        // q1 = 1 and q2 = 3: 平和质 = 1 + 3 + 4 + 4 + 4 = 16; 气虚质 becomes 9.
        var answers = Baseline();
        answers["q2"] = 3;
        var result = Evaluate(answers);
        Assert.Equal(("16", "否"), (result.Score("balanced").Text(), result.Outcome("balanced").Text()));
        Assert.Equal(("9", "倾向是"), (result.Score("qi_deficiency").Text(), result.Outcome("qi_deficiency").Text()));
    }

    [Fact]
    public void Balanced_reverses_items_2_4_5_and_13_but_not_item_1()
    {
        var answers = Enumerable.Range(1, 33).ToDictionary(i => $"q{i}", _ => (object)1);
        answers["q1"] = 5;
        answers["fill_date"] = "2026-11-20";
        var result = Evaluate(answers);
        Assert.Equal(("25", "是"), (result.Score("balanced").Text(), result.Outcome("balanced").Text()));
        Assert.All(Biased, key => Assert.Equal(("4", "否"), (result.Score(key).Text(), result.Outcome(key).Text())));
    }

    [Fact]
    public void Each_constitution_sums_its_own_four_items()
    {
        var expected = new Dictionary<string, int[]>
        {
            ["qi_deficiency"] = [2, 3, 4, 14],
            ["yang_deficiency"] = [11, 12, 13, 29],
            ["yin_deficiency"] = [10, 21, 26, 31],
            ["phlegm_dampness"] = [9, 16, 28, 32],
            ["damp_heat"] = [23, 25, 27, 30],
            ["blood_stasis"] = [19, 22, 24, 33],
            ["qi_stagnation"] = [5, 6, 7, 8],
            ["special"] = [15, 17, 18, 20],
        };
        foreach (var (key, items) in expected)
        {
            var answers = Baseline();
            foreach (var item in items)
            {
                answers[$"q{item}"] = 5;
            }

            var result = Evaluate(answers);
            Assert.Equal(("20", "是"), (result.Score(key).Text(), result.Outcome(key).Text()));
            Assert.All(Biased.Where(k => k != key), other => Assert.True(int.Parse(result.Score(other).Text(), System.Globalization.CultureInfo.InvariantCulture) < 20, $"{key} raised {other}"));
        }
    }

    [Fact]
    public void Guidance_is_offered_for_the_constitutions_found()
    {
        var answers = Baseline();
        answers["q23"] = 3;
        answers["q25"] = 3;
        answers["q27"] = 3;
        answers["guidance_damp_heat"] = new[] { 2, 4 };
        answers["guidance_qi_deficiency"] = new[] { 1 };
        var result = Evaluate(answers);
        Assert.True(result.IsVisible(result.Form.Field("guidance_damp_heat")));
        Assert.False(result.IsVisible(result.Form.Field("guidance_qi_deficiency")));
        Assert.Contains("\"guidance_damp_heat\":[2,4]", result.DataJson(), StringComparison.Ordinal);
        Assert.DoesNotContain("guidance_qi_deficiency", result.DataJson(), StringComparison.Ordinal);
    }
}
