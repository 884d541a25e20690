using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jiayi.Engine.Forms;

namespace Jiayi.Bench;

/// <summary>
/// The workload: realistic submissions for a form (three in four valid, the rest with one or two
/// typical mistakes), written to bench/data so that AJV measures exactly the same documents and schema.
/// </summary>
public static class Submissions
{
    public const int Count = 64;

    public static string Root { get; } = typeof(Submissions).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;

    public static CompiledForm Load(string id) =>
        FormLoader.Load(File.ReadAllText(Path.Combine(Root, "definitions", "forms", id + ".json")), id, 1);

    public static IReadOnlyList<string> For(string id)
    {
        var random = new Random(20261125);
        var list = new List<string>();
        for (var i = 0; i < Count; i++)
        {
            var data = id switch
            {
                "hypertension-followup" => Hypertension(random),
                "elderly-tcm-constitution" => Tcm(random),
                _ => throw new ArgumentOutOfRangeException(nameof(id), id, null),
            };
            if (i % 4 == 3)
            {
                Spoil(data, random);
            }

            list.Add(data.ToJsonString());
        }

        return list;
    }

    /// <summary>Writes the form's schema and submissions for the AJV side of the comparison.</summary>
    public static void Export(string id, CompiledForm form)
    {
        var folder = Path.Combine(Root, "bench", "data");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, id + ".schema.json"), form.SchemaJson);
        File.WriteAllText(Path.Combine(folder, id + ".submissions.json"), "[" + string.Join(",", For(id)) + "]");
    }

    private static JsonObject Hypertension(Random r)
    {
        var sbp = r.Next(110, 175);
        return new JsonObject
        {
            ["visit_date"] = "2026-11-" + r.Next(10, 25).ToString(CultureInfo.InvariantCulture),
            ["visit_method"] = r.Next(1, 3),
            ["symptoms"] = r.Next(3) == 0 ? new JsonArray(2, 6) : new JsonArray(1),
            ["sbp"] = sbp,
            ["dbp"] = r.Next(65, 100),
            ["height"] = r.Next(150, 185),
            ["weight"] = Math.Round(50 + (decimal)r.NextDouble() * 40, 1),
            ["weight_target"] = 65,
            ["heart_rate"] = r.Next(60, 95),
            ["smoking_per_day"] = r.Next(0, 10),
            ["smoking_per_day_target"] = 0,
            ["drinking_per_day"] = 0.5m,
            ["drinking_per_day_target"] = 0,
            ["exercise_times_week"] = 3,
            ["exercise_minutes"] = 30,
            ["exercise_times_week_target"] = 5,
            ["exercise_minutes_target"] = 30,
            ["salt_intake"] = 2,
            ["salt_intake_target"] = 1,
            ["psych_adjustment"] = 1,
            ["compliance_behavior"] = 1,
            ["aux_exam"] = "心电图未见异常",
            ["med_compliance"] = 1,
            ["adverse_reaction"] = 1,
            ["visit_class"] = sbp < 140 ? 1 : 2,
            ["meds"] = new JsonArray(new JsonObject { ["drug_name"] = "苯磺酸氨氯地平片", ["times_per_day"] = 1, ["dose_per_time"] = "5mg" }),
            ["next_visit_date"] = "2027-02-20",
            ["doctor_sign"] = "刘医生",
        };
    }

    private static JsonObject Tcm(Random r)
    {
        var data = new JsonObject { ["fill_date"] = "2026-11-20" };
        for (var q = 1; q <= 33; q++)
        {
            data["q" + q.ToString(CultureInfo.InvariantCulture)] = r.Next(1, 6);
        }

        data["doctor_sign"] = "刘医生";
        return data;
    }

    private static void Spoil(JsonObject data, Random r)
    {
        var keys = data.Select(p => p.Key).ToList();
        switch (r.Next(3))
        {
            case 0:
                data[keys[r.Next(keys.Count)]] = "错误";
                break;
            case 1:
                data.Remove(keys[0]);
                data["unknown_field"] = 1;
                break;
            default:
                data[keys[r.Next(keys.Count)]] = 99999;
                break;
        }
    }

    public static JsonElement[] Parse(IEnumerable<string> submissions) =>
        [.. submissions.Select(s => JsonDocument.Parse(s).RootElement)];
}
