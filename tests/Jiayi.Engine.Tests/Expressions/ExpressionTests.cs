using Jiayi.Engine.Expressions;

namespace Jiayi.Engine.Tests.Expressions;

public class ExpressionTests
{
    private sealed class Scope(Dictionary<string, Value> values) : IExpressionScope
    {
        public Dictionary<string, Value> Values { get; } = values;

        public DateOnly Today => new(2026, 11, 25);
    }

    private sealed class Resolver : ISymbolResolver<Scope>
    {
        private static readonly Dictionary<string, ExprType> Types = new()
        {
            ["sbp"] = ExprType.Number,
            ["dbp"] = ExprType.Number,
            ["name"] = ExprType.Text,
            ["visit_date"] = ExprType.Date,
            ["birth"] = ExprType.Date,
            ["flag"] = ExprType.Boolean,
            ["symptoms"] = ExprType.NumberList,
            ["params.target"] = ExprType.Number,
            ["method"] = ExprType.Number,
        };

        private static readonly ChoiceInfo MethodChoice = new([(Value.Number(1), "门诊", null), (Value.Number(2), "家庭", null), (Value.Number(3), "电话", null)]);

        public Symbol<Scope>? Resolve(string name) => Types.TryGetValue(name, out var type)
            ? new Symbol<Scope>(name, name, type, s => s.Values.GetValueOrDefault(name), choice: name == "method" ? MethodChoice : null)
            : null;

        public string UnknownNameHint(string name) => "";
    }

    private static Value Eval(string source, params (string Name, Value Value)[] values)
    {
        var compiled = new ExpressionCompiler<Scope>(new Resolver()).Compile(source);
        return compiled.Evaluate(new Scope(values.ToDictionary(v => v.Name, v => v.Value)));
    }

    private static ExpressionException Fails(string source) =>
        Assert.Throws<ExpressionException>(() => new ExpressionCompiler<Scope>(new Resolver()).Compile(source));

    private static readonly Value N150 = Value.Number(150);
    private static readonly Value N85 = Value.Number(85);

    [Theory]
    [InlineData("1 + 2 * 3", "7")]
    [InlineData("(1 + 2) * 3", "9")]
    [InlineData("10 / 4", "2.5")]
    [InlineData("10 % 4", "2")]
    [InlineData("-3 + 1", "-2")]
    [InlineData("round(65 / pow(170 / 100, 2), 1)", "22.5")]
    [InlineData("round(2.25, 1)", "2.3")]
    [InlineData("round(-2.25, 1)", "-2.3")]
    [InlineData("'高' + '血压'", "高血压")]
    [InlineData("1 = 1", "true")]
    [InlineData("1 <> 2", "true")]
    [InlineData("not (1 < 2)", "false")]
    [InlineData("1 < 2 && 2 < 3 || false", "true")]
    [InlineData("2 in (1, 2, 3)", "true")]
    [InlineData("5 not in (1, 2, 3)", "true")]
    [InlineData("if(1 > 2, 'a', 'b')", "b")]
    [InlineData("1 > 2 ? 'a' : 'b'", "b")]
    [InlineData("addDays(#2026-11-20#, 14)", "2026-12-04")]
    [InlineData("addMonths(#2026-11-30#, 3)", "2027-02-28")]
    [InlineData("addYears(#2024-02-29#, 1)", "2025-02-28")]
    [InlineData("daysBetween(#2026-01-01#, #2026-03-01#)", "59")]
    [InlineData("age(#1961-11-21#, #2026-11-20#)", "64")]
    [InlineData("age(#1961-11-20#, #2026-11-20#)", "65")]
    [InlineData("today()", "2026-11-25")]
    [InlineData("min(3, 1, 2)", "1")]
    [InlineData("max(#2026-01-01#, #2025-01-01#)", "2026-01-01")]
    [InlineData("sum(1, 2, 3)", "6")]
    [InlineData("len('收缩压')", "3")]
    [InlineData("coalesce(null, 2)", "2")]
    [InlineData("1 / 0", "null")]
    [InlineData("floor(2.7) + ceiling(2.1) + abs(-1)", "6")]
    public void Literals_operators_and_functions(string source, string expected) =>
        Assert.Equal(expected, Eval(source).ToString());

    [Fact]
    public void Names_read_the_scope_in_plain_or_bracket_form()
    {
        Assert.True(Eval("sbp >= 140 or dbp >= 90", ("sbp", N150), ("dbp", N85)).IsTrue);
        Assert.True(Eval("[sbp] >= [params.target]", ("sbp", N150), ("params.target", Value.Number(140))).IsTrue);
        Assert.True(Eval("sbp >= params.target", ("sbp", N150), ("params.target", Value.Number(140))).IsTrue);
    }

