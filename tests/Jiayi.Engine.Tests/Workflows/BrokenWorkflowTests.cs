using System.Text.Json.Nodes;
using Jiayi.Engine.Definitions;
using Jiayi.Engine.Workflows;

namespace Jiayi.Engine.Tests.Workflows;

/// <summary>A bad workflow fails loudly and completely: file, JSON pointer, reason in Chinese; nothing is compiled.</summary>
public class BrokenWorkflowTests
{
    private const string Source = "definitions/workflows/broken.json";

    private static JsonObject Valid() => JsonNode.Parse("""
        {
          "id": "broken",
          "title": "测试流程",
          "subject": "contract",
          "initial": "draft",
          "parameters": [
            { "key": "reminder_days", "label": "提前天数", "type": "number", "value": 30 }
          ],
          "states": [
            { "key": "draft", "name": "草稿", "onEnter": [{ "type": "workItem", "title": "提交：{{ subject.resident_name }}", "triggers": ["submit"] }] },
            { "key": "active", "name": "生效", "onEnter": [{ "type": "timer", "timer": "remind" }] },
            { "key": "closed", "name": "结束", "terminal": true }
          ],
          "transitions": [
            { "trigger": "submit", "label": "提交", "from": ["draft"], "to": "active", "roles": ["家庭医生"] },
            { "trigger": "remind", "label": "提醒", "from": ["active"], "internal": true, "system": true },
            { "trigger": "close", "label": "结束", "from": ["active"], "to": "closed", "roles": ["家庭医生"], "approver": "user.team_id == subject.team_id" }
          ],
          "timers": [
            { "key": "remind", "label": "到期提醒", "at": "addDays(subject.end_date, -params.reminder_days)", "trigger": "remind" }
          ]
        }
        """)!.AsObject();

    private static JsonObject State(JsonObject workflow, int index) => workflow["states"]![index]!.AsObject();

    private static JsonObject Transition(JsonObject workflow, int index) => workflow["transitions"]![index]!.AsObject();

    private static JsonObject Timer(JsonObject workflow, int index) => workflow["timers"]![index]!.AsObject();

    private static void Add(JsonObject workflow, string array, string json) => workflow[array]!.AsArray().Add(JsonNode.Parse(json));

    private static IReadOnlyList<DefinitionError> Errors(JsonObject workflow)
    {
        var e = Assert.Throws<DefinitionException>(() => WorkflowLoader.Load(workflow.ToJsonString(), Source, 1));
        Assert.All(e.Errors, error => Assert.Equal(Source, error.Source));
        Assert.Contains(Source, e.Message, StringComparison.Ordinal);
        return e.Errors;
    }

    private static void Has(IReadOnlyList<DefinitionError> errors, string path, string message) =>
        Assert.True(
            errors.Any(e => e.Path == path && e.Message.Contains(message, StringComparison.Ordinal)),
            $"expected “{message}” at {path}; got:\n{string.Join("\n", errors)}");

    [Fact]
    public void A_send_action_names_its_integration_and_nothing_else()
    {
        var workflow = Valid();
        State(workflow, 1)["onEnter"]!.AsArray().Add(JsonNode.Parse("""{ "type": "send" }"""));
        Has(Errors(workflow), "/states/1/onEnter/1", "缺少必填属性：integration");

        workflow = Valid();
        State(workflow, 1)["onEnter"]!.AsArray().Add(JsonNode.Parse("""{ "type": "send", "integration": "city-platform", "handler": "x.y" }"""));
        Has(Errors(workflow), "/states/1/onEnter/1/handler", "不允许的属性“handler”");

        workflow = Valid();
        State(workflow, 1)["onEnter"]!.AsArray().Add(JsonNode.Parse("""{ "type": "send", "integration": "city-platform" }"""));
        var compiled = WorkflowLoader.Load(workflow.ToJsonString(), Source, 1);
        Assert.Equal(["city-platform"], compiled.Integrations);
        Assert.Equal(WorkflowActionType.Send, compiled.StateByKey["active"].OnEnter[^1].Type);
    }

