namespace Jiayi.Host.Residents;

/// <summary>One of the ten key populations (十类重点人群). Age-based ones are derived from the birth date, never typed.</summary>
public sealed record KeyPopulation(string Code, string Name, bool Derived);

public static class KeyPopulations
{
    public const string Elderly = "elderly";
    public const string Child = "child";

    public static readonly IReadOnlyList<KeyPopulation> All =
    [
        new(Elderly, "老年人", true),
        new("maternal", "孕产妇", false),
        new(Child, "0-6岁儿童", true),
        new("disabled", "残疾人", false),
        new("poverty", "贫困人口", false),
        new("special-family", "计划生育特殊家庭", false),
        new("hypertension", "高血压患者", false),
        new("diabetes", "2型糖尿病患者", false),
        new("tuberculosis", "肺结核患者", false),
        new("mental", "严重精神障碍患者", false),
    ];

    public static readonly IReadOnlySet<string> Recorded = All.Where(p => !p.Derived).Select(p => p.Code).ToHashSet(StringComparer.Ordinal);

    public static string NameOf(string code) => All.FirstOrDefault(p => p.Code == code)?.Name ?? code;

    /// <summary>Recorded tags plus those the age gives (on <paramref name="today"/>, with the thresholds from system parameters).</summary>
    public static IReadOnlyList<string> Of(IEnumerable<string> recorded, int age, int elderlyAge, int childMaxAge)
    {
        var tags = new List<string>();
        if (age >= elderlyAge)
        {
            tags.Add(Elderly);
        }

        if (age <= childMaxAge)
        {
            tags.Add(Child);
        }

        tags.AddRange(recorded.Where(Recorded.Contains));
        return [.. All.Select(p => p.Code).Where(tags.Contains)];
    }

    public static readonly IReadOnlyList<string> Relations = ["户主", "配偶", "子女", "父母", "孙子女", "兄弟姐妹", "祖父母", "其他"];
}
