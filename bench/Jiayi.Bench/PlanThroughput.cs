using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Programmes;

namespace Jiayi.Bench;

/// <summary>
/// How fast follow-up plans are computed (what a due list costs besides its queries), and how fast the large
/// 健康体检表 evaluates (what every change on the fill page costs): single thread, in process.
/// </summary>
public static class PlanThroughput
{
    private static readonly int[] NoSymptoms = [1];
    private static readonly int[] InfantMonths = [1, 3, 6, 8];

    public static void Run(int enrolments)
    {
        var forms = new Dictionary<string, CompiledForm>(StringComparer.Ordinal);
        CompiledForm? Form(string id)
        {
            var file = Path.Combine(Submissions.Root, "definitions", "forms", id + ".json");
            if (!forms.TryGetValue(id, out var form) && File.Exists(file))
            {
                form = FormLoader.Load(File.ReadAllText(file), id, 1);
                forms[id] = form;
            }

            return form;
        }

        var hypertension = ProgrammeLoader.Load(File.ReadAllText(Path.Combine(Submissions.Root, "definitions", "programmes", "hypertension.json")), "hypertension", 1, Form);
        var children = ProgrammeLoader.Load(File.ReadAllText(Path.Combine(Submissions.Root, "definitions", "programmes", "children.json")), "children", 1, Form);
        var today = new DateOnly(2026, 11, 25);
        var context = new EvaluationContext(today) { Subject = new SubjectInfo(new DateOnly(1958, 5, 1), "男") };
        var visit = Form("hypertension-followup")!;

        // Each hypertension enrolment has four visits in the year, the last uncontrolled; each child five checks.
        var inputs = Enumerable.Range(0, enrolments).Select(i =>
        {
            var records = Enumerable.Range(0, 4).Select(q =>
            {
                var day = today.AddDays(-(q * 91) - (i % 30));
                var data = JsonSerializer.SerializeToElement(new Dictionary<string, object>
                {
                    ["visit_date"] = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["visit_method"] = 1, ["symptoms"] = NoSymptoms,
                    ["sbp"] = q == 0 ? 162 : 132, ["dbp"] = q == 0 ? 96 : 82, ["adverse_reaction"] = 1,
                });
                return PlanRecord.Lazy(Guid.NewGuid(), "hypertension-followup", day, () => visit.Evaluate(data, context));
            }).ToList();
            return new PlanInput(new PlanSubject(new DateOnly(1958, 5, 1), "男"), new PlanEnrolment(today.AddYears(-2), null), records, today);
        }).ToList();
        var childInputs = Enumerable.Range(0, enrolments).Select(i =>
        {
            var birth = today.AddDays(-400 - i % 300);
            var checks = InfantMonths.Select(m => new PlanRecord(Guid.NewGuid(), "child-check-1-8m", birth.AddMonths(m),
                key => key == "visit_month" ? Jiayi.Engine.Expressions.Value.Number(m) : Jiayi.Engine.Expressions.Value.Null, _ => Jiayi.Engine.Expressions.Value.Null)).ToList();
            return new PlanInput(new PlanSubject(birth, "女"), new PlanEnrolment(birth, null), checks, today);
        }).ToList();

        Measure("hypertension plans (4 visits each, answers evaluated)", inputs, hypertension);
        Measure("0-6 child plans (16 points, 4 checks each)", childInputs, children);

        var exam = Form("health-exam")!;
        var example = JsonDocument.Parse(File.ReadAllText(Path.Combine(Submissions.Root, "definitions", "examples", "forms", "health-exam.json"))).RootElement.GetProperty("data").Clone();
        var examContext = new EvaluationContext(today) { Subject = new SubjectInfo(new DateOnly(1955, 3, 3), "女") };
        for (var i = 0; i < 200; i++)
        {
            exam.Evaluate(example, examContext);
        }

        var clock = Stopwatch.StartNew();
        var runs = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(3))
        {
            exam.Evaluate(example, examContext);
            runs++;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"health-exam: {exam.Fields.Length} fields, full evaluation {clock.Elapsed.TotalMicroseconds / runs:F0} µs each ({runs / clock.Elapsed.TotalSeconds:F0}/s)"));
    }

    private static void Measure(string name, List<PlanInput> inputs, CompiledProgramme programme)
    {
        foreach (var input in inputs.Take(100))
        {
            programme.Plan(input);
        }

        var clock = Stopwatch.StartNew();
        var items = 0;
        foreach (var input in inputs)
        {
            items += programme.Plan(input).Count;
        }

        clock.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {inputs.Count} plans in {clock.Elapsed.TotalMilliseconds:F0} ms = {clock.Elapsed.TotalMicroseconds / inputs.Count:F1} µs per plan, {items} items"));
    }
}
