using System.Text.Json;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Tests.Support;

namespace Jiayi.Engine.Tests;

/// <summary>
/// Every shipped service-record form comes with a filled example (<c>definitions/examples/forms/&lt;id&gt;.json</c>):
/// a realistic record that must validate with no error, and the outcomes and scores it is expected to give.
/// The examples also serve configurators as a model and the demo data as its source.
/// </summary>
public class FormExampleTests
{
    public static TheoryData<string> RecordForms =>
        [.. ShippedForms.ShippedIds().Where(id => FormPurposes.IsRecord(ShippedForms.Load(id).Definition))];

    [Theory]
    [MemberData(nameof(RecordForms))]
    public void Every_record_form_has_an_example_that_validates_and_gives_what_it_expects(string id)
    {
        var file = Repo.Path("definitions", "examples", "forms", id + ".json");
        Assert.True(File.Exists(file), $"{id}: no filled example at definitions/examples/forms/{id}.json");

        var example = FormExample.Read(file);
        Assert.Equal(id, example.Form);
        var result = ShippedForms.Load(id).Evaluate(example.Data, example.Context);

        Assert.True(result.IsValid, $"{id}: the example does not validate:\n" + string.Join("\n", result.Errors.Select(e => $"{e.Path} {e.Code} {e.Message}")));
        foreach (var (key, expected) in example.Outcomes)
        {
            Assert.True(expected == result.Outcome(key).Text(), $"{id}: outcome {key} is {result.Outcome(key).Text()}, the example expects {expected}");
        }

        foreach (var (key, expected) in example.Scores)
        {
            Assert.True(expected == result.Score(key).Text(), $"{id}: score {key} is {result.Score(key).Text()}, the example expects {expected}");
        }

        foreach (var (key, expected) in example.Values)
        {
            Assert.True(expected == result.Value(key).Text(), $"{id}: field {key} is {result.Value(key).Text()}, the example expects {expected}");
        }
    }
}

/// <summary>
/// A filled example: <c>{"form", "today", "subject": {"birth_date", "sex"}, "data": {…}, "expect": {"outcomes": {…}, "scores": {…}, "values": {…}}}</c>.
/// Expected values are compared as the engine prints them (dates yyyy-MM-dd, labels for outcomes).
/// </summary>
internal sealed record FormExample(string Form, EvaluationContext Context, JsonElement Data,
    IReadOnlyDictionary<string, string> Outcomes, IReadOnlyDictionary<string, string> Scores, IReadOnlyDictionary<string, string> Values)
{
    public static FormExample Read(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(file));
        var root = document.RootElement;
        var today = root.TryGetProperty("today", out var t) ? DateOnly.Parse(t.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : ShippedForms.Today;
        SubjectInfo? subject = null;
        if (root.TryGetProperty("subject", out var s))
        {
            subject = new SubjectInfo(
                s.TryGetProperty("birth_date", out var b) ? DateOnly.Parse(b.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : null,
                s.TryGetProperty("sex", out var x) ? x.GetString() : null);
        }

        var expect = root.TryGetProperty("expect", out var e) ? e : default;
        return new FormExample(
            root.GetProperty("form").GetString()!,
            new EvaluationContext(today) { Subject = subject },
            root.GetProperty("data").Clone(),
            Map(expect, "outcomes"), Map(expect, "scores"), Map(expect, "values"));
    }

    private static Dictionary<string, string> Map(JsonElement expect, string name) =>
        expect.ValueKind == JsonValueKind.Object && expect.TryGetProperty(name, out var map)
            ? map.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText())
            : [];
}