    [Fact]
    public void Unknown_values_propagate_like_sql_nulls()
    {
        Assert.True(Eval("sbp >= 140").IsNull);
        Assert.True(Eval("sbp + 1").IsNull);
        Assert.True(Eval("not (sbp >= 140)").IsNull);
        Assert.True(Eval("sbp >= 140 or dbp >= 90", ("dbp", Value.Number(95))).IsTrue);
        Assert.True(Eval("sbp >= 140 or dbp >= 90", ("dbp", Value.Number(80))).IsNull);
        Assert.True(Eval("sbp < 140 and dbp < 90", ("dbp", Value.Number(95))).IsFalse);
        Assert.True(Eval("sbp < 140 and dbp < 90", ("dbp", Value.Number(80))).IsNull);
        Assert.Equal("b", Eval("if(sbp > 1, 'a', 'b')").ToString());
        Assert.True(Eval("blank(sbp)").IsTrue);
        Assert.True(Eval("blank(name)", ("name", Value.Text("  "))).IsTrue);
        Assert.True(Eval("present(name)", ("name", Value.Text("张三"))).IsTrue);
        Assert.Equal("0", Eval("count(symptoms)").ToString());
        Assert.True(Eval("sum(sbp, dbp)").IsNull);
        Assert.Equal("85", Eval("sum(sbp, dbp)", ("dbp", N85)).ToString());
    }

    [Fact]
    public void Multi_choice_answers_are_tested_with_contains()
    {
        var symptoms = ("symptoms", Value.List([Value.Number(2), Value.Number(6)]));
        Assert.True(Eval("contains(symptoms, 6)", symptoms).IsTrue);
        Assert.True(Eval("contains(symptoms, 1)", symptoms).IsFalse);
        Assert.True(Eval("containsAny(symptoms, 1, 2)", symptoms).IsTrue);
        Assert.Equal("2", Eval("count(symptoms)", symptoms).ToString());
    }

    [Fact]
    public void Optional_time_arithmetic_never_throws_at_the_edges_of_the_calendar()
    {
        Assert.True(Eval("addDays(visit_date, 30)", ("visit_date", Value.Date(DateOnly.MaxValue))).IsNull);
        Assert.True(Eval("addMonths(visit_date, 1000000)", ("visit_date", Value.Date(new DateOnly(2026, 1, 1)))).IsNull);
    }

    [Theory]
    [InlineData("sbp >=", "表达式不完整", 6)]
    [InlineData("sbp >= 140 140", "多余的内容", 11)]
    [InlineData("(sbp > 1", "右括号", 8)]
    [InlineData("sdp > 1", "未知的名称“sdp”", 0)]
    [InlineData("frobnicate(1)", "未知的函数“frobnicate”", 0)]
    [InlineData("round()", "需要 1～2 个参数", 0)]
    [InlineData("sbp > 'high'", "两边的类型不一致：数值与文本", 0)]
    [InlineData("name + 1", "两边的类型不一致", 0)]
    [InlineData("sbp and flag", "and 的左边应为是/否，实际为数值", 0)]
    [InlineData("sbp == null", "不能与 null 比较", 0)]
    [InlineData("symptoms == 1", "两边的类型不一致", 0)]
    [InlineData("contains(sbp, 1)", "contains 的第 1 个参数应为多选字段", 0)]
    [InlineData("addDays(sbp, 1)", "addDays 的第 1 个参数应为日期", 0)]
    [InlineData("method == 4", "“method”没有代码 4", 10)]
    [InlineData("method in (1, 5)", "没有代码 5", 14)]
    [InlineData("'unterminated", "缺少结尾的引号", 0)]
    [InlineData("#2026-02-30#", "日期常量“2026-02-30”无效", 0)]
    [InlineData("sbp @ 1", "无法识别的字符“@”", 4)]
    public void Mistakes_are_reported_in_chinese_with_their_position(string source, string message, int position)
    {
        var e = Fails(source);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Equal(position, e.Position);
        Assert.StartsWith($"第 {position + 1} 个字符处：", e.Located, StringComparison.Ordinal);
    }

    [Fact]
    public void A_result_of_the_wrong_type_is_refused()
    {
        var e = Assert.Throws<ExpressionException>(() => new ExpressionCompiler<Scope>(new Resolver()).Compile("sbp + 1", ExprType.Boolean));
        Assert.Equal("表达式的结果应为是/否，实际为数值", e.Message);
    }

    [Fact]
    public void Deep_nesting_and_long_expressions_are_refused_rather_than_overflowing()
    {
        Assert.Contains("嵌套过深", Fails(new string('(', 500) + "1" + new string(')', 500)).Message, StringComparison.Ordinal);
        Assert.Contains("过长", Fails(string.Join(" + ", Enumerable.Repeat("1", 2000))).Message, StringComparison.Ordinal);
        Assert.Contains("嵌套过深", Fails(string.Concat(Enumerable.Repeat("not ", 200)) + "true").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_function_is_described_in_chinese_for_the_designer_and_the_docs()
    {
        Assert.All(Functions.All.Values, f =>
        {
            Assert.False(string.IsNullOrWhiteSpace(f.Description));
            Assert.StartsWith(f.Name + "(", f.Signature, StringComparison.Ordinal);
        });
        var docs = File.ReadAllText(Support.Repo.Path("docs", "definitions", "expressions.md"));
        Assert.All(Functions.All.Values, f => Assert.Contains($"`{f.Signature}`", docs, StringComparison.Ordinal));
    }
}
