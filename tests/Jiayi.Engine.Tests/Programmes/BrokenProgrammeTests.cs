using Jiayi.Engine.Definitions;
using Jiayi.Engine.Programmes;
using Jiayi.Engine.Tests.Support;

namespace Jiayi.Engine.Tests.Programmes;

/// <summary>What a configurator gets wrong in a programme, and the located Chinese message they get.</summary>
public class BrokenProgrammeTests
{
    private static IReadOnlyList<DefinitionError> Errors(string services, string enrolment = """{ "mode": "manual" }""", string extra = "")
    {
        var json = $$"""{ "id": "broken", "title": "测试", "enrolment": {{enrolment}}, {{extra}} "services": {{services}} }""";
        var e = Assert.Throws<DefinitionException>(() => ProgrammeLoader.Load(json, "broken.json", 1, ShippedProgrammes.Form));
        return e.Errors;
    }

    private static void Has(IReadOnlyList<DefinitionError> errors, string pointer, string fragment) =>
        Assert.Contains(errors, e => e.Path == pointer && e.Message.Contains(fragment, StringComparison.Ordinal));

    [Fact]
    public void An_unknown_form_is_named()
    {
        Has(Errors("""[{ "key": "a", "label": "随访", "form": "no-such-form", "periodic": { "period": "year" } }]"""), "/services/0/form", "表单“no-such-form”不存在");
    }

    [Fact]
    public void A_workflow_form_cannot_fulfil_a_service()
    {
        Has(Errors("""[{ "key": "a", "label": "随访", "form": "contract-termination", "periodic": { "period": "year" } }]"""), "/services/0/form", "不是服务记录表单");
    }

    [Fact]
    public void A_service_has_exactly_one_way_of_scheduling()
    {
        var errors = Errors("""[{ "key": "a", "label": "随访", "form": "hypertension-followup" }]""");
        Assert.Contains(errors, e => e.Path.StartsWith("/services/0", StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_names_and_wrong_types_in_rules_are_located()
    {
        var errors = Errors("""
            [{ "key": "a", "label": "随访", "form": "hypertension-followup",
               "repeat": { "next": [ { "when": "record.no_such_field == 1", "days": 14, "label": "x" }, { "months": "record.visit_date", "label": "y" } ] } }]
            """);
        Has(errors, "/services/0/repeat/next/0/when", "no_such_field");
        Has(errors, "/services/0/repeat/next/1/months", "record.visit_date");
    }

    [Fact]
    public void The_last_interval_must_always_apply_and_a_date_field_must_exist()
    {
        var errors = Errors("""
            [{ "key": "a", "label": "随访", "form": "hypertension-followup",
               "repeat": { "next": [ { "field": "no_date", "label": "x" }, { "when": "record.sbp > 140", "days": 14, "label": "y" } ] } }]
            """);
        Has(errors, "/services/0/repeat/next/0/field", "no_date");
        Has(errors, "/services/0/repeat/next/1", "最后一个排期不应带条件");
    }

    [Fact]
    public void Duplicate_keys_and_age_bounds_on_manual_programmes_are_refused()
    {
        var errors = Errors(
            """[{ "key": "a", "label": "x", "form": "phq9", "periodic": { "period": "year" } }, { "key": "a", "label": "y", "form": "phq9", "periodic": { "period": "month" } }]""",
            """{ "mode": "manual", "minAge": 65 }""");
        Has(errors, "/services/1/key", "服务代码“a”重复");
        Has(errors, "/enrolment", "minAge、maxAge 只用于按年龄入组");
    }

    [Fact]
    public void An_attribute_source_must_be_a_field_of_the_same_type()
    {
        var errors = Errors("[]", extra: """ "attributes": [ { "key": "x", "label": "收缩压", "type": "date", "from": { "form": "hypertension-followup", "field": "sbp" } }, { "key": "start", "label": "开始", "type": "date" } ], """);
        Has(errors, "/attributes/0/from/field", "类型");
        Has(errors, "/attributes/1/key", "保留字");
    }

    [Fact]
    public void The_schema_refuses_a_service_with_two_kinds_in_chinese()
    {
        var errors = Errors("""[{ "key": "a", "label": "随访", "form": "phq9", "periodic": { "period": "year" }, "points": [ { "key": "p", "label": "p", "at": { "days": 1 } } ] }]""");
        Assert.NotEmpty(errors);
    }
}
