using Jiayi.Engine.Expressions;
using Jiayi.Engine.Tests.Support;
using Jiayi.Engine.Workflows;

namespace Jiayi.Engine.Tests.Workflows;

/// <summary>
/// The shipped 居民申请签约 workflow (definitions/workflows/contract-request.json) walked through whole lifecycles
/// of 王秀兰's contract with team T-A1 of institution I-A, 2026-03-02 to 2027-03-01.
/// </summary>
public class ContractRequestWorkflowTests
{
    private static readonly CompiledWorkflow Workflow = TestWorkflows.Shipped("contract-request");

    private static readonly DateOnly Applied = new(2026, 2, 20);

    private static readonly WorkflowActor TeamDoctor = TestWorkflows.Person("D1", "I-A", "T-A1", false, "家庭医生");

    private static readonly WorkflowActor OtherTeamDoctor = TestWorkflows.Person("D2", "I-A", "T-A2", false, "家庭医生");

    private static readonly WorkflowActor InstitutionAdmin = TestWorkflows.Person("M1", "I-A", null, false, "机构管理员");

    private static readonly WorkflowActor OtherInstitutionAdmin = TestWorkflows.Person("M2", "I-B", null, false, "机构管理员");

    private static WorkflowScope Scope(WorkflowActor actor, DateOnly? today = null, bool renewed = false, IReadOnlyDictionary<string, Value>? parameters = null) =>
        Workflow.CreateScope(today ?? Applied, TestWorkflows.Contract(renewed), actor, parameters);

    /// <summary>Fires as <paramref name="actor"/>, after checking the actor may: what the host does for a person.</summary>
    private static WorkflowStep Fire(string state, string trigger, WorkflowActor actor, DateOnly? today = null, bool renewed = false)
    {
        var scope = Scope(actor, today, renewed);
        Assert.True(Workflow.Find(state, trigger)!.MayFire(actor, scope), $"{actor.Id} may not fire {trigger} in {state}");
        return WorkflowMachine.Fire(Workflow, state, trigger, scope);
    }

    private static string Render(CompiledAction action, WorkflowActor actor) => action.Title!.Render(Workflow.TemplateModel(Scope(actor)));

    [Fact]
    public void A_request_approved_by_the_team_doctor_and_the_institution_admin_takes_effect_and_starts_its_timers()
    {
        var start = Assert.Single(WorkflowMachine.Start(Workflow));
        Assert.Equal("first_review", Workflow.Initial.Key);
        Assert.Equal("签约初审：王秀兰（基础包、高血压包）", Render(start, TeamDoctor));
        Assert.Equal<string>(["approve", "reject", "send_back"], start.Triggers);

        var first = Fire("first_review", "approve", TeamDoctor);
        Assert.Equal(("first_review", "review", true), (first.From, first.To, first.Entered));
        Assert.Equal("初审通过", first.Transition.Label);
        Assert.Equal("签约审核：王秀兰（渭滨家庭医生团队）", Render(Assert.Single(first.Actions), InstitutionAdmin));

        var second = Fire("review", "approve", InstitutionAdmin);
        Assert.Equal(("review", "effective", true), (second.From, second.To, second.Entered));
        Assert.Equal("审核通过", second.Transition.Label);
        Assert.Equal([WorkflowActionType.Timer, WorkflowActionType.Timer, WorkflowActionType.Notify], second.Actions.Select(a => a.Type));
        var scope = Scope(InstitutionAdmin);
        var remind = second.Actions[0].Timer!;
        var expire = second.Actions[1].Timer!;
        Assert.Equal(("remind", "remind_renewal", new DateOnly(2027, 1, 30)), (remind.Key, remind.Trigger, remind.DueOn(scope)));
        Assert.Equal(("expire", "expire", new DateOnly(2027, 3, 2)), (expire.Key, expire.Trigger, expire.DueOn(scope)));
        var notify = second.Actions[2];
        Assert.Equal("D1", notify.To!.Evaluate(scope).AsText);
        Assert.Equal("签约已生效：王秀兰", notify.Title!.Render(Workflow.TemplateModel(scope)));
        Assert.Equal("王秀兰 与渭滨家庭医生团队的签约已生效，服务期 2026-03-02 至 2027-03-01。", notify.Message!.Render(Workflow.TemplateModel(scope)));
    }

