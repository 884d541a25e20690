using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Jiayi.Engine.Definitions;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Tests.Support;
using Jiayi.Engine.Workflows;

namespace Jiayi.Engine.Tests.Workflows;

/// <summary>
/// docs/definitions/workflows.md cannot rot: its JSON examples compile or are copied from a shipped workflow,
/// its diagrams are the shipped workflows' own, its name tables are the engine's, its sample error is real.
/// </summary>
public partial class WorkflowDocsTests
{
    private static readonly string Doc = File.ReadAllText(Repo.Path("docs", "definitions", "workflows.md")).ReplaceLineEndings("\n");

    private static readonly string[] ShippedIds =
        [.. Directory.GetFiles(Repo.Path("definitions", "workflows"), "*.json").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal)];

    [Fact]
    public void Every_json_example_compiles_or_appears_in_a_shipped_workflow()
    {
        var blocks = JsonBlock().Matches(Doc).Select(m => m.Groups[1].Value).ToList();
        Assert.True(blocks.Count >= 5, $"only {blocks.Count} examples found");
        var shipped = ShippedIds.Select(id => JsonNode.Parse(File.ReadAllText(Repo.Path("definitions", "workflows", id + ".json")))!).ToList();
        foreach (var block in blocks)
        {
            var example = JsonNode.Parse(block)!;
            if (example["$schema"] is not null)
            {
                WorkflowLoader.Load(block, "docs/definitions/workflows.md", 1);
                continue;
            }

            Assert.True(shipped.Any(file => Contains(file, example)), $"this example is not in any shipped workflow:\n{block}");
        }
    }

    [Fact]
    public void The_diagrams_are_those_of_the_shipped_workflows()
    {
        var diagrams = MermaidBlock().Matches(Doc).Select(m => m.Groups[1].Value + "\n").ToList();
        var expected = ShippedIds.Select(id => WorkflowDiagram.Mermaid(TestWorkflows.Shipped(id)).ReplaceLineEndings("\n")).ToList();
        Assert.Equal(expected.Order(StringComparer.Ordinal), diagrams.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_name_tables_list_every_subject_and_user_attribute()
    {
        foreach (var (prefix, attributes) in new[] { ("subject", WorkflowSubjects.Contract.Attributes), ("user", WorkflowSubjects.UserAttributes) })
        {
            var rows = Regex.Matches(Doc, $@"^\| `{prefix}\.[a-z_]+` \|.*$", RegexOptions.Multiline).Select(m => m.Value).ToList();
            Assert.Equal(attributes.Select(a => $"| `{prefix}.{a.Key}` | {a.Label} | {TypeName(a.Type)} |"), rows);
        }
    }

    [Fact]
    public void The_sample_error_is_what_the_compiler_says()
    {
        var sample = SampleError().Match(Doc).Groups[1].Value;
        var text = File.ReadAllText(Repo.Path("definitions", "workflows", "contract-request.json"))
            .Replace("\"not subject.renewed and", "\"not subject.renewd and", StringComparison.Ordinal);
        var e = Assert.Throws<DefinitionException>(() => WorkflowLoader.Load(text, "definitions/workflows/contract-request.json", 1));
        Assert.Equal(sample, Assert.Single(e.Errors).ToString());
    }

    private static string TypeName(ExprType type) => type switch
    {
        ExprType.Text => "text",
        ExprType.Number => "number",
        ExprType.Date => "date",
        ExprType.Boolean => "boolean",
        ExprType.TextList => "text list",
        _ => type.ToString(),
    };

    private static bool Contains(JsonNode? node, JsonNode example) => node switch
    {
        _ when JsonNode.DeepEquals(node, example) => true,
        JsonObject obj => obj.Any(p => Contains(p.Value, example)),
        JsonArray array => array.Any(item => Contains(item, example)),
        _ => false,
    };

    [GeneratedRegex("```json\\n(.*?)\\n```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();

    [GeneratedRegex("```mermaid\\n(.*?)\\n```", RegexOptions.Singleline)]
    private static partial Regex MermaidBlock();

    [GeneratedRegex("```\\n(definitions/workflows/.*)\\n```")]
    private static partial Regex SampleError();
}
