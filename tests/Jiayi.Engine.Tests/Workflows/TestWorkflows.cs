using System.Collections.Frozen;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Tests.Support;
using Jiayi.Engine.Workflows;

namespace Jiayi.Engine.Tests.Workflows;

/// <summary>Workflows, people and contracts for the workflow tests.</summary>
internal static class TestWorkflows
{
    public static CompiledWorkflow Load(string json, string source = "tests/workflow.json") => WorkflowLoader.Load(json, source, 1);

    public static CompiledWorkflow Shipped(string id) =>
        WorkflowLoader.Load(File.ReadAllText(Repo.Path("definitions", "workflows", id + ".json")), $"definitions/workflows/{id}.json", 1);

    public static WorkflowActor Person(string id, string? org, string? team, bool leader, params string[] roles) =>
        new(id, "用户" + id, org, team, leader, roles.ToFrozenSet(StringComparer.Ordinal));

    /// <summary>
    /// 王秀兰's contract with 渭滨家庭医生团队 (team T-A1) of 渭滨街道社区卫生服务中心 (institution I-A), doctor D1,
    /// 2026-03-02 to 2027-03-01; <paramref name="end"/> replaces the end date, <paramref name="noEnd"/> leaves it empty.
    /// </summary>
    public static Value[] Contract(bool renewed = false, DateOnly? end = null, bool noEnd = false) =>
        WorkflowSubjects.Contract.ValuesFrom(new Dictionary<string, Value>
        {
            ["number"] = Value.Text("QY2026000123"),
            ["resident_id"] = Value.Text("R1"),
            ["resident_name"] = Value.Text("王秀兰"),
            ["team_id"] = Value.Text("T-A1"),
            ["team_name"] = Value.Text("渭滨家庭医生团队"),
            ["institution_id"] = Value.Text("I-A"),
            ["institution_name"] = Value.Text("渭滨街道社区卫生服务中心"),
            ["parent_org_id"] = Value.Text("D-610402"),
            ["doctor_id"] = Value.Text("D1"),
            ["doctor_name"] = Value.Text("李建国"),
            ["start_date"] = Value.Date(new DateOnly(2026, 3, 2)),
            ["end_date"] = noEnd ? Value.Null : Value.Date(end ?? new DateOnly(2027, 3, 1)),
            ["source"] = Value.Text("居民申请"),
            ["package_names"] = Value.Text("基础包、高血压包"),
            ["renewed"] = Value.Boolean(renewed),
        });
}
