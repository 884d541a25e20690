using Jiayi.Engine.Expressions;
using Jiayi.Engine.Templates;
using Jiayi.Engine.Workflows;

namespace Jiayi.Engine.Tests.Workflows;

/// <summary>What firing does, who may fire, guards, timers and templates, on a small hand-written workflow.</summary>
public class WorkflowMachineTests
{
    private static readonly DateOnly Today = new(2027, 1, 15);

    private static readonly CompiledWorkflow Workflow = TestWorkflows.Load("""
        {
          "id": "machine-test",
          "title": "测试审核",
          "subject": "contract",
          "initial": "draft",
          "parameters": [
            { "key": "reminder_days", "label": "提前天数", "type": "number", "value": 30 }
          ],
          "states": [
            { "key": "draft", "name": "草稿", "onEnter": [{ "type": "workItem", "title": "提交：{{ subject.resident_name }}", "triggers": ["submit"] }] },
            {
              "key": "review",
              "name": "待审核",
              "onEnter": [
                { "type": "workItem", "title": "审核：{{ subject.resident_name }}（{{ subject.team_name }}）", "triggers": ["approve", "cancel", "note", "recheck", "escalate"] },
                { "type": "timer", "timer": "remind" }
              ]
            },
            { "key": "done", "name": "已完成", "terminal": true }
          ],
          "transitions": [
            {
              "trigger": "submit", "label": "提交", "from": ["draft"], "to": "review", "roles": ["家庭医生"],
              "actions": [{ "type": "notify", "to": "subject.doctor_id", "title": "已提交：{{ subject.resident_name }}", "message": "服务期至 {{ subject.end_date }}，提前 {{ params.reminder_days }} 天提醒；提交人 {{ user.name }}" }]
            },
            {
              "trigger": "approve", "label": "通过", "from": ["review"], "to": "done", "roles": ["机构管理员"],
              "approver": "user.org_id == subject.institution_id",
              "guard": "daysBetween(today(), subject.end_date) <= params.reminder_days",
              "guardMessage": "尚未到提醒期，不能通过"
            },
            { "trigger": "cancel", "label": "作废", "from": ["review"], "to": "done", "roles": ["机构管理员"], "guard": "subject.renewed" },
            { "trigger": "note", "label": "备注", "from": ["review"], "internal": true, "roles": ["家庭医生"], "actions": [{ "type": "notify", "to": "subject.doctor_id", "title": "有新备注" }] },
            { "trigger": "recheck", "label": "重新审核", "from": ["review"], "to": "review", "roles": ["机构管理员"], "actions": [{ "type": "invoke", "handler": "test.log" }] },
            { "trigger": "escalate", "label": "团队长处理", "from": ["review"], "to": "done", "approver": "user.is_leader and user.team_id == subject.team_id" },
            { "trigger": "remind", "label": "提醒", "from": ["review"], "internal": true, "system": true }
          ],
          "timers": [
            { "key": "remind", "label": "到期提醒", "at": "addDays(subject.end_date, -params.reminder_days)", "trigger": "remind" }
          ]
        }
        """);

    private static readonly WorkflowActor Doctor = TestWorkflows.Person("D1", "I-A", "T-A1", false, "家庭医生");

    private static readonly WorkflowActor Admin = TestWorkflows.Person("M1", "I-A", null, false, "机构管理员");

    private static WorkflowScope Scope(WorkflowActor? actor = null, Value[]? subject = null, IReadOnlyDictionary<string, Value>? parameters = null, DateOnly? today = null) =>
        Workflow.CreateScope(today ?? Today, subject ?? TestWorkflows.Contract(), actor ?? Doctor, parameters);

    private static CompiledTransition Transition(string state, string trigger) => Workflow.Find(state, trigger) ?? throw new InvalidOperationException($"{trigger} not in {state}");

    [Fact]
    public void Starting_runs_the_initial_states_on_enter()
    {
        var action = Assert.Single(WorkflowMachine.Start(Workflow));
        Assert.Equal(WorkflowActionType.WorkItem, action.Type);
        Assert.Equal<string>(["submit"], action.Triggers);
    }

    [Fact]
    public void Firing_reports_where_the_instance_went_and_runs_the_transitions_actions_before_the_entered_states()
    {
        var step = WorkflowMachine.Fire(Workflow, "draft", "submit", Scope());
        Assert.Equal("draft", step.From);
        Assert.Equal("review", step.To);
        Assert.True(step.Entered);
        Assert.Equal("提交", step.Transition.Label);
        Assert.Equal([WorkflowActionType.Notify, WorkflowActionType.WorkItem, WorkflowActionType.Timer], step.Actions.Select(a => a.Type));
        Assert.Equal<string>(["approve", "cancel", "note", "recheck", "escalate"], step.Actions[1].Triggers);
        Assert.Equal("remind", step.Actions[2].Timer!.Key);
    }

