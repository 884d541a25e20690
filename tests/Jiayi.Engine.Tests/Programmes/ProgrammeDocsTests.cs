using System.Text.Json.Nodes;
using Jiayi.Engine.Tests.Support;

namespace Jiayi.Engine.Tests.Programmes;

/// <summary>docs/definitions/programmes.md stays true: every property the schema allows and every shipped programme is described.</summary>
public class ProgrammeDocsTests
{
    private static readonly string Docs = File.ReadAllText(Repo.Path("docs", "definitions", "programmes.md"));

    [Fact]
    public void Every_schema_property_is_described()
    {
        var schema = JsonNode.Parse(File.ReadAllText(Repo.Path("definitions", "schemas", "programme.schema.json")))!;
        var names = new List<string>();
        void Collect(JsonNode? node)
        {
            if (node?["properties"] is JsonObject properties)
            {
                names.AddRange(properties.Select(p => p.Key));
                foreach (var (_, child) in properties)
                {
                    Collect(child);
                }
            }
        }

        Collect(schema);
        foreach (var (_, definition) in schema["$defs"]!.AsObject())
        {
            Collect(definition);
        }

        var missing = names.Where(n => n != "$schema").Distinct().Where(n => !Docs.Contains($"`{n}", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "Not described in docs/definitions/programmes.md: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_shipped_programme_is_listed()
    {
        var missing = ShippedProgrammes.ShippedIds().Where(id => !Docs.Contains($"`{id}`", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "Not listed in docs/definitions/programmes.md: " + string.Join(", ", missing));
    }
}
