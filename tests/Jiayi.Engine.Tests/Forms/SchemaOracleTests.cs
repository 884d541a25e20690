using System.Text.Json;
using Jiayi.Engine.Tests.Support;
using Json.Schema;
using Xunit.Abstractions;

namespace Jiayi.Engine.Tests.Forms;

/// <summary>
/// JsonSchema.Net is the reference oracle: on thousands of generated submissions per shipped form, the
/// engine's compiled validator and the published JSON Schema must agree on valid / invalid, and both must
/// agree with what the generator made (a clean submission, or one with a mistake that breaks the contract).
/// </summary>
public class SchemaOracleTests(ITestOutputHelper output)
{
    public static TheoryData<string> Ids => [.. ShippedForms.ShippedIds()];

    private const int Count = 3000;

    [Theory]
    [MemberData(nameof(Ids))]
    public void The_compiled_validator_agrees_with_json_schema_on_generated_submissions(string id)
    {
        var form = ShippedForms.Load(id);
        var schema = JsonSchema.FromText(form.SchemaJson, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        var options = new EvaluationOptions { OutputFormat = OutputFormat.Flag, RequireFormatValidation = true };

        // Generated in order (seeded, so a failure replays), then checked on every core: JsonSchema.Net is
        // most of the cost, above all on the valid half of a large form.
        var generator = new SubmissionGenerator(form, seed: id.Length * 7919);
        var submissions = new (string Json, bool? Expected, string Mistakes)[Count];
        for (var i = 0; i < Count; i++)
        {
            // Every third submission pretty-printed, so the binder's whitespace paths are held to the oracle too.
            var node = generator.Next();
            var json = i % 3 == 0 ? node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) : node.ToJsonString();
            submissions[i] = (json, generator.Expected, generator.Mistakes);
        }

        var verdicts = new bool[Count];
        var failures = new string?[Count];
        Parallel.For(0, Count, i =>
        {
            var (submission, expected, mistakes) = submissions[i];
            using var document = JsonDocument.Parse(submission);
            var engine = form.ValidateStructure(document.RootElement);
            var oracle = schema.Evaluate(document.RootElement, options).IsValid;
            verdicts[i] = oracle;
            var bound = form.Bind(document.RootElement).StructuralErrors;
            var errors = string.Join("; ", engine);
            failures[i] =
                // Checking alone and binding values must find exactly the same problems.
                !engine.SequenceEqual(bound) ? $"{id} #{i}: checking found [{errors}], binding found [{string.Join("; ", bound)}]\n{submission}"
                : oracle != (engine.Count == 0) ? $"{id} #{i}: JSON Schema says {(oracle ? "valid" : "invalid")}, engine found [{errors}]\n{submission}"
                // The generator knows what it made: a mistake both validators let through, or a clean
                // submission both refuse, is a blind spot they share (or a generator bug), not agreement.
                : expected is { } e && e != oracle ? $"{id} #{i}: generated as {(e ? "valid" : "invalid")} (mistakes: {mistakes}), but JSON Schema and engine say {(oracle ? "valid" : "invalid")} [{errors}]\n{submission}"
                : null;
        });

        if (failures.FirstOrDefault(f => f is not null) is { } failure)
        {
            Assert.Fail($"{failures.Count(f => f is not null)} of {Count} submissions; the first: {failure}");
        }

        var valid = verdicts.Count(v => v);
        var invalid = Count - valid;
        var surelyInvalid = submissions.Count(s => s.Expected == false);
        output.WriteLine($"{id}: {valid} valid, {invalid} invalid ({surelyInvalid} with a mistake that surely breaks the contract)");

        // The generator must exercise both sides, or the agreement proves nothing. Half of the submissions are
        // generated clean and the other half mostly break the contract, so each side is far above a fifth;
        // and it must know what it made, or the check against its expectation proves nothing either.
        Assert.True(valid >= Count / 5 && invalid >= Count / 5, $"{id}: {valid} valid, {invalid} invalid");
        Assert.True(submissions.Count(s => s.Expected is not null) >= Count * 9 / 10, $"{id}: the generator cannot tell what most submissions are");
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void The_published_schema_is_json_schema_2020_12(string id)
    {
        var form = ShippedForms.Load(id);
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", form.Schema["$schema"]!.GetValue<string>());
        Assert.False(form.Schema["additionalProperties"]!.GetValue<bool>());
        Assert.Equal(form.Fields.Length, form.Schema["properties"]!.AsObject().Count);
    }
}