    [Fact]
    public void A_followup_action_type_checks_its_resident_and_due_date()
    {
        var workflow = Valid();
        State(workflow, 1)["onEnter"]!.AsArray().Add(JsonNode.Parse("""{ "type": "followup", "form": "hypertension-followup", "resident": "subject.end_date", "due": "subject.resident_id", "title": "随访" }"""));
        var errors = Errors(workflow);
        Has(errors, "/states/1/onEnter/1/resident", "表达式的结果应为文本");
        Has(errors, "/states/1/onEnter/1/due", "表达式的结果应为日期");

        workflow = Valid();
        State(workflow, 1)["onEnter"]!.AsArray().Add(JsonNode.Parse("""{ "type": "followup", "form": "hypertension-followup", "resident": "subject.resident_id", "due": "addDays(subject.start_date, 30)", "title": "首次随访：{{ subject.resident_name }}" }"""));
        var compiled = WorkflowLoader.Load(workflow.ToJsonString(), Source, 1);
        Assert.Equal(["hypertension-followup"], compiled.FollowUpForms);
        var action = compiled.StateByKey["active"].OnEnter[^1];
        Assert.Equal(WorkflowActionType.FollowUp, action.Type);
        var scope = compiled.CreateScope(new DateOnly(2026, 11, 26), TestWorkflows.Contract(end: new DateOnly(2027, 11, 25)), WorkflowActor.System);
        Assert.Equal(Jiayi.Engine.Expressions.ValueKind.Date, action.Due!.Evaluate(scope).Kind);
    }

    [Fact]
    public void The_valid_base_compiles()
    {
        var workflow = WorkflowLoader.Load(Valid().ToJsonString(), Source, 3);
        Assert.Equal(3, workflow.Version);
        Assert.Equal(["submit", "remind", "close"], workflow.Transitions.Select(t => t.Trigger));
    }

    // The schema: structure, with the rule's own Chinese message.

    [Fact]
    public void A_transition_without_to_must_say_it_is_internal()
    {
        var workflow = Valid();
        Transition(workflow, 2).Remove("to");
        Has(Errors(workflow), "/transitions/2", "应写 to（目标状态），或写 \"internal\": true 表示不离开当前状态");
    }

    [Fact]
    public void An_internal_transition_has_no_to()
    {
        var workflow = Valid();
        Transition(workflow, 1)["to"] = "closed";
        Has(Errors(workflow), "/transitions/1", "内部操作（\"internal\": true）不离开当前状态，不能写 to");
    }

    [Fact]
    public void A_persons_transition_says_who_may_fire_it()
    {
        var workflow = Valid();
        Transition(workflow, 0).Remove("roles");
        Has(Errors(workflow), "/transitions/0", "应写 roles（角色）或 approver（审批人表达式），说明谁可以执行");
    }

    [Fact]
    public void A_system_transition_names_no_roles_or_approver()
    {
        var workflow = Valid();
        Transition(workflow, 1)["approver"] = "user.is_leader";
        Has(Errors(workflow), "/transitions/1", "只由定时器触发的操作（\"system\": true）不能写 roles 或 approver");
    }

    [Fact]
    public void An_action_has_only_the_properties_of_its_type()
    {
        var workflow = Valid();
        State(workflow, 0)["onEnter"]![0]!["to"] = "subject.doctor_id";
        State(workflow, 1)["onEnter"]!.AsArray().Add(JsonNode.Parse("""{ "type": "notify", "to": "subject.doctor_id" }"""));
        State(workflow, 2)["onEnter"] = JsonNode.Parse("""[{ "type": "email", "to": "subject.doctor_id" }]""");
        var errors = Errors(workflow);
        Has(errors, "/states/0/onEnter/0/to", "不允许的属性“to”");
        Has(errors, "/states/1/onEnter/1", "缺少必填属性：title");
        Has(errors, "/states/2/onEnter/0/type", "取值应为以下之一：\"workItem\"、\"notify\"、\"timer\"、\"invoke\"、\"send\"、\"followup\"");
    }

