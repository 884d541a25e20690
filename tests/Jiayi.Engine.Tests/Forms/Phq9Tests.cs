using Jiayi.Engine.Tests.Support;

namespace Jiayi.Engine.Tests.Forms;

/// <summary>PHQ-9 self-test: total 0–27, the five severity bands at each boundary, and the item-9 alert.</summary>
public class Phq9Tests
{
    private const string Id = "phq9";

    private static Jiayi.Engine.Forms.EvaluationResult Answer(params int[] items)
    {
        var data = new Dictionary<string, object> { ["test_date"] = "2026-11-20" };
        for (var i = 0; i < 9; i++)
        {
            data[$"q{i + 1}"] = items[i];
        }

        return ShippedForms.Evaluate(Id, data);
    }

    [Theory]
    [InlineData(new[] { 0, 0, 0, 0, 0, 0, 0, 0, 0 }, "0", "无/极轻")]
    [InlineData(new[] { 1, 1, 1, 1, 0, 0, 0, 0, 0 }, "4", "无/极轻")]
    [InlineData(new[] { 1, 1, 1, 1, 1, 0, 0, 0, 0 }, "5", "轻度")]
    [InlineData(new[] { 1, 1, 1, 1, 1, 1, 1, 1, 1 }, "9", "轻度")]
    [InlineData(new[] { 2, 1, 1, 1, 1, 1, 1, 1, 1 }, "10", "中度")]
    [InlineData(new[] { 2, 2, 2, 2, 2, 1, 1, 1, 1 }, "14", "中度")]
    [InlineData(new[] { 2, 2, 2, 2, 2, 2, 1, 1, 1 }, "15", "中重度")]
    [InlineData(new[] { 3, 3, 3, 2, 2, 2, 2, 1, 1 }, "19", "中重度")]
    [InlineData(new[] { 3, 3, 3, 3, 2, 2, 2, 1, 1 }, "20", "重度")]
    [InlineData(new[] { 3, 3, 3, 3, 3, 3, 3, 3, 3 }, "27", "重度")]
    public void Severity_at_every_band_boundary(int[] items, string total, string severity)
    {
        var result = Answer(items);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal((total, severity), (result.Score("total").Text(), result.Outcome("severity").Text()));
    }

    [Fact]
    public void Any_thought_of_self_harm_raises_the_alert_whatever_the_total()
    {
        Assert.Equal("需要关注", Answer(0, 0, 0, 0, 0, 0, 0, 0, 1).Outcome("self_harm_alert").Text());
        Assert.Equal("无", Answer(3, 3, 3, 3, 3, 3, 3, 3, 0).Outcome("self_harm_alert").Text());
    }

    [Fact]
    public void Answers_outside_0_to_3_are_refused()
    {
        var result = Answer(0, 0, 0, 0, 0, 0, 0, 0, 4);
        var error = Assert.Single(result.Errors);
        Assert.Equal(("/q9", "enum"), (error.Path, error.Code));
    }
}
