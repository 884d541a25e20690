using System.Text.Json;
using Jiayi.Engine.Tests.Support;
using Json.Schema;

namespace Jiayi.Engine.Tests.Forms;

/// <summary>
/// JsonSchema.Net is the reference oracle: on thousands of generated submissions per shipped form, the
/// engine's compiled validator and the published JSON Schema must agree on valid / invalid.
/// </summary>
public class SchemaOracleTests
{
    public static TheoryData<string> Ids => [.. ShippedForms.ShippedIds()];

    [Theory]
    [MemberData(nameof(Ids))]
    public void The_compiled_validator_agrees_with_json_schema_on_generated_submissions(string id)
    {
        var form = ShippedForms.Load(id);
        var schema = JsonSchema.FromText(form.SchemaJson, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        var options = new EvaluationOptions { OutputFormat = OutputFormat.Flag, RequireFormatValidation = true };
        var generator = new SubmissionGenerator(form, seed: id.Length * 7919);
        int valid = 0, invalid = 0;
        for (var i = 0; i < 3000; i++)
        {
            // Every third submission pretty-printed, so the binder's whitespace paths are held to the oracle too.
            var node = generator.Next();
            var submission = i % 3 == 0 ? node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) : node.ToJsonString();
            using var document = JsonDocument.Parse(submission);
            var engine = form.ValidateStructure(document.RootElement);
            var oracle = schema.Evaluate(document.RootElement, options).IsValid;
            // Checking alone and binding values must find exactly the same problems.
            Assert.Equal(engine, form.Bind(document.RootElement).StructuralErrors);
            Assert.True(
                oracle == (engine.Count == 0),
                $"{id} #{i}: JSON Schema says {(oracle ? "valid" : "invalid")}, engine found [{string.Join("; ", engine)}]\n{submission}");
            if (oracle)
            {
                valid++;
            }
            else
            {
                invalid++;
            }
        }

        // The generator must exercise both sides, or the agreement proves nothing.
        Assert.True(valid > 100 && invalid > 100, $"{id}: {valid} valid, {invalid} invalid");
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
