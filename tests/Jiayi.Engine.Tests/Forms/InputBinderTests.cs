using System.Text.Json;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Tests.Support;

namespace Jiayi.Engine.Tests.Forms;

/// <summary>The one-pass binder on JSON shapes that generated submissions rarely produce.</summary>
public class InputBinderTests
{
    private static CompiledForm Form => ShippedForms.Load("hypertension-followup");

    private static EvaluationResult Evaluate(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Form.Evaluate(document.RootElement, ShippedForms.Context);
    }

    private const string Valid = """
        {"visit_date":"2026-11-20","visit_method":1,"symptoms":[1],"sbp":128,"dbp":78,"adverse_reaction":1,"visit_class":1,"next_visit_date":"2027-02-20"}
        """;

    [Fact]
    public void Whitespace_anywhere_reads_the_same_as_compact_json()
    {
        var spaced = """
            {
              "visit_date" : "2026-11-20" ,
              "visit_method":	1,
              "symptoms" : [ 1 ] ,
              "sbp" :128, "dbp": 78 ,
              "meds" : [ { "drug_name" : "氨氯地平" , "times_per_day" : 1 } ] ,
              "adverse_reaction" : 1 , "visit_class" : 1 , "next_visit_date" : "2027-02-20"
            }
            """;
        var result = Evaluate(spaced);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal("128", result.Value("sbp").ToString());
        Assert.Single(result.Value("meds").AsRows);
    }

    [Fact]
    public void Escaped_names_and_values_are_decoded()
    {
        var result = Evaluate("""{"\u0076isit_date":"2026\u002d11\u002d20","visit_method":1,"symptoms":[1],"sbp":128,"dbp":78,"adverse_reaction":1,"visit_class":1,"next_visit_date":"2027-02-20","doctor_sign":"\u5218\u533b\u751f \"\u5f20\""}""");
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal("2026-11-20", result.Value("visit_date").ToString());
        Assert.Equal("刘医生 \"张\"", result.Value("doctor_sign").ToString());
    }

    [Fact]
    public void Unknown_values_of_any_shape_are_stepped_over_whatever_they_contain()
    {
        const string Extra = """
            ,"extra":{"a":[1,{"b":"]}\"{["}],"c":"\\"},"more":[[],{}],"flag":true,"nothing":null,"n":-1.5e3}
            """;
        var json = Valid.TrimEnd()[..^1] + Extra;
        var errors = Evaluate(json).Errors;
        Assert.Equal(["/extra", "/flag", "/more", "/n", "/nothing"], errors.Select(e => e.Path).Order());
        Assert.All(errors, e => Assert.Equal(ErrorCodes.UnknownField, e.Code));
    }

    [Fact]
    public void Wrong_shapes_for_each_field_type_are_type_errors_and_reading_goes_on()
    {
        var json = """
            {"visit_date":["2026-11-20"],"visit_method":{"code":1},"symptoms":1,"sbp":"128","dbp":[78],"height":{},"symptoms_other":5,
             "meds":{"drug_name":"x"},"adverse_reaction":1,"visit_class":1,"next_visit_date":"2027-02-20"}
            """;
        var errors = Evaluate(json).Errors.ToDictionary(e => e.Path, e => e.Code);
        Assert.Equal("type", errors["/visit_date"]);
        Assert.Equal("enum", errors["/visit_method"]);
        Assert.Equal("type", errors["/symptoms"]);
        Assert.Equal("type", errors["/sbp"]);
        Assert.Equal("type", errors["/dbp"]);
        Assert.Equal("type", errors["/height"]);
        Assert.Equal("type", errors["/symptoms_other"]);
        Assert.Equal("type", errors["/meds"]);
        Assert.False(errors.ContainsKey("/adverse_reaction"));
    }

    [Fact]
    public void Numbers_in_every_json_spelling_are_read_exactly()
    {
        foreach (var (text, expected) in new[] { ("72.5", "72.5"), ("7.25e1", "72.5"), ("725E-1", "72.5"), ("72.50", "72.5"), ("-0", null), ("1e400", null) })
        {
            var result = Evaluate(Valid.TrimEnd()[..^1] + $",\"weight\":{text}}}");
            if (expected is null)
            {
                Assert.Contains(result.Errors, e => e.Path == "/weight");
            }
            else
            {
                Assert.Equal(expected, result.Value("weight").ToString());
            }
        }

        // 1.0 is a whole number, as JSON Schema says; 1.5 is not.
        Assert.DoesNotContain(Evaluate(Valid.Replace("\"sbp\":128", "\"sbp\":128.0", StringComparison.Ordinal)).Errors, e => e.Path == "/sbp");
        Assert.Contains(Evaluate(Valid.Replace("\"sbp\":128", "\"sbp\":128.5", StringComparison.Ordinal)).Errors, e => e.Path == "/sbp" && e.Code == "type");
        Assert.Equal("1", Evaluate(Valid.Replace("\"visit_method\":1", "\"visit_method\":1.0", StringComparison.Ordinal)).Value("visit_method").ToString());
    }

    [Fact]
    public void Checking_alone_and_binding_agree_on_every_path()
    {
        var json = """{"visit_date":"x","sbp":999,"meds":[{"times_per_day":0},"row"],"symptoms":[1,2,2,77]}""";
        using var document = JsonDocument.Parse(json);
        Assert.Equal(Form.ValidateStructure(document.RootElement), Form.Bind(document.RootElement).StructuralErrors);
        Assert.Contains(Form.ValidateStructure(document.RootElement), e => e.Path == "/meds/1" && e.Message == "用药情况第 2 行：每一行应为 JSON 对象");
    }
}
