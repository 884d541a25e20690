using Jiayi.Engine.Tests.Support;

namespace Jiayi.Engine.Tests.Forms;

/// <summary>老年人生活自理能力评估表: item scores from the standard table, total, and the four levels at every boundary.</summary>
public class ElderlySelfCareTests
{
    private const string Id = "elderly-self-care";

    // Levels 1 可自理 … 4 不能自理. Item points by level (standard-forms.md §1.7):
    // eating 0 0 3 5 · grooming 0 1 3 7 · dressing 0 0 3 5 · toileting 0 1 5 10 · activity 0 1 5 10.
    private static (string Total, string Level, bool Valid) Assess(int eating, int grooming, int dressing, int toileting, int activity)
    {
        var result = ShippedForms.Evaluate(Id, new Dictionary<string, object>
        {
            ["assess_date"] = "2026-11-20",
            ["eating"] = eating,
            ["grooming"] = grooming,
            ["dressing"] = dressing,
            ["toileting"] = toileting,
            ["activity"] = activity,
        });
        return (result.Score("total").Text(), result.Outcome("level").Text(), result.IsValid);
    }

    [Theory]
    [InlineData(1, 1, 1, 1, 1, "0", "可自理")]
    [InlineData(2, 2, 2, 2, 2, "3", "可自理")]            // 0 + 1 + 0 + 1 + 1
    [InlineData(3, 2, 1, 1, 1, "4", "轻度依赖")]          // 3 + 1
    [InlineData(3, 1, 3, 1, 1, "6", "轻度依赖")]          // 3 + 3
    [InlineData(3, 1, 3, 1, 2, "7", "轻度依赖")]
    [InlineData(3, 2, 3, 2, 1, "8", "轻度依赖")]          // 3 + 1 + 3 + 1
    [InlineData(3, 3, 3, 1, 1, "9", "中度依赖")]          // 3 + 3 + 3
    [InlineData(4, 4, 4, 2, 1, "18", "中度依赖")]         // 5 + 7 + 5 + 1
    [InlineData(4, 4, 4, 2, 2, "19", "不能自理")]         // 5 + 7 + 5 + 1 + 1
    [InlineData(4, 4, 4, 4, 4, "37", "不能自理")]         // 5 + 7 + 5 + 10 + 10
    public void Total_and_level_at_every_band_boundary(int eating, int grooming, int dressing, int toileting, int activity, string total, string level)
    {
        var (actualTotal, actualLevel, valid) = Assess(eating, grooming, dressing, toileting, activity);
        Assert.Equal((total, level), (actualTotal, actualLevel));
        Assert.True(valid);
    }

    [Fact]
    public void The_score_updates_while_items_are_still_unanswered()
    {
        var result = ShippedForms.Evaluate(Id, """{"toileting": 3}""");
        Assert.Equal("5", result.Score("total").Text());
        Assert.Equal("轻度依赖", result.Outcome("level").Text());
        Assert.False(result.IsValid);
    }
}