    [Fact]
    public void Ids_and_keys_follow_their_patterns()
    {
        var workflow = Valid();
        workflow["id"] = "Broken_Flow";
        Transition(workflow, 0)["trigger"] = "Submit";
        var errors = Errors(workflow);
        Has(errors, "/id", "应为小写字母和数字，可用连字符分隔");
        Has(errors, "/transitions/0/trigger", "应为小写英文字母开头，只含小写字母、数字和下划线");
    }

    // The compiler: references, structure of the graph, expressions and templates.

    [Fact]
    public void Unknown_states_in_initial_from_and_to_are_located()
    {
        var workflow = Valid();
        workflow["initial"] = "start";
        Transition(workflow, 2)["from"] = new JsonArray("active", "ghost");
        Transition(workflow, 0)["to"] = "activ";
        var errors = Errors(workflow);
        Has(errors, "/initial", "初始状态“start”不在 states 中");
        Has(errors, "/transitions/2/from/1", "状态“ghost”不在 states 中");
        Has(errors, "/transitions/0/to", "目标状态“activ”不在 states 中");
    }

    [Fact]
    public void A_state_key_is_used_once()
    {
        var workflow = Valid();
        Add(workflow, "states", """{ "key": "active", "name": "再生效" }""");
        Has(Errors(workflow), "/states/3/key", "状态代码“active”重复");
    }

    [Fact]
    public void One_state_has_one_transition_per_trigger()
    {
        var workflow = Valid();
        Add(workflow, "transitions", """{ "trigger": "close", "label": "作废", "from": ["draft", "active"], "to": "closed", "roles": ["机构管理员"] }""");
        var error = Assert.Single(Errors(workflow));
        Assert.Equal("/transitions/3/trigger", error.Path);
        Assert.Equal("状态“active”上已有操作“close”（见 /transitions/2）；同一状态上的操作代码不能重复", error.Message);
    }

    [Fact]
    public void Nothing_leaves_a_terminal_state()
    {
        var workflow = Valid();
        Add(workflow, "transitions", """{ "trigger": "reopen", "label": "重新打开", "from": ["closed"], "to": "active", "roles": ["家庭医生"] }""");
        Has(Errors(workflow), "/transitions/3/from/0", "状态“closed”是终止状态，不能再有操作离开它");
    }

    [Fact]
    public void Every_state_is_reachable_from_the_initial_one()
    {
        var workflow = Valid();
        Add(workflow, "states", """{ "key": "archived", "name": "已归档" }""");
        // Reached only by an internal transition, which does not enter it.
        Add(workflow, "transitions", """{ "trigger": "archive", "label": "归档", "from": ["archived"], "internal": true, "roles": ["家庭医生"] }""");
        var error = Assert.Single(Errors(workflow));
        Assert.Equal("/states/3", error.Path);
        Assert.Equal("状态“已归档”从初始状态无法到达", error.Message);
    }

    [Fact]
    public void A_guard_that_is_a_number_is_refused_at_its_first_character()
    {
        var workflow = Valid();
        Transition(workflow, 2)["guard"] = "30";
        Has(Errors(workflow), "/transitions/2/guard", "表达式“30”有误：第 1 个字符处：表达式的结果应为是/否，实际为数值");
    }

    [Fact]
    public void A_type_error_inside_an_expression_names_its_character_position()
    {
        var workflow = Valid();
        Transition(workflow, 2)["guard"] = "not subject.renewed and params.reminder_days";
        // "not subject.renewed and " is 24 characters: the number starts at the 25th.
        Has(Errors(workflow), "/transitions/2/guard", "第 25 个字符处：and 的右边应为是/否，实际为数值");
    }