    [Fact]
    public void The_renewal_reminder_days_follow_the_system_parameter()
    {
        Assert.Equal("contract.renewal_reminder_days", Assert.Single(Workflow.Parameters).Definition.System);
        var scope = Scope(WorkflowActor.System, parameters: new Dictionary<string, Value> { ["reminder_days"] = Value.Number(10) });
        Assert.Equal(new DateOnly(2027, 2, 19), Workflow.Timers["remind"].DueOn(scope));
        Assert.Equal(new DateOnly(2027, 3, 2), Workflow.Timers["expire"].DueOn(scope));
    }

    [Fact]
    public void The_renewal_reminder_is_the_systems_and_leaves_a_renewal_work_item_without_leaving_the_state()
    {
        var remindOn = new DateOnly(2027, 1, 30);
        var remind = Workflow.Find("effective", "remind_renewal")!;
        Assert.True(remind.System);
        Assert.False(remind.MayFire(TeamDoctor, Scope(TeamDoctor, remindOn)));

        var step = Fire("effective", "remind_renewal", WorkflowActor.System, remindOn);
        Assert.Equal(("effective", "effective", false), (step.From, step.To, step.Entered));
        Assert.Equal([WorkflowActionType.WorkItem, WorkflowActionType.Notify], step.Actions.Select(a => a.Type));
        Assert.Equal<string>(["renew"], step.Actions[0].Triggers);
        Assert.Equal("续约提醒：王秀兰 的签约将于 2027-03-01 到期", Render(step.Actions[0], TeamDoctor));
    }