    [Fact]
    public void An_internal_transition_stays_and_does_not_run_on_enter_again()
    {
        var step = WorkflowMachine.Fire(Workflow, "review", "note", Scope());
        Assert.Equal("review", step.From);
        Assert.Equal("review", step.To);
        Assert.False(step.Entered);
        var action = Assert.Single(step.Actions);
        Assert.Equal(WorkflowActionType.Notify, action.Type);
        Assert.Equal("有新备注", action.Title!.Source);
    }

    [Fact]
    public void A_transition_back_to_its_own_state_enters_it_again()
    {
        var step = WorkflowMachine.Fire(Workflow, "review", "recheck", Scope(Admin));
        Assert.Equal("review", step.To);
        Assert.True(step.Entered);
        Assert.Equal([WorkflowActionType.Invoke, WorkflowActionType.WorkItem, WorkflowActionType.Timer], step.Actions.Select(a => a.Type));
        Assert.Equal("test.log", step.Actions[0].Handler);
    }

    [Fact]
    public void An_unknown_trigger_is_refused_as_unknown()
    {
        var e = Assert.Throws<WorkflowException>(() => WorkflowMachine.Fire(Workflow, "draft", "fly", Scope()));
        Assert.Equal(WorkflowErrorKind.UnknownTrigger, e.Kind);
        Assert.Equal("流程“测试审核”没有操作“fly”", e.Message);
    }

    [Fact]
    public void A_trigger_of_another_state_is_refused_as_moved_on()
    {
        var e = Assert.Throws<WorkflowException>(() => WorkflowMachine.Fire(Workflow, "done", "approve", Scope(Admin)));
        Assert.Equal(WorkflowErrorKind.NotInState, e.Kind);
        Assert.Equal("当前状态为“已完成”，不能执行该操作（可能已被他人处理，请刷新）", e.Message);
    }

    [Fact]
    public void A_failed_guard_says_its_guard_message()
    {
        // 2027-01-15 to 2027-03-01 is 45 days, more than the 30 of the reminder period.
        var e = Assert.Throws<WorkflowException>(() => WorkflowMachine.Fire(Workflow, "review", "approve", Scope(Admin)));
        Assert.Equal(WorkflowErrorKind.GuardFailed, e.Kind);
        Assert.Equal("尚未到提醒期，不能通过", e.Message);
    }

    [Fact]
    public void A_failed_guard_without_a_message_names_the_transition()
    {
        var e = Assert.Throws<WorkflowException>(() => WorkflowMachine.Fire(Workflow, "review", "cancel", Scope(Admin, TestWorkflows.Contract(renewed: false))));
        Assert.Equal(WorkflowErrorKind.GuardFailed, e.Kind);
        Assert.Equal("当前条件下不能执行“作废”", e.Message);
    }

    [Fact]
    public void Permitted_lists_the_states_triggers_whose_guards_allow_them()
    {
        Assert.Equal(["note", "recheck", "escalate", "remind"], WorkflowMachine.Permitted(Workflow, "review", Scope()).Select(t => t.Trigger));
        Assert.Equal(
            ["approve", "cancel", "note", "recheck", "escalate", "remind"],
            WorkflowMachine.Permitted(Workflow, "review", Scope(subject: TestWorkflows.Contract(renewed: true), today: new DateOnly(2027, 2, 1))).Select(t => t.Trigger));
        Assert.Equal(["submit"], WorkflowMachine.Permitted(Workflow, "draft", Scope()).Select(t => t.Trigger));
        Assert.Empty(WorkflowMachine.Permitted(Workflow, "done", Scope()));
    }

    [Fact]
    public void A_guard_reads_parameters_and_an_overridden_parameter_changes_the_outcome()
    {
        var approve = Transition("review", "approve");
        // 2027-02-10 to 2027-03-01 is 19 days: inside 30, outside 10.
        var today = new DateOnly(2027, 2, 10);
        Assert.True(approve.GuardAllows(Scope(Admin, today: today)));
        Assert.False(approve.GuardAllows(Scope(Admin, today: today, parameters: new Dictionary<string, Value> { ["reminder_days"] = Value.Number(10) })));
        Assert.True(approve.GuardAllows(Scope(Admin, today: today, parameters: new Dictionary<string, Value> { ["reminder_days"] = Value.Number(19) })));
        Assert.Equal("done", WorkflowMachine.Fire(Workflow, "review", "approve", Scope(Admin, today: today)).To);
    }

    [Fact]
    public void A_person_needs_one_of_the_roles()
    {
        var submit = Transition("draft", "submit");
        Assert.True(submit.MayFire(Doctor, Scope()));
        Assert.False(submit.MayFire(TestWorkflows.Person("N1", "I-A", "T-A1", false, "护士"), Scope()));
        Assert.True(submit.MayFire(TestWorkflows.Person("N2", "I-A", "T-A1", false, "护士", "家庭医生"), Scope()));
        Assert.False(submit.MayFire(TestWorkflows.Person("N3", "I-A", "T-A1", false), Scope()));
    }

