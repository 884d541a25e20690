using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Jiayi.Engine.Forms;
using Json.Schema;

namespace Jiayi.Bench;

/// <summary>
/// Single-thread throughput on the same pre-parsed submissions (AJV also validates parsed documents):
/// the engine's compiled validator, the engine's full evaluation (validate + rules + calculations +
/// scores + outcomes), and JsonSchema.Net on the engine's published schema.
/// </summary>
[MemoryDiagnoser]
public class ValidationBenchmarks
{
    private CompiledForm _form = default!;
    private JsonSchema _schema = default!;
    private JsonElement[] _submissions = [];
    private readonly Jiayi.Engine.Forms.EvaluationContext _context = new(new DateOnly(2026, 11, 25));
    private readonly EvaluationOptions _flag = new() { OutputFormat = OutputFormat.Flag, RequireFormatValidation = true };
    private readonly EvaluationOptions _list = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    [Params("hypertension-followup", "elderly-tcm-constitution")]
    public string Form { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _form = Submissions.Load(Form);
        Submissions.Export(Form, _form);
        _schema = JsonSchema.FromText(_form.SchemaJson, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        _submissions = Submissions.Parse(Submissions.For(Form));
    }

    [Benchmark(OperationsPerInvoke = Submissions.Count, Baseline = true)]
    public int Engine_validate()
    {
        var errors = 0;
        foreach (var submission in _submissions)
        {
            errors += _form.ValidateStructure(submission).Count;
        }

        return errors;
    }

    [Benchmark(OperationsPerInvoke = Submissions.Count)]
    public int Engine_evaluate()
    {
        var errors = 0;
        foreach (var submission in _submissions)
        {
            errors += _form.Evaluate(submission, _context).Errors.Count;
        }

        return errors;
    }

    [Benchmark(OperationsPerInvoke = Submissions.Count)]
    public int JsonSchemaNet_flag()
    {
        var valid = 0;
        foreach (var submission in _submissions)
        {
            valid += _schema.Evaluate(submission, _flag).IsValid ? 1 : 0;
        }

        return valid;
    }

    [Benchmark(OperationsPerInvoke = Submissions.Count)]
    public int JsonSchemaNet_all_errors()
    {
        var valid = 0;
        foreach (var submission in _submissions)
        {
            valid += _schema.Evaluate(submission, _list).IsValid ? 1 : 0;
        }

        return valid;
    }
}