    [Theory]
    [InlineData("2027-01-29", false, false)] // 31 days before the end: not yet
    [InlineData("2027-01-30", false, true)] // 30 days before: the reminder day
    [InlineData("2027-03-01", false, true)] // the last day
    [InlineData("2027-03-05", false, true)] // expired: still renewable
    [InlineData("2027-02-15", true, false)] // renewed already
    public void Renewal_is_allowed_inside_the_reminder_window_and_only_once(string today, bool renewed, bool allowed)
    {
        var day = DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture);
        var scope = Scope(TeamDoctor, day, renewed);
        foreach (var state in new[] { "effective", "expired" })
        {
            Assert.Equal(allowed, WorkflowMachine.Permitted(Workflow, state, scope).Any(t => t.Trigger == "renew"));
            if (allowed)
            {
                var step = WorkflowMachine.Fire(Workflow, state, "renew", scope);
                Assert.Equal((state, false), (step.To, step.Entered));
                Assert.Equal("contract.renew", Assert.Single(step.Actions).Handler);
            }
            else
            {
                var e = Assert.Throws<WorkflowException>(() => WorkflowMachine.Fire(Workflow, state, "renew", scope));
                Assert.Equal(WorkflowErrorKind.GuardFailed, e.Kind);
                Assert.Equal("该签约已续约，或距到期还早于续约提醒提前天数，暂不能续约", e.Message);
            }
        }
    }

    [Fact]
    public void An_effective_contract_expires_by_its_timer_and_can_then_be_renewed_but_not_terminated()
    {
        var expireOn = new DateOnly(2027, 3, 2);
        var step = Fire("effective", "expire", WorkflowActor.System, expireOn);
        Assert.Equal(("effective", "expired", true), (step.From, step.To, step.Entered));
        Assert.Empty(step.Actions);
        Assert.Equal(["renew"], WorkflowMachine.Permitted(Workflow, "expired", Scope(TeamDoctor, expireOn)).Select(t => t.Trigger));
        Assert.Equal(WorkflowErrorKind.NotInState, Assert.Throws<WorkflowException>(() => WorkflowMachine.Fire(Workflow, "expired", "terminate", Scope(TeamDoctor, expireOn))).Kind);
    }

    [Fact]
    public void A_request_sent_back_and_resubmitted_is_reviewed_from_the_start()
    {
        var back = Fire("review", "send_back", InstitutionAdmin);
        Assert.Equal("returned", back.To);
        var returned = Assert.Single(back.Actions);
        Assert.Equal<string>(["resubmit", "withdraw"], returned.Triggers);
        Assert.Equal("签约申请被退回：王秀兰", Render(returned, TeamDoctor));

        var again = Fire("returned", "resubmit", TeamDoctor);
        Assert.Equal(("returned", "first_review", true), (again.From, again.To, again.Entered));
        Assert.Equal<string>(["approve", "reject", "send_back"], Assert.Single(again.Actions).Triggers);

        Assert.Equal("returned", Fire("first_review", "send_back", TeamDoctor).To);
        Assert.Equal("withdrawn", Fire("returned", "withdraw", TeamDoctor).To);
    }

    [Fact]
    public void Rejecting_sending_back_and_withdrawing_need_a_comment_approving_does_not()
    {
        foreach (var (state, trigger) in new[] { ("first_review", "reject"), ("first_review", "send_back"), ("review", "reject"), ("review", "send_back"), ("returned", "withdraw") })
        {
            Assert.True(Workflow.Find(state, trigger)!.CommentRequired, $"{trigger} in {state}");
        }

        Assert.False(Workflow.Find("first_review", "approve")!.CommentRequired);
        Assert.False(Workflow.Find("review", "approve")!.CommentRequired);
        var rejected = Fire("review", "reject", InstitutionAdmin);
        Assert.Equal("rejected", rejected.To);
        Assert.Empty(rejected.Actions);
    }

    [Fact]
    public void Ended_requests_offer_nothing()
    {
        foreach (var state in new[] { "rejected", "withdrawn", "terminated" })
        {
            Assert.True(Workflow.StateByKey[state].Terminal);
            Assert.Empty(WorkflowMachine.Permitted(Workflow, state, Scope(TeamDoctor)));
            Assert.Equal(WorkflowErrorKind.NotInState, Assert.Throws<WorkflowException>(() => WorkflowMachine.Fire(Workflow, state, "approve", Scope(TeamDoctor))).Kind);
        }
    }

    [Fact]
    public void Terminating_asks_for_the_shipped_termination_form()
    {
        var terminate = Workflow.Find("effective", "terminate")!;
        Assert.Equal("contract-termination", terminate.Form);
        Assert.Equal("danger", terminate.Style);
        Assert.Equal("解约登记", ShippedForms.Load("contract-termination").Title);
        Assert.True(terminate.MayFire(TeamDoctor, Scope(TeamDoctor)));
        Assert.True(terminate.MayFire(InstitutionAdmin, Scope(InstitutionAdmin)));
        var otherInstitutionDoctor = TestWorkflows.Person("D3", "I-B", "T-B1", false, "家庭医生");
        Assert.False(terminate.MayFire(otherInstitutionDoctor, Scope(otherInstitutionDoctor)));
        Assert.False(terminate.MayFire(OtherInstitutionAdmin, Scope(OtherInstitutionAdmin)));
        // The team's doctors, or the institution's administrators: a doctor of another team of the same
        // institution is refused by the approver itself, not only by the host's data scope.
        Assert.False(terminate.MayFire(OtherTeamDoctor, Scope(OtherTeamDoctor)));
        Assert.Equal("terminated", Fire("effective", "terminate", InstitutionAdmin).To);
    }

    [Fact]
    public void A_doctor_of_another_team_may_not_review_or_renew()
    {
        Assert.False(Workflow.Find("first_review", "approve")!.MayFire(OtherTeamDoctor, Scope(OtherTeamDoctor)));
        Assert.False(Workflow.Find("first_review", "reject")!.MayFire(OtherTeamDoctor, Scope(OtherTeamDoctor)));
        Assert.False(Workflow.Find("effective", "renew")!.MayFire(OtherTeamDoctor, Scope(OtherTeamDoctor)));
        Assert.True(Workflow.Find("first_review", "approve")!.MayFire(TeamDoctor, Scope(TeamDoctor)));
    }

    [Fact]
    public void The_institution_admin_approves_at_review_but_not_at_first_review()
    {
        Assert.True(Workflow.Find("review", "approve")!.MayFire(InstitutionAdmin, Scope(InstitutionAdmin)));
        Assert.False(Workflow.Find("first_review", "approve")!.MayFire(InstitutionAdmin, Scope(InstitutionAdmin)));
        Assert.False(Workflow.Find("review", "approve")!.MayFire(OtherInstitutionAdmin, Scope(OtherInstitutionAdmin)));
        // The team doctor's own institution is the contract's, but reviewing there is the admin's.
        Assert.False(Workflow.Find("review", "approve")!.MayFire(TeamDoctor, Scope(TeamDoctor)));
    }
}