    [Fact]
    public void A_person_needs_the_role_and_the_approver_expression()
    {
        var approve = Transition("review", "approve");
        var otherAdmin = TestWorkflows.Person("M2", "I-B", null, false, "机构管理员");
        Assert.True(approve.MayFire(Admin, Scope(Admin)));
        Assert.False(approve.MayFire(otherAdmin, Scope(otherAdmin)));
        // The doctor works at the contract's institution but is not an institution admin.
        Assert.False(approve.MayFire(Doctor, Scope(Doctor)));
    }

    [Fact]
    public void The_team_leader_of_the_contracts_team_may_escalate()
    {
        var escalate = Transition("review", "escalate");
        var leader = TestWorkflows.Person("L1", "I-A", "T-A1", true, "家庭医生");
        var otherLeader = TestWorkflows.Person("L2", "I-A", "T-A2", true, "家庭医生");
        Assert.True(escalate.MayFire(leader, Scope(leader)));
        Assert.False(escalate.MayFire(Doctor, Scope(Doctor)));
        Assert.False(escalate.MayFire(otherLeader, Scope(otherLeader)));
        Assert.False(escalate.MayFire(WorkflowActor.System, Scope(WorkflowActor.System)));
    }

    [Fact]
    public void System_transitions_are_the_systems_alone()
    {
        var remind = Transition("review", "remind");
        var everything = TestWorkflows.Person("X", "I-A", "T-A1", true, "家庭医生", "机构管理员", "系统管理员");
        Assert.True(remind.MayFire(WorkflowActor.System, Scope(WorkflowActor.System)));
        Assert.False(remind.MayFire(everything, Scope(everything)));
        Assert.False(Transition("draft", "submit").MayFire(WorkflowActor.System, Scope(WorkflowActor.System)));
    }

    [Fact]
    public void A_timer_is_due_reminder_days_before_the_end_date()
    {
        var remind = Workflow.Timers["remind"];
        Assert.Equal(new DateOnly(2027, 1, 30), remind.DueOn(Scope()));
        Assert.Equal(new DateOnly(2027, 2, 19), remind.DueOn(Scope(parameters: new Dictionary<string, Value> { ["reminder_days"] = Value.Number(10) })));
        Assert.Null(remind.DueOn(Scope(subject: TestWorkflows.Contract(noEnd: true))));
    }

    [Fact]
    public void Templates_render_subject_user_and_parameters_as_plain_text()
    {
        var scope = Scope();
        var model = Workflow.TemplateModel(scope);
        var step = WorkflowMachine.Fire(Workflow, "draft", "submit", scope);
        Assert.Equal("已提交：王秀兰", step.Actions[0].Title!.Render(model));
        Assert.Equal("服务期至 2027-03-01，提前 30 天提醒；提交人 用户D1", step.Actions[0].Message!.Render(model));
        Assert.Equal("审核：王秀兰（渭滨家庭医生团队）", step.Actions[1].Title!.Render(model));
        Assert.Equal("D1", step.Actions[0].To!.Evaluate(scope).AsText);
    }

    [Fact]
    public void A_template_renders_an_empty_value_as_nothing_and_html_as_it_is()
    {
        var template = TextTemplate.TryParse("{{ subject.team_name }}|{{ subject.end_date }}|{{ subject.renewed }}|{{ user.roles }}", Workflow.TemplateModel(Scope()), out var error);
        Assert.Null(error);
        var subject = TestWorkflows.Contract(noEnd: true);
        subject[WorkflowSubjects.Contract.Index["team_name"]] = Value.Text("<b>甲&乙</b>");
        var actor = TestWorkflows.Person("P", "I-A", "T-A1", false, "家庭医生", "护士");
        Assert.Equal("<b>甲&乙</b>||false|家庭医生、护士", template!.Render(Workflow.TemplateModel(Scope(actor, subject))));
    }

    [Fact]
    public void One_compiled_workflow_fires_for_many_instances_at_once()
    {
        string Run(int i)
        {
            var end = new DateOnly(2027, 1, 1).AddDays(i % 90);
            var scope = Scope(Admin, TestWorkflows.Contract(end: end));
            var permitted = string.Join(",", WorkflowMachine.Permitted(Workflow, "review", scope).Select(t => t.Trigger));
            var to = permitted.Contains("approve", StringComparison.Ordinal) ? WorkflowMachine.Fire(Workflow, "review", "approve", scope).To : "-";
            return $"{permitted}|{to}|{Workflow.Timers["remind"].DueOn(scope)}";
        }

        var sequential = Enumerable.Range(0, 400).Select(Run).ToArray();
        var parallel = new string[sequential.Length];
        Parallel.For(0, sequential.Length * 4, new ParallelOptions { MaxDegreeOfParallelism = 8 }, n => parallel[n % sequential.Length] = Run(n % sequential.Length));
        Assert.Equal(sequential, parallel);
        // End dates up to 30 days after 2027-01-15 (2027-01-01 .. 2027-02-14) allow approval; later ones do not.
        Assert.Equal(45, sequential.Take(90).Count(s => s.Contains("|done|", StringComparison.Ordinal)));
    }
}
