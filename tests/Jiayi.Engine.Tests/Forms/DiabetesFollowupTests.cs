using Jiayi.Engine.Tests.Support;

namespace Jiayi.Engine.Tests.Forms;

/// <summary>2型糖尿病患者随访服务记录表: fasting glucose below 7.0 mmol/L is controlled; same pattern as hypertension.</summary>
public class DiabetesFollowupTests
{
    private const string Id = "diabetes-followup";

    private static Dictionary<string, object> Visit(decimal fbg, int adverse = 1) => new()
    {
        ["visit_date"] = "2026-11-20",
        ["visit_method"] = 1,
        ["symptoms"] = new[] { 1 },
        ["sbp"] = 128,
        ["dbp"] = 80,
        ["fbg"] = fbg,
        ["adverse_reaction"] = adverse,
        ["next_visit_date"] = "2027-02-20",
    };

    [Theory]
    [InlineData(6.9, "控制满意", "2027-02-20")]
    [InlineData(7.0, "控制不满意", "2026-12-04")]
    [InlineData(11.2, "控制不满意", "2026-12-04")]
    public void Fasting_glucose_below_7_is_controlled(decimal fbg, string visitClass, string nextVisit)
    {
        var result = ShippedForms.Evaluate(Id, Visit(fbg));
        Assert.Equal((visitClass, nextVisit), (result.Outcome("visit_class").Text(), result.Outcome("next_visit_date").Text()));
    }

    [Fact]
    public void An_adverse_reaction_outranks_an_uncontrolled_glucose()
    {
        var data = Visit(9.5m, adverse: 2);
        data["adverse_reaction_detail"] = "低血糖";
        Assert.Equal("不良反应", ShippedForms.Evaluate(Id, data).Outcome("visit_class").Text());
    }

    [Fact]
    public void The_side_is_asked_only_when_the_pulse_is_weak_or_absent()
    {
        var data = Visit(6.5m);
        data["visit_class"] = 1;
        data["dorsalis_pedis"] = 1;
        Assert.True(ShippedForms.Evaluate(Id, data).IsValid);

        data["dorsalis_pedis"] = 2;
        var error = Assert.Single(ShippedForms.Evaluate(Id, data).Errors);
        Assert.Equal(("/dorsalis_pedis_side", "required"), (error.Path, error.Code));
    }
}
