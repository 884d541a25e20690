using System.Diagnostics;
using System.Globalization;
using Jiayi.Engine.Forms;
using Json.Schema;

namespace Jiayi.Bench;

/// <summary>
/// A quick side-by-side mode (`-- throughput`): validations per second, single thread, printed in the
/// same shape as bench/ajv/bench.mjs so that bench/compare.sh can alternate the two on a noisy machine.
/// BenchmarkDotNet (the default mode) gives the careful figures.
/// </summary>
public static class Throughput
{
    public static void Run(double seconds)
    {
        var context = new Jiayi.Engine.Forms.EvaluationContext(new DateOnly(2026, 11, 25));
        foreach (var id in new[] { "hypertension-followup", "elderly-tcm-constitution" })
        {
            var form = Submissions.Load(id);
            Submissions.Export(id, form);
            var docs = Submissions.Parse(Submissions.For(id));
            var schema = JsonSchema.FromText(form.SchemaJson, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
            var list = new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
            Print(id, "engine validate", Measure(docs, d => form.ValidateStructure(d).Count, seconds));
            Print(id, "engine evaluate", Measure(docs, d => form.Evaluate(d, context).Errors.Count, seconds));
            Print(id, "JsonSchema.Net all errors", Measure(docs, d => schema.Evaluate(d, list).IsValid ? 0 : 1, seconds / 3));
        }
    }

    private static double Measure(System.Text.Json.JsonElement[] docs, Func<System.Text.Json.JsonElement, int> validate, double seconds)
    {
        for (var i = 0; i < 20_000; i++)
        {
            validate(docs[i % docs.Length]);
        }

        var sink = 0;
        long count = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            foreach (var doc in docs)
            {
                sink += validate(doc);
            }

            count += docs.Length;
        }

        GC.KeepAlive(sink);
        return count / watch.Elapsed.TotalSeconds;
    }

    private static void Print(string form, string what, double perSecond) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{form,-26} {what,-26} {perSecond,12:N0} /s"));
}
