using System.Text.Json.Nodes;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Tests.Support;

namespace Jiayi.Engine.Tests;

public class ShippedDefinitionTests
{
    public static TheoryData<string> Ids => [.. ShippedForms.ShippedIds()];

    [Theory]
    [MemberData(nameof(Ids))]
    public void Every_shipped_form_loads_and_compiles(string id)
    {
        var form = ShippedForms.Load(id);
        Assert.Equal(id, form.Id);
        Assert.NotEmpty(form.Fields);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Every_shipped_form_round_trips_through_its_canonical_text_without_loss(string id)
    {
        var text = File.ReadAllText(ShippedForms.FileOf(id));
        var definition = FormLoader.Parse(text, id);
        var canonical = FormLoader.ToCanonicalJson(definition);

        var original = JsonNode.Parse(text)!.AsObject();
        original.Remove("$schema");
        Assert.True(JsonNode.DeepEquals(original, JsonNode.Parse(canonical)), $"{id}: the file holds something the model drops, or a default value written out.\n{canonical}");

        var again = FormLoader.ToCanonicalJson(FormLoader.Parse(canonical, id));
        Assert.Equal(canonical, again);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Every_shipped_form_file_is_named_after_its_id(string id)
    {
        var definition = FormLoader.Parse(File.ReadAllText(ShippedForms.FileOf(id)), id);
        Assert.Equal(id, definition.Id);
    }
}
