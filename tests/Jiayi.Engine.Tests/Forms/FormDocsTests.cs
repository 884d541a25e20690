using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Tests.Support;

namespace Jiayi.Engine.Tests.Forms;

/// <summary>docs/definitions/forms.md cannot rot: each JSON example compiles or is copied from a shipped definition.</summary>
public partial class FormDocsTests
{
    [Fact]
    public void Every_json_example_in_the_form_docs_compiles_or_appears_in_a_shipped_definition()
    {
        var doc = File.ReadAllText(Repo.Path("docs", "definitions", "forms.md"));
        var blocks = JsonBlock().Matches(doc).Select(m => m.Groups[1].Value).ToList();
        Assert.True(blocks.Count >= 8, $"only {blocks.Count} examples found");
        var shipped = ShippedForms.ShippedIds().Select(id => JsonNode.Parse(File.ReadAllText(ShippedForms.FileOf(id)))!).ToList();
        foreach (var block in blocks)
        {
            var example = JsonNode.Parse(block)!;
            if (example["$schema"] is not null)
            {
                FormLoader.Load(block, "docs/definitions/forms.md", 1);
                continue;
            }

            Assert.True(shipped.Any(file => Contains(file, example)), $"this example is not in any shipped definition:\n{block}");
        }
    }

    private static bool Contains(JsonNode? node, JsonNode example) => node switch
    {
        _ when JsonNode.DeepEquals(node, example) => true,
        JsonObject obj => obj.Any(p => Contains(p.Value, example)),
        JsonArray array => array.Any(item => Contains(item, example)),
        _ => false,
    };

    [GeneratedRegex("```json\\n(.*?)\\n```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
