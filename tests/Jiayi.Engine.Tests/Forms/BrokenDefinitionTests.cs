using System.Text.Json.Nodes;
using Jiayi.Engine.Definitions;
using Jiayi.Engine.Forms;

namespace Jiayi.Engine.Tests.Forms;

/// <summary>A bad definition fails loudly and completely: file, JSON pointer, reason in Chinese; nothing is compiled.</summary>
public class BrokenDefinitionTests
{
    private const string Source = "definitions/forms/broken.json";

    private static JsonObject Valid() => JsonNode.Parse("""
        {
          "id": "broken",
          "title": "测试表",
          "sections": [
            {
              "key": "main",
              "title": "主要",
              "fields": [
                { "key": "sbp", "label": "收缩压", "type": "integer", "min": 50, "max": 300 },
                { "key": "note", "label": "备注", "type": "text" },
                { "key": "method", "label": "方式", "type": "choice", "options": [ { "code": 1, "label": "门诊" }, { "code": 2, "label": "电话" } ] }
              ]
            }
          ]
        }
        """)!.AsObject();

    private static JsonObject Field(JsonObject form, int index) => form["sections"]![0]!["fields"]![index]!.AsObject();

    private static IReadOnlyList<DefinitionError> Errors(JsonObject form) => Errors(form.ToJsonString());

    private static IReadOnlyList<DefinitionError> Errors(string json)
    {
        var e = Assert.Throws<DefinitionException>(() => FormLoader.Load(json, Source, 1));
        Assert.All(e.Errors, error => Assert.Equal(Source, error.Source));
        Assert.Contains(Source, e.Message, StringComparison.Ordinal);
        return e.Errors;
    }

    private static void Has(IReadOnlyList<DefinitionError> errors, string path, string message) =>
        Assert.True(
            errors.Any(e => e.Path == path && e.Message.Contains(message, StringComparison.Ordinal)),
            $"expected “{message}” at {path}; got:\n{string.Join("\n", errors)}");

    [Fact]
    public void The_valid_base_compiles() => Assert.NotNull(FormLoader.Load(Valid().ToJsonString(), Source, 1));

