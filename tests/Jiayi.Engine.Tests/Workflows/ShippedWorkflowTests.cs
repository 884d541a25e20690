using System.Text.Json.Nodes;
using Jiayi.Engine.Tests.Support;
using Jiayi.Engine.Workflows;

namespace Jiayi.Engine.Tests.Workflows;

public class ShippedWorkflowTests
{
    public static TheoryData<string> Files =>
        [.. Directory.GetFiles(Repo.Path("definitions", "workflows"), "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal)];

    private static string FileOf(string id) => Repo.Path("definitions", "workflows", id + ".json");

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_shipped_workflow_loads_compiles_and_is_named_after_its_id(string id)
    {
        var workflow = WorkflowLoader.Load(File.ReadAllText(FileOf(id)), id, 1);
        Assert.Equal(id, workflow.Id);
        Assert.Equal("contract", workflow.Subject.Name);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_shipped_workflow_round_trips_through_its_canonical_text(string id)
    {
        var text = File.ReadAllText(FileOf(id));
        var canonical = WorkflowLoader.ToCanonicalJson(WorkflowLoader.Parse(text, id));
        var original = JsonNode.Parse(text)!.AsObject();
        original.Remove("$schema");
        Assert.True(JsonNode.DeepEquals(original, JsonNode.Parse(canonical)), canonical);
        Assert.Equal(canonical, WorkflowLoader.ToCanonicalJson(WorkflowLoader.Parse(canonical, id)));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_form_a_shipped_workflow_asks_for_is_a_shipped_form(string id)
    {
        var workflow = WorkflowLoader.Load(File.ReadAllText(FileOf(id)), id, 1);
        Assert.All(workflow.Forms, form => Assert.Equal(form, ShippedForms.Load(form).Id));
    }
}