    [Fact]
    public void A_misspelt_name_in_an_approver_is_located_and_the_likely_name_suggested()
    {
        var workflow = Valid();
        Transition(workflow, 2)["approver"] = "user.team_id == subject.teamid";
        Has(Errors(workflow), "/transitions/2/approver", "第 17 个字符处：未知的名称“subject.teamid”。是否想写：subject.team_id？");
    }

    [Fact]
    public void A_timer_date_that_is_not_a_date_is_one_error_not_a_cascade()
    {
        var workflow = Valid();
        Timer(workflow, 0)["at"] = "params.reminder_days";
        var error = Assert.Single(Errors(workflow));
        Assert.Equal("/timers/0/at", error.Path);
        Assert.Contains("表达式的结果应为日期，实际为数值", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_notification_goes_to_a_text_expression()
    {
        var workflow = Valid();
        Add(workflow, "transitions", """{ "trigger": "nudge", "label": "催办", "from": ["active"], "internal": true, "roles": ["家庭医生"], "actions": [{ "type": "notify", "to": "subject.end_date", "title": "催办" }] }""");
        Has(Errors(workflow), "/transitions/3/actions/0/to", "表达式的结果应为文本，实际为日期");
    }

    [Fact]
    public void A_template_syntax_error_names_line_and_column()
    {
        var workflow = Valid();
        State(workflow, 0)["onEnter"]![0]!["title"] = "提交：{{ subject.resident_name + }}";
        // "提交：{{ subject.resident_name + " is 30 characters: "}}" stands in column 31.
        Has(Errors(workflow), "/states/0/onEnter/0/title", "模板语法有误：第 1 行第 31 列");
    }

    [Fact]
    public void A_template_reading_an_unknown_subject_attribute_is_refused()
    {
        var workflow = Valid();
        State(workflow, 0)["onEnter"]![0]!["title"] = "提交：{{ subject.nope }}";
        Has(Errors(workflow), "/states/0/onEnter/0/title", "模板无法使用：未知的名称“subject.nope”（第 1 行第 7 列），可用的名称：subject.number、subject.resident_id");
    }

    [Fact]
    public void A_template_name_in_a_branch_the_sample_does_not_take_is_refused_too()
    {
        var workflow = Valid();
        // Checking by a sample render alone would pass: the sample's renewed is false, so the else branch is never rendered.
        State(workflow, 0)["onEnter"]![0]!["title"] = "{{ if subject.renewed }}已续约{{ else }}{{ user.nmae }}{{ end }}";
        Has(Errors(workflow), "/states/0/onEnter/0/title", "未知的名称“user.nmae”（第 1 行第 41 列），可用的名称：user.id、user.name、user.org_id");
    }

    [Fact]
    public void A_template_reading_an_unknown_variable_is_refused()
    {
        var workflow = Valid();
        State(workflow, 0)["onEnter"]![0]!["title"] = "提交：{{ resident_name }}";
        Has(Errors(workflow), "/states/0/onEnter/0/title", "模板无法使用：The variable or function `resident_name` was not found（第 1 行第 7 列）");
    }

    [Fact]
    public void A_timer_action_names_a_timer_of_the_workflow()
    {
        var workflow = Valid();
        State(workflow, 1)["onEnter"]![0]!["timer"] = "remindr";
        var errors = Errors(workflow);
        Has(errors, "/states/1/onEnter/0/timer", "定时器“remindr”不在 timers 中");
    }

    [Fact]
    public void A_timer_fires_a_trigger_of_the_workflow()
    {
        var workflow = Valid();
        Timer(workflow, 0)["trigger"] = "ring";
        var errors = Errors(workflow);
        Has(errors, "/timers/0/trigger", "定时器要触发的操作“ring”不在 transitions 中");
        // The timer started in "active" would fire nothing there, and nothing fires "remind" any more.
        Has(errors, "/states/1/onEnter/0/timer", "状态“active”上没有操作“ring”");
        Has(errors, "/transitions/1/system", "操作“remind”只能由定时器触发，但没有定时器触发它（见 timers）");
    }

    [Fact]
    public void A_timer_fires_only_system_transitions()
    {
        var workflow = Valid();
        Timer(workflow, 0)["trigger"] = "close";
        Has(Errors(workflow), "/timers/0/trigger", "定时器以系统身份触发，只能触发写了 \"system\": true 的操作；操作“close”没有写");
    }

    [Fact]
    public void A_system_transition_needs_a_timer()
    {
        var workflow = Valid();
        Add(workflow, "transitions", """{ "trigger": "lapse", "label": "失效", "from": ["active"], "to": "closed", "system": true }""");
        var error = Assert.Single(Errors(workflow));
        Assert.Equal("/transitions/3/system", error.Path);
        Assert.Equal("操作“lapse”只能由定时器触发，但没有定时器触发它（见 timers）", error.Message);
    }

    [Fact]
    public void A_timer_key_is_used_once()
    {
        var workflow = Valid();
        Add(workflow, "timers", """{ "key": "remind", "label": "再提醒", "at": "subject.end_date", "trigger": "remind" }""");
        Has(Errors(workflow), "/timers/1/key", "定时器代码“remind”重复");
    }

    [Fact]
    public void A_work_item_offers_only_triggers_of_the_state_it_waits_in()
    {
        var workflow = Valid();
        State(workflow, 0)["onEnter"]![0]!["triggers"] = new JsonArray("submit", "close");
        // A transition's work item waits in the state the transition enters.
        Transition(workflow, 0)["actions"] = JsonNode.Parse("""[{ "type": "workItem", "title": "请办理", "triggers": ["submit"] }]""");
        var errors = Errors(workflow);
        Has(errors, "/states/0/onEnter/0/triggers", "状态“draft”上没有操作“close”");
        Has(errors, "/transitions/0/actions/0/triggers", "状态“active”上没有操作“submit”");
        Assert.Equal(2, errors.Count);
    }

    [Fact]
    public void A_work_item_does_not_hand_a_system_trigger_to_a_person()
    {
        var workflow = Valid();
        State(workflow, 1)["onEnter"]!.AsArray().Add(JsonNode.Parse("""{ "type": "workItem", "title": "提醒", "triggers": ["close", "remind"] }"""));
        var error = Assert.Single(Errors(workflow));
        Assert.Equal("/states/1/onEnter/1/triggers", error.Path);
        Assert.Equal("操作“remind”只能由定时器触发，不能作为待办交给人处理", error.Message);
    }

    [Fact]
    public void A_parameter_value_fits_its_type()
    {
        var workflow = Valid();
        workflow["parameters"]![0]!["value"] = "三十";
        var errors = Errors(workflow);
        Has(errors, "/parameters/0/value", "参数“提前天数”的值与类型 number 不符");
        // The parameter is not defined, so the timer reading it fails too.
        Has(errors, "/timers/0/at", "未知的名称“params.reminder_days”");
    }

    [Fact]
    public void A_parameter_key_is_used_once()
    {
        var workflow = Valid();
        Add(workflow, "parameters", """{ "key": "reminder_days", "label": "提醒天数", "type": "number", "value": 10 }""");
        var error = Assert.Single(Errors(workflow));
        Assert.Equal("/parameters/1/key", error.Path);
        Assert.Equal("参数代码“reminder_days”重复", error.Message);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_and_nothing_is_compiled()
    {
        var workflow = Valid();
        workflow["initial"] = "nowhere";
        Transition(workflow, 2)["guard"] = "subject.renewd";
        State(workflow, 0)["onEnter"]![0]!["title"] = "{{ params.days }}";
        var errors = Errors(workflow);
        Assert.Equal(3, errors.Count);
        Has(errors, "/initial", "初始状态“nowhere”不在 states 中");
        Has(errors, "/transitions/2/guard", "是否想写：subject.renewed？");
        Has(errors, "/states/0/onEnter/0/title", "未知的名称“params.days”");
    }
}