    [Fact]
    public void Malformed_json_names_the_line()
    {
        var error = Assert.Single(Errors("{\n  \"id\": \"x\",\n  \"title\": \n}"));
        Assert.Contains("不是有效的 JSON（第 4 行", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_property_is_refused_where_it_stands()
    {
        var form = Valid();
        Field(form, 0)["colour"] = "red";
        Has(Errors(form), "/sections/0/fields/0/colour", "不允许的属性“colour”");
    }

    [Fact]
    public void A_bad_key_and_a_missing_property_are_explained()
    {
        var form = Valid();
        Field(form, 1)["key"] = "Note-1";
        Field(form, 2).Remove("label");
        var errors = Errors(form);
        Has(errors, "/sections/0/fields/1/key", "应为小写英文字母开头");
        Has(errors, "/sections/0/fields/2", "缺少必填属性：label");
    }

    [Fact]
    public void An_unknown_field_type_lists_the_allowed_ones()
    {
        var form = Valid();
        Field(form, 1)["type"] = "richtext";
        Has(Errors(form), "/sections/0/fields/1/type", "取值应为以下之一：\"text\"、\"integer\"");
    }

    [Fact]
    public void Number_fields_need_bounds_and_only_choices_have_options()
    {
        var form = Valid();
        Field(form, 0).Remove("max");
        Field(form, 1)["options"] = new JsonArray(new JsonObject { ["code"] = 1, ["label"] = "是" });
        var errors = Errors(form);
        Has(errors, "/sections/0/fields/0", "整数和小数字段必须设置 min 和 max");
        Has(errors, "/sections/0/fields/1", "只有单选和多选字段可以设置 options");
    }

    [Fact]
    public void Duplicate_keys_and_codes_are_found()
    {
        var form = Valid();
        Field(form, 1)["key"] = "sbp";
        Field(form, 2)["options"]![1]!["code"] = 1;
        var errors = Errors(form);
        Has(errors, "/sections/0/fields/1/key", "字段代码“sbp”重复");
        Has(errors, "/sections/0/fields/2/options/1/code", "选项代码 1 重复");
    }

    [Fact]
    public void A_misspelt_name_in_a_rule_is_located_and_a_likely_name_suggested()
    {
        var form = Valid();
        Field(form, 1)["visibleWhen"] = "sdp > 140";
        Has(Errors(form), "/sections/0/fields/1/visibleWhen", "第 1 个字符处：未知的名称“sdp”。是否想写：sbp");
    }

    [Fact]
    public void A_rule_of_the_wrong_type_is_refused()
    {
        var form = Valid();
        Field(form, 1)["visibleWhen"] = "sbp + 1";
        Has(Errors(form), "/sections/0/fields/1/visibleWhen", "表达式的结果应为是/否，实际为数值");
    }

    [Fact]
    public void A_code_that_the_choice_does_not_have_is_refused()
    {
        var form = Valid();
        Field(form, 1)["visibleWhen"] = "method == 3";
        Has(Errors(form), "/sections/0/fields/1/visibleWhen", "“方式”没有代码 3（可选：1 门诊，2 电话）");
    }

    [Fact]
    public void Calculations_that_need_each_other_are_a_cycle()
    {
        var form = Valid();
        var fields = form["sections"]![0]!["fields"]!.AsArray();
        fields.Add(new JsonObject { ["key"] = "a", ["label"] = "甲", ["type"] = "decimal", ["calculate"] = "b + 1" });
        fields.Add(new JsonObject { ["key"] = "b", ["label"] = "乙", ["type"] = "decimal", ["calculate"] = "a + 1" });
        var error = Assert.Single(Errors(form));
        Assert.Contains("循环依赖：字段“甲” → 字段“乙” → 字段“甲”", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Outcome_values_must_be_options_of_the_field_they_suggest()
    {
        var form = Valid();
        form["outcomes"] = JsonNode.Parse("""[{ "key": "way", "label": "建议方式", "field": "method", "cases": [{ "when": "sbp > 180", "value": "急诊" }], "otherwise": "门诊" }]""");
        Has(Errors(form), "/outcomes/0/cases/0/value", "取值“急诊”不是字段“方式”的选项");
    }

    [Fact]
    public void Overlapping_bands_are_refused()
    {
        var form = Valid();
        form["scores"] = JsonNode.Parse("""[{ "key": "total", "label": "总分", "items": ["sbp"] }]""");
        form["outcomes"] = JsonNode.Parse("""[{ "key": "level", "label": "等级", "score": "total", "bands": [{ "max": 10, "value": "低" }, { "min": 10, "value": "高" }] }]""");
        Has(Errors(form), "/outcomes/0/bands/1", "分段与第 1 段重叠");
    }

    [Fact]
    public void An_outcome_must_use_exactly_one_way_of_computing()
    {
        var form = Valid();
        form["outcomes"] = JsonNode.Parse("""[{ "key": "level", "label": "等级", "expression": "'高'", "cases": [{ "when": "true", "value": "低" }] }]""");
        Has(Errors(form), "/outcomes/0", "结果须且只能采用一种方式");
    }

    [Fact]
    public void Every_problem_is_reported_at_once_and_nothing_is_compiled()
    {
        var form = Valid();
        Field(form, 0)["visibleWhen"] = "nope";
        Field(form, 1)["requiredWhen"] = "method == 9";
        form["validations"] = JsonNode.Parse("""[{ "key": "v", "rule": "sbp > 0", "message": "错", "path": "ghost" }]""");
        var errors = Errors(form);
        Assert.Equal(3, errors.Count);
        Has(errors, "/validations/0/path", "未知的字段“ghost”");
    }

    [Fact]
    public void Score_items_must_be_scorable_fields()
    {
        var form = Valid();
        form["scores"] = JsonNode.Parse("""[{ "key": "total", "label": "总分", "items": ["note", "ghost"], "reversed": ["sbp"] }]""");
        var errors = Errors(form);
        Has(errors, "/scores/0/items/0", "“备注”不能计分");
        Has(errors, "/scores/0/items/1", "未知的字段“ghost”");
        Has(errors, "/scores/0/reversed/0", "反向计分的题目“sbp”不在 items 中");
    }
}
