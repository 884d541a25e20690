using System.Net;
using System.Text.Json.Nodes;
using Jiayi.Data.Contracts;
using Jiayi.Data.Organizations;
using Jiayi.Data.Workflows;
using Jiayi.Host.Access;
using Jiayi.Host.Contracts;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Tests.Support;
using Jiayi.Host.Workflows;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Jiayi.Host.Tests.Api;

/// <summary>
/// Signing through the API on the shipped workflows: doctor-initiated and requested signings, reviews with
/// comments, send back and resubmit, the one-contract-per-period rule, package rules, renewal, termination
/// with its form, timers, concurrency, and data scope on every endpoint.
/// </summary>
public abstract class ContractApiTests<THost>(THost host) : IClassFixture<THost>
    where THost : HostFixture
{
    private readonly TestWorld _world = host.World;
    private JiayiFactory Factory => host.Factory;

    private static int _counter;

    private static string Unique(string prefix) => $"{prefix}{Interlocked.Increment(ref _counter)}-{Guid.NewGuid().ToString("N")[..6]}";

    private async Task<(HttpClient Client, Guid UserId)> StaffAsync(string prefix, Organization org, Organization? team, string role, string[]? permissions = null)
    {
        var name = Unique(prefix);
        var user = await Factory.CreateStaffAsync(name, org, team, role, permissions ?? Signing.DoctorPermissions);
        return (await Factory.ClientForAsync(name), user.Id);
    }

    private Task<(HttpClient Client, Guid UserId)> DoctorA1Async() => StaffAsync("docA1-", _world.CentreA, _world.TeamA1, AccessBootstrap.DoctorRole);

    // A birth date of its own per resident, so that the random sequence number of the ID never collides.
    private async Task<Guid> ResidentAsync(Organization team) =>
        (await Factory.AddResidentAsync(team, Unique("居民"), "男", new DateOnly(1940, 1, 1).AddDays(Interlocked.Increment(ref _counter) * 7))).Id;

    private static object SignBody(Guid resident, params Guid[] packages) =>
        new { residentId = resident, packageIds = packages, signature = Signing.SignaturePng, latitude = 34.33, longitude = 108.7 };

    private static async Task<JsonNode> FireAsync(HttpClient client, string instanceId, object body, HttpStatusCode expected = HttpStatusCode.OK) =>
        await (await client.PostAsync($"/api/workflow-instances/{instanceId}/fire", Http.Json(body))).ReadAsync(expected);

    private static string Id(JsonNode node, string name = "id") => node[name]!.GetValue<string>();

    private static async Task<List<string>> PendingTitlesAsync(HttpClient client) =>
        [.. (await (await client.GetAsync("/api/work-items?pageSize=100")).ReadAsync(HttpStatusCode.OK))["items"]!.AsArray().Select(i => i!["subjectId"]!.GetValue<string>())];

    [Fact]
    public async Task A_doctor_signs_a_resident_on_the_spot_and_the_contract_is_effective_with_its_timers()
    {
        var (doctor, doctorId) = await DoctorA1Async();
        var basic = await Factory.AddPackageAsync(_world.CentreA, Unique("基础包"));
        var personal = await Factory.AddPackageAsync(_world.City, Unique("个性化包"), PackageKinds.Personalised, price: 120m);
        var resident = await ResidentAsync(_world.TeamA1);

        var signed = await (await doctor.PostAsync("/api/contracts", Http.Json(SignBody(resident, basic.Id, personal.Id)))).ReadAsync(HttpStatusCode.Created);
        Assert.Equal("已生效", signed["status"]!.GetValue<string>());
        var start = DateOnly.Parse(signed["startDate"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var end = DateOnly.Parse(signed["endDate"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Factory.Services.GetRequiredService<Clock>().Today, start);
        Assert.Equal(start.AddMonths(12).AddDays(-1), end); // contract.period_months = 12

        var view = await (await doctor.GetAsync($"/api/contracts/{Id(signed)}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(2, view["packages"]!.AsArray().Count);
        Assert.Equal(120m, view["price"]!.GetValue<decimal>());
        Assert.True(view["hasSignature"]!.GetValue<bool>());
        Assert.Equal(34.33, view["latitude"]!.GetValue<double>());
        var history = view["history"]!.AsArray();
        Assert.Single(history);
        Assert.Equal("发起", history[0]!["label"]!.GetValue<string>());
        Assert.Equal("已生效", history[0]!["toName"]!.GetValue<string>());
        Assert.Contains(view["triggers"]!.AsArray(), t => t!["trigger"]!.GetValue<string>() == "terminate");
        Assert.DoesNotContain(view["triggers"]!.AsArray(), t => t!["trigger"]!.GetValue<string>() == "renew"); // a year before the end: the guard says not yet

        // The agreement is rendered from the default template and frozen; the signature is the PNG sent.
        var agreement = await doctor.GetStringAsync($"/api/contracts/{Id(signed)}/agreement");
        Assert.Contains(signed["number"]!.GetValue<string>(), agreement, StringComparison.Ordinal);
        Assert.Contains($"自 {start:yyyy-MM-dd} 起至 {end:yyyy-MM-dd} 止", agreement, StringComparison.Ordinal);
        var png = await doctor.GetAsync($"/api/contracts/{Id(signed)}/files/signature");
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Convert.FromBase64String(Signing.SignaturePng[(Signing.SignaturePng.IndexOf(',', StringComparison.Ordinal) + 1)..]), await png.Content.ReadAsByteArrayAsync());

        // Entering 已生效 started two timers: the reminder 30 days before the end, the expiry the day after it.
        var clock = Factory.Services.GetRequiredService<Clock>();
        var timers = await Factory.WithDatabaseAsync(db => db.WorkflowTimers.Where(t => t.InstanceId == Guid.Parse(Id(signed, "instanceId"))).OrderBy(t => t.DueAt).ToListAsync());
        Assert.Equal(["remind", "expire"], timers.Select(t => t.TimerKey));
        Assert.Equal(clock.StartOfDayUtc(end.AddDays(-30)), timers[0].DueAt);
        Assert.Equal(clock.StartOfDayUtc(end.AddDays(1)), timers[1].DueAt);
        Assert.All(timers, t => Assert.Equal(WorkflowTimerStatus.Scheduled, t.Status));

        // The signing staff log has it, by the doctor's name.
        var log = await (await host.Client.GetAsync($"/api/contract-log?user={Uri.EscapeDataString(await NameOfAsync(doctorId))}")).ReadAsync(HttpStatusCode.OK);
        Assert.Contains(log["items"]!.AsArray(), e => e!["contractNumber"]!.GetValue<string>() == signed["number"]!.GetValue<string>() && e["trigger"]!.GetValue<string>() == "start");
    }

    private Task<string> NameOfAsync(Guid userId) => Factory.WithDatabaseAsync(db => db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName).SingleAsync());

    [Fact]
    public async Task Signing_is_refused_for_unpublished_expired_or_foreign_packages_and_without_a_signature()
    {
        var (doctor, _) = await DoctorA1Async();
        var resident = await ResidentAsync(_world.TeamA1);
        var draft = await Factory.AddPackageAsync(_world.CentreA, Unique("草稿包"), published: false);
        var old = await Factory.AddPackageAsync(_world.CentreA, Unique("过期包"), validFrom: new DateOnly(2020, 1, 1), validTo: new DateOnly(2021, 12, 31));
        var foreign = await Factory.AddPackageAsync(_world.CentreB, Unique("乙院包"));
        var basic = await Factory.AddPackageAsync(_world.CentreA, Unique("基础包"));
        var basic2 = await Factory.AddPackageAsync(_world.CentreA, Unique("基础包"));

        var problem = await (await doctor.PostAsync("/api/contracts", Http.Json(SignBody(resident, draft.Id, old.Id, foreign.Id)))).ProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.Errors().ToList();
        Assert.Contains(errors, e => e.Path == "/packageIds/0" && e.Code == "unpublished" && e.Message.Contains("未发布", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "/packageIds/1" && e.Code == "expired" && e.Message.Contains("2021-12-31", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "/packageIds/2" && e.Code == "not-found");

        problem = await (await doctor.PostAsync("/api/contracts", Http.Json(SignBody(resident, basic.Id, basic2.Id)))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.Errors(), e => e.Code == "basic-twice");

        problem = await (await doctor.PostAsync("/api/contracts", Http.Json(new { residentId = resident, packageIds = new[] { basic.Id } }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.Errors(), e => e.Path == "/signature" && e.Code == "required");

        problem = await (await doctor.PostAsync("/api/contracts", Http.Json(new { residentId = resident, packageIds = new[] { basic.Id }, signature = "data:image/png;base64,SGVsbG8=", latitude = 34.3 }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.Errors(), e => e.Path == "/signature" && e.Message.Contains("不是 PNG 或 JPEG", StringComparison.Ordinal));
        Assert.Contains(problem.Errors(), e => e.Path == "/longitude");

        problem = await (await doctor.PostAsync("/api/contracts", Http.Json(new { residentId = resident, packageIds = new[] { basic.Id }, signature = Signing.SignaturePng, startDate = "2020-01-01", extra = 1 }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.Errors(), e => e.Path == "/extra");

        Assert.Equal(0, await Factory.WithDatabaseAsync(db => db.Contracts.CountAsync(c => c.ResidentId == resident)));
    }

    [Fact]
    public async Task One_open_contract_per_resident_per_period_and_a_terminated_one_frees_the_period()
    {
        var (doctor, _) = await DoctorA1Async();
        var resident = await ResidentAsync(_world.TeamA1);
        var basic = await Factory.AddPackageAsync(_world.CentreA, Unique("基础包"));
        var first = await (await doctor.PostAsync("/api/contracts", Http.Json(SignBody(resident, basic.Id)))).ReadAsync(HttpStatusCode.Created);

        var problem = await (await doctor.PostAsync("/api/contracts", Http.Json(SignBody(resident, basic.Id)))).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("contract-exists", problem["code"]!.GetValue<string>());
        Assert.Contains("同一周期只能与一个团队签约", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        problem = await (await host.Client.PostAsync("/api/contracts/requests", Http.Json(new { residentId = resident, packageIds = new[] { basic.Id } }))).ProblemAsync(HttpStatusCode.Conflict);

        // Termination needs the form: date and a reason from the list.
        var instance = Id(first, "instanceId");
        problem = await (await doctor.PostAsync($"/api/workflow-instances/{instance}/fire", Http.Json(new { trigger = "terminate" }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.Errors(), e => e.Path == "/data");
        problem = await (await doctor.PostAsync($"/api/workflow-instances/{instance}/fire", Http.Json(new { trigger = "terminate", data = new { terminate_date = "2026-01-01", reason = "07" } }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.Errors(), e => e.Path == "/data/reason");
        var today = Factory.Services.GetRequiredService<Clock>().Today;
        var fired = await FireAsync(doctor, instance, new { trigger = "terminate", comment = "迁往西安", data = new { terminate_date = $"{today:yyyy-MM-dd}", reason = "02" } });
        Assert.Equal("已解约", fired["stateName"]!.GetValue<string>());

        var contract = await Factory.WithDatabaseAsync(db => db.Contracts.SingleAsync(c => c.Id == Guid.Parse(Id(first))));
        Assert.Equal("02 迁出", contract.TerminationReason);
        Assert.Equal(today, contract.TerminatedOn);
        Assert.False(contract.IsOpen);
        Assert.Equal(0, await Factory.WithDatabaseAsync(db => db.WorkflowTimers.CountAsync(t => t.InstanceId == contract.InstanceId && t.Status == WorkflowTimerStatus.Scheduled)));

        // The period is free again; a terminated contract cannot be fired on any more.
        await (await doctor.PostAsync("/api/contracts", Http.Json(SignBody(resident, basic.Id)))).ReadAsync(HttpStatusCode.Created);
        problem = await (await doctor.PostAsync($"/api/workflow-instances/{instance}/fire", Http.Json(new { trigger = "terminate", data = new { terminate_date = $"{today:yyyy-MM-dd}", reason = "02" } }))).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("state-changed", problem["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_household_is_signed_together_and_members_already_signed_are_named()
    {
        var (doctor, _) = await DoctorA1Async();
        var basic = await Factory.AddPackageAsync(_world.CentreA, Unique("基础包"));
        var members = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            members.Add(await ResidentAsync(_world.TeamA1));
        }

        var household = await Factory.WithDatabaseAsync(async db =>
        {
            var row = new Jiayi.Data.Residents.Household { HeadResidentId = members[0], OrgId = _world.TeamA1.Id, OrgPath = _world.TeamA1.Path };
            db.Households.Add(row);
            foreach (var resident in await db.Residents.Where(r => members.Contains(r.Id)).ToListAsync())
            {
                resident.HouseholdId = row.Id;
                resident.RelationToHead = resident.Id == members[0] ? "户主" : "子女";
            }

            await db.SaveChangesAsync();
            return row.Id;
        });

        // One member signed already; the household signing takes the other two, in one go, and names the first.
        await (await doctor.PostAsync("/api/contracts", Http.Json(SignBody(members[1], basic.Id)))).ReadAsync(HttpStatusCode.Created);
        var problem = await (await doctor.PostAsync("/api/contracts/households", Http.Json(new { householdId = household, packageIds = new[] { basic.Id } }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.Errors(), e => e.Path == "/signature");
        var result = await (await doctor.PostAsync("/api/contracts/households", Http.Json(new { householdId = household, packageIds = new[] { basic.Id }, signature = Signing.SignaturePng }))).ReadAsync(HttpStatusCode.Created);
        Assert.Equal(2, result["contracts"]!.AsArray().Count);
        Assert.All(result["contracts"]!.AsArray(), c => Assert.Equal("已生效", c!["status"]!.GetValue<string>()));
        var skipped = Assert.Single(result["skipped"]!.AsArray());
        Assert.Equal(members[1].ToString(), skipped!["residentId"]!.GetValue<string>());
        Assert.Contains("已与甲一团队签约", skipped["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        var households = await Factory.WithDatabaseAsync(db => db.Contracts.Where(c => members.Contains(c.ResidentId)).Select(c => c.HouseholdId).ToListAsync());
        Assert.Equal(3, households.Count);
        Assert.All(households, h => Assert.Equal(household, h));

        // Everyone is signed now; another team's doctor does not see the household at all.
        problem = await (await doctor.PostAsync("/api/contracts/households", Http.Json(new { householdId = household, packageIds = new[] { basic.Id }, signature = Signing.SignaturePng }))).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("contract-exists", problem["code"]!.GetValue<string>());
        var (doctorB, _) = await StaffAsync("docB1-", _world.CentreB, _world.TeamB1, AccessBootstrap.DoctorRole);
        problem = await (await doctorB.PostAsync("/api/contracts/households", Http.Json(new { householdId = household, packageIds = new[] { basic.Id }, signature = Signing.SignaturePng }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.Errors(), e => e.Path == "/householdId");
    }

    [Fact]
    public async Task A_residents_request_goes_through_first_review_and_review_by_the_right_people()
    {
        var (doctorA1, _) = await DoctorA1Async();
        var (doctorA2, _) = await StaffAsync("docA2-", _world.CentreA, _world.TeamA2, AccessBootstrap.DoctorRole);
        var (adminA, _) = await StaffAsync("adminA-", _world.CentreA, null, AccessBootstrap.InstitutionAdminRole);
        var (adminB, _) = await StaffAsync("adminB-", _world.CentreB, null, AccessBootstrap.InstitutionAdminRole);
        var basic = await Factory.AddPackageAsync(_world.CentreA, Unique("基础包"));
        var resident = await ResidentAsync(_world.TeamA1);

        // The team defaults to the resident's managing team.
        var request = await (await host.Client.PostAsync("/api/contracts/requests", Http.Json(new { residentId = resident, packageIds = new[] { basic.Id } }))).ReadAsync(HttpStatusCode.Created);
        Assert.Equal("待初审", request["status"]!.GetValue<string>());
        var contractId = Id(request);
        var instance = Id(request, "instanceId");

        // The work item is in team A1's doctor's inbox only.
        Assert.Contains(contractId, await PendingTitlesAsync(doctorA1));
        Assert.DoesNotContain(contractId, await PendingTitlesAsync(doctorA2));
        Assert.DoesNotContain(contractId, await PendingTitlesAsync(adminA));

        // Another team's doctor and another institution do not even see it; the institution's administrator
        // sees it but is not the first reviewer (the transition's roles and approver expression).
        await (await doctorA2.PostAsync($"/api/workflow-instances/{instance}/fire", Http.Json(new { trigger = "approve" }))).ProblemAsync(HttpStatusCode.NotFound);
        await (await adminB.PostAsync($"/api/workflow-instances/{instance}/fire", Http.Json(new { trigger = "approve" }))).ProblemAsync(HttpStatusCode.NotFound);
        var problem = await (await adminA.PostAsync($"/api/workflow-instances/{instance}/fire", Http.Json(new { trigger = "approve" }))).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("初审通过", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var fired = await FireAsync(doctorA1, instance, new { trigger = "approve", comment = "资料齐全" });
        Assert.Equal("review", fired["state"]!.GetValue<string>());
        Assert.Equal("待审核", fired["stateName"]!.GetValue<string>());
        Assert.DoesNotContain(contractId, await PendingTitlesAsync(doctorA1));
        Assert.Contains(contractId, await PendingTitlesAsync(adminA));
        Assert.DoesNotContain(contractId, await PendingTitlesAsync(adminB));
        var done = await (await doctorA1.GetAsync("/api/work-items?status=done")).ReadAsync(HttpStatusCode.OK);
        Assert.Contains(done["items"]!.AsArray(), i => i!["subjectId"]!.GetValue<string>() == contractId && i["outcome"]!.GetValue<string>() == "初审通过" && i["comment"]!.GetValue<string>() == "资料齐全");

        fired = await FireAsync(adminA, instance, new { trigger = "approve" });
        Assert.Equal("已生效", fired["stateName"]!.GetValue<string>());
        var view = await (await adminA.GetAsync($"/api/contracts/{contractId}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(["发起", "初审通过", "审核通过"], view["history"]!.AsArray().Select(h => h!["label"]!.GetValue<string>()));
        Assert.Equal("资料齐全", view["history"]![1]!["comment"]!.GetValue<string>());
        Assert.Equal("居民端", view["sourceName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Reject_needs_a_comment_and_send_back_then_resubmit_returns_to_first_review()
    {
        var (doctor, _) = await DoctorA1Async();
        var basic = await Factory.AddPackageAsync(_world.CentreA, Unique("基础包"));
        var request = await (await host.Client.PostAsync("/api/contracts/requests", Http.Json(new { residentId = await ResidentAsync(_world.TeamA1), packageIds = new[] { basic.Id } }))).ReadAsync(HttpStatusCode.Created);
        var instance = Id(request, "instanceId");

        var problem = await (await doctor.PostAsync($"/api/workflow-instances/{instance}/fire", Http.Json(new { trigger = "reject", comment = "  " }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.Errors(), e => e.Path == "/comment" && e.Message.Contains("须填写意见", StringComparison.Ordinal));

        Assert.Equal("已退回", (await FireAsync(doctor, instance, new { trigger = "send_back", comment = "请补充联系电话" }))["stateName"]!.GetValue<string>());
        Assert.Contains(Id(request), await PendingTitlesAsync(doctor)); // 签约申请被退回 waits for resubmit or withdraw
        Assert.Equal("待初审", (await FireAsync(doctor, instance, new { trigger = "resubmit" }))["stateName"]!.GetValue<string>());
        var rejected = await FireAsync(doctor, instance, new { trigger = "reject", comment = "不在服务范围" });
        Assert.Equal("已驳回", rejected["stateName"]!.GetValue<string>());

        var instanceView = await (await doctor.GetAsync($"/api/workflow-instances/{instance}")).ReadAsync(HttpStatusCode.OK);
        Assert.False(instanceView["isOpen"]!.GetValue<bool>());
        Assert.Empty(instanceView["triggers"]!.AsArray());
        Assert.Equal(["start", "send_back", "resubmit", "reject"], instanceView["history"]!.AsArray().Select(h => h!["trigger"]!.GetValue<string>()));
        Assert.Equal("不在服务范围", instanceView["history"]![3]!["comment"]!.GetValue<string>());
        Assert.Contains("class rejected current", instanceView["mermaid"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await Factory.WithDatabaseAsync(db => db.WorkItems.CountAsync(w => w.InstanceId == Guid.Parse(instance) && w.Status == WorkItemStatus.Pending)));
    }

    [Fact]
    public async Task Of_two_approvals_at_once_exactly_one_wins_and_a_stale_revision_is_a_conflict()
    {
        var (doctor1, _) = await DoctorA1Async();
        var (doctor2, _) = await DoctorA1Async();
        var basic = await Factory.AddPackageAsync(_world.CentreA, Unique("基础包"));
        for (var round = 0; round < 3; round++)
        {
            var request = await (await host.Client.PostAsync("/api/contracts/requests", Http.Json(new { residentId = await ResidentAsync(_world.TeamA1), packageIds = new[] { basic.Id } }))).ReadAsync(HttpStatusCode.Created);
            var instance = Id(request, "instanceId");
            var responses = await Task.WhenAll(
                doctor1.PostAsync($"/api/workflow-instances/{instance}/fire", Http.Json(new { trigger = "approve", comment = "甲", revision = 0 })),
                doctor2.PostAsync($"/api/workflow-instances/{instance}/fire", Http.Json(new { trigger = "approve", comment = "乙", revision = 0 })));
            Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
            var loser = responses.Single(r => r.StatusCode != HttpStatusCode.OK);
            var problem = await loser.ProblemAsync(HttpStatusCode.Conflict);
            Assert.Contains("刷新", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            var history = await Factory.WithDatabaseAsync(db => db.WorkflowHistory.CountAsync(h => h.InstanceId == Guid.Parse(instance) && h.Trigger == "approve"));
            Assert.Equal(1, history);
        }

        var another = await (await host.Client.PostAsync("/api/contracts/requests", Http.Json(new { residentId = await ResidentAsync(_world.TeamA1), packageIds = new[] { basic.Id } }))).ReadAsync(HttpStatusCode.Created);
        var problemStale = await (await doctor1.PostAsync($"/api/workflow-instances/{Id(another, "instanceId")}/fire", Http.Json(new { trigger = "approve", revision = 7 }))).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("conflict", problemStale["code"]!.GetValue<string>());
        await FireAsync(doctor1, Id(another, "instanceId"), new { trigger = "approve", revision = 0 });
    }

    [Fact]
    public async Task Timers_remind_then_expire_and_the_contract_is_renewed_into_the_next_period()
    {
        var (doctor, doctorId) = await DoctorA1Async();
        var basic = await Factory.AddPackageAsync(_world.CentreA, Unique("基础包"));
        var clock = Factory.Services.GetRequiredService<Clock>();
        var today = clock.Today;
        var contracts = Factory.Services.GetRequiredService<ContractService>();
        var me = await Factory.AccessOfAsync(doctorId);

        // Signed on paper 11 months and 20 days ago: ends in 10 days, so the reminder (30 days before) is due.
        var nearEnd = await contracts.BackfillAsync(me, Input(await ResidentAsync(_world.TeamA1), basic.Id, today.AddMonths(-12).AddDays(10)), CancellationToken.None);
        // Signed 13 months ago: already ended.
        var ended = await contracts.BackfillAsync(me, Input(await ResidentAsync(_world.TeamA1), basic.Id, today.AddMonths(-13)), CancellationToken.None);

        await Factory.Services.GetRequiredService<WorkflowTimerJob>().RunDueAsync(CancellationToken.None);
        await Factory.Services.GetRequiredService<WorkflowTimerJob>().RunDueAsync(CancellationToken.None);

        var near = await (await doctor.GetAsync($"/api/contracts/{nearEnd.Id}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("已生效", near["status"]!.GetValue<string>());
        Assert.Equal(["发起", "续约提醒（定时）"], near["history"]!.AsArray().Select(h => h!["label"]!.GetValue<string>()));
        Assert.Equal("系统", near["history"]![1]!["userName"]!.GetValue<string>());
        var inbox = await (await doctor.GetAsync("/api/work-items?pageSize=100")).ReadAsync(HttpStatusCode.OK);
        var reminder = inbox["items"]!.AsArray().Single(i => i!["subjectId"]!.GetValue<string>() == nearEnd.Id.ToString());
        Assert.StartsWith("续约提醒：", reminder!["title"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["renew"], reminder["triggers"]!.AsArray().Select(t => t!["trigger"]!.GetValue<string>()));
        // Both contracts were past their reminder day: two reminders; the ended one's work item was cancelled by its expiry.
        Assert.Equal(2, await Factory.WithDatabaseAsync(db => db.Notifications.CountAsync(n => n.UserId == doctorId && n.Title.StartsWith("续约提醒"))));
        Assert.DoesNotContain(ended.Id.ToString(), await PendingTitlesAsync(doctor));

        var gone = await (await doctor.GetAsync($"/api/contracts/{ended.Id}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("已过期", gone["status"]!.GetValue<string>());
        Assert.Contains(gone["history"]!.AsArray(), h => h!["label"]!.GetValue<string>() == "到期（定时）");

        // Renew: the next period starts the day after this one ends, on the renewal workflow, linked both ways.
        var renewed = await FireAsync(doctor, nearEnd.InstanceId.ToString(), new { trigger = "renew" });
        var next = renewed["results"]!["contractId"]!.GetValue<string>();
        var nextView = await (await doctor.GetAsync($"/api/contracts/{next}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("待生效", nextView["status"]!.GetValue<string>());
        Assert.Equal(nearEnd.EndDate.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), nextView["startDate"]!.GetValue<string>());
        Assert.Equal(nearEnd.Id.ToString(), nextView["previousContractId"]!.GetValue<string>());
        Assert.Equal(next, (await (await doctor.GetAsync($"/api/contracts/{nearEnd.Id}")).ReadAsync(HttpStatusCode.OK))["renewedById"]!.GetValue<string>());
        Assert.DoesNotContain(nearEnd.Id.ToString(), await PendingTitlesAsync(doctor)); // the reminder is done

        // Renewing twice is refused by the guard; an expired contract renews from today.
        var twice = await (await doctor.PostAsync($"/api/workflow-instances/{nearEnd.InstanceId}/fire", Http.Json(new { trigger = "renew" }))).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("guard", twice["code"]!.GetValue<string>());
        var fromExpired = await FireAsync(doctor, ended.InstanceId.ToString(), new { trigger = "renew" });
        Assert.Equal(today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), fromExpired["results"]!["startDate"]!.GetValue<string>());
        await Factory.Services.GetRequiredService<WorkflowTimerJob>().RunDueAsync(CancellationToken.None);
        Assert.Equal("已生效", (await (await doctor.GetAsync($"/api/contracts/{fromExpired["results"]!["contractId"]!.GetValue<string>()}")).ReadAsync(HttpStatusCode.OK))["status"]!.GetValue<string>());
    }

    private static SignInput Input(Guid resident, Guid package, DateOnly start) =>
        new(resident, [package], null, null, start, ContractSources.Web, new ImageInput("image/png", [0x89, 0x50, 0x4E, 0x47]), null, null, null, null);

    [Fact]
    public async Task A_timer_fires_once_when_two_host_processes_sweep_one_database_at_the_same_moment()
    {
        var (_, doctorId) = await DoctorA1Async();
        var basic = await Factory.AddPackageAsync(_world.CentreA, Unique("基础包"));
        var contracts = Factory.Services.GetRequiredService<ContractService>();
        var me = await Factory.AccessOfAsync(doctorId);
        var today = Factory.Services.GetRequiredService<Clock>().Today;
        var instances = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            instances.Add((await contracts.BackfillAsync(me, Input(await ResidentAsync(_world.TeamA1), basic.Id, today.AddMonths(-13).AddDays(-i)), CancellationToken.None)).InstanceId);
        }

        // A second host process on the same database (its own Hangfire server, its own caches).
        await using var second = new JiayiFactory(Factory.Database);
        _ = second.Services;
        var jobs = new[] { Factory.Services.GetRequiredService<WorkflowTimerJob>(), second.Services.GetRequiredService<WorkflowTimerJob>() };
        // Both processes' Hangfire servers also run the sweep every minute; these direct runs overlap them on purpose.
        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => jobs[i % 2].RunDueAsync(CancellationToken.None))));
        for (var wait = 0; wait < 50 && await Factory.WithDatabaseAsync(db => db.WorkflowTimers.AnyAsync(t => instances.Contains(t.InstanceId) && t.Status == WorkflowTimerStatus.Scheduled)); wait++)
        {
            await Task.Delay(200);
        }

        var history = await Factory.WithDatabaseAsync(db => db.WorkflowHistory.Where(h => instances.Contains(h.InstanceId) && h.FromState != null).GroupBy(h => new { h.InstanceId, h.Trigger }).Select(g => g.Count()).ToListAsync());
        Assert.All(history, count => Assert.Equal(1, count)); // remind_renewal once and expire once per instance
        Assert.Equal(12, history.Count);
        var timers = await Factory.WithDatabaseAsync(db => db.WorkflowTimers.Where(t => instances.Contains(t.InstanceId)).Select(t => t.Status).ToListAsync());
        Assert.Equal(12, timers.Count(s => s == WorkflowTimerStatus.Fired));
        Assert.All(await Factory.WithDatabaseAsync(db => db.Contracts.Where(c => instances.Contains(c.InstanceId)).Select(c => c.Status).ToListAsync()), s => Assert.Equal("已过期", s));
    }

    [Fact]
    public async Task Data_scope_and_permissions_hold_on_every_signing_endpoint()
    {
        var (doctor, _) = await DoctorA1Async();
        var basic = await Factory.AddPackageAsync(_world.CentreA, Unique("基础包"));
        var signed = await (await doctor.PostAsync("/api/contracts", Http.Json(SignBody(await ResidentAsync(_world.TeamA1), basic.Id)))).ReadAsync(HttpStatusCode.Created);
        var (doctorB, _) = await StaffAsync("docB1-", _world.CentreB, _world.TeamB1, AccessBootstrap.DoctorRole);
        var readerName = Unique("noperm-");
        await Factory.CreateUserAsync(readerName, _world.CentreA, _world.TeamA1, [ResidentPermissions.Read]);
        var reader = await Factory.ClientForAsync(readerName);

        foreach (var path in new[] { $"/api/contracts/{Id(signed)}", $"/api/contracts/{Id(signed)}/agreement", $"/api/contracts/{Id(signed)}/files/signature", $"/api/workflow-instances/{Id(signed, "instanceId")}" })
        {
            await (await doctorB.GetAsync(path)).ProblemAsync(HttpStatusCode.NotFound);
            await (await reader.GetAsync(path)).ProblemAsync(HttpStatusCode.Forbidden);
        }

        var list = await (await doctorB.GetAsync("/api/contracts?pageSize=100")).ReadAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(list["items"]!.AsArray(), c => c!["id"]!.GetValue<string>() == Id(signed));
        Assert.All(list["items"]!.AsArray(), c => Assert.Equal(_world.TeamB1.Id.ToString(), c!["team"]!["id"]!.GetValue<string>()));
        var log = await (await doctorB.GetAsync("/api/contract-log")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await doctorB.PostAsync($"/api/workflow-instances/{Id(signed, "instanceId")}/fire", Http.Json(new { trigger = "terminate" }))).ProblemAsync(HttpStatusCode.NotFound);
        await (await reader.GetAsync("/api/contracts")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await reader.PostAsync("/api/contracts", Http.Json(SignBody(Guid.NewGuid(), basic.Id)))).ProblemAsync(HttpStatusCode.Forbidden);
        await (await reader.PostAsync("/api/contracts/requests", Http.Json(new { residentId = Guid.NewGuid(), packageIds = new[] { basic.Id } }))).ProblemAsync(HttpStatusCode.Forbidden);
        await (await reader.GetAsync("/api/workflows")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await reader.PostAsync("/api/workflows/contract-doctor/migrations", Http.Json(new { fromVersion = 1, toVersion = 2 }))).ProblemAsync(HttpStatusCode.Forbidden);

        // Signing a resident of another team's area: the resident is out of scope.
        var residentB = await ResidentAsync(_world.TeamB1);
        var problem = await (await doctor.PostAsync("/api/contracts", Http.Json(SignBody(residentB, basic.Id)))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.Errors(), e => e.Path == "/residentId");

        using var anonymous = Factory.CreateClient();
        foreach (var path in new[] { "/api/contracts", "/api/work-items", "/api/workflows", "/api/contract-log" })
        {
            await (await anonymous.GetAsync(path)).ProblemAsync(HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task Batch_approval_fires_each_item_and_reports_each_outcome()
    {
        var (doctor, _) = await DoctorA1Async();
        var basic = await Factory.AddPackageAsync(_world.CentreA, Unique("基础包"));
        var ids = new List<string>();
        var contracts = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var request = await (await host.Client.PostAsync("/api/contracts/requests", Http.Json(new { residentId = await ResidentAsync(_world.TeamA1), packageIds = new[] { basic.Id } }))).ReadAsync(HttpStatusCode.Created);
            contracts.Add(Id(request));
        }

        var inbox = await (await doctor.GetAsync("/api/work-items?pageSize=100")).ReadAsync(HttpStatusCode.OK);
        ids.AddRange(inbox["items"]!.AsArray().Where(i => contracts.Contains(i!["subjectId"]!.GetValue<string>())).Select(i => i!["id"]!.GetValue<string>()));
        Assert.Equal(2, ids.Count);
        var before = await (await doctor.GetAsync("/api/work-items/count")).ReadAsync(HttpStatusCode.OK);

        var unknown = Guid.NewGuid().ToString();
        var results = await (await doctor.PostAsync("/api/work-items/batch", Http.Json(new { ids = ids.Append(unknown), trigger = "reject", comment = "重复申请" }))).ReadAsync(HttpStatusCode.OK);
        Assert.Equal([true, true, false], results.AsArray().Select(r => r!["ok"]!.GetValue<bool>()));
        Assert.Equal(404, results[2]!["status"]!.GetValue<int>());
        var after = await (await doctor.GetAsync("/api/work-items/count")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(before["pending"]!.GetValue<int>() - 2, after["pending"]!.GetValue<int>());
        foreach (var contract in contracts)
        {
            var view = await (await doctor.GetAsync($"/api/contracts/{contract}")).ReadAsync(HttpStatusCode.OK);
            Assert.Equal("已驳回", view["status"]!.GetValue<string>());
            Assert.Equal("重复申请", view["history"]!.AsArray()[^1]!["comment"]!.GetValue<string>());
        }

        var problem = await (await doctor.PostAsync("/api/work-items/batch", Http.Json(new { ids = Array.Empty<string>(), trigger = "approve" }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.Errors(), e => e.Path == "/ids");
    }

    [Fact]
    public async Task Workflows_are_listed_with_their_diagram_and_bad_fires_are_explained()
    {
        var list = await (await host.Client.GetAsync("/api/workflows")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(["contract-doctor", "contract-renewal", "contract-request"], list.AsArray().Select(w => w!["id"]!.GetValue<string>()));
        var detail = await (await host.Client.GetAsync("/api/workflows/contract-request")).ReadAsync(HttpStatusCode.OK);
        Assert.Contains("state \"待初审\" as first_review", detail["mermaid"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("first_review", detail["definition"]!["initial"]!.GetValue<string>());
        await (await host.Client.GetAsync("/api/workflows/nope")).ProblemAsync(HttpStatusCode.NotFound);
        await (await host.Client.GetAsync("/api/workflows/contract-request?version=99")).ProblemAsync(HttpStatusCode.NotFound);

        var (doctor, _) = await DoctorA1Async();
        var basic = await Factory.AddPackageAsync(_world.CentreA, Unique("基础包"));
        var signed = await (await doctor.PostAsync("/api/contracts", Http.Json(SignBody(await ResidentAsync(_world.TeamA1), basic.Id)))).ReadAsync(HttpStatusCode.Created);
        var fire = $"/api/workflow-instances/{Id(signed, "instanceId")}/fire";
        var problem = await (await doctor.PostAsync(fire, Http.Json(new { trigger = "fly" }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.Errors(), e => e.Path == "/trigger" && e.Message.Contains("没有操作“fly”", StringComparison.Ordinal));
        problem = await (await doctor.PostAsync(fire, Http.Json(new { trigger = "expire" }))).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("系统定时", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        problem = await (await doctor.PostAsync(fire, Http.Json("{\"trigger\": \"terminate\", \"comment\": \"" + new string('长', 1001) + "\", \"data\": {\"terminate_date\": \"2026-01-01\", \"reason\": \"04\"}}"))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.Errors(), e => e.Path == "/comment");
        await (await doctor.PostAsync(fire, Http.Json("{\"trigger\": "))).ProblemAsync(HttpStatusCode.BadRequest);
        problem = await (await doctor.PostAsync(fire, Http.Json(new { trigger = "renew", data = new { x = 1 } }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.Errors(), e => e.Path == "/data");
        problem = await (await doctor.PostAsync(fire, Http.Json(new { trigger = "renew", data = new[] { 1, 2 } }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.Errors(), e => e.Path == "/data");
        problem = await (await host.Client.GetAsync("/api/workflows/contract-doctor?version=abc")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.Errors(), e => e.Path == "/version");
        await (await doctor.PostAsync("/api/workflow-instances/not-a-guid/fire", Http.Json(new { trigger = "renew" }))).ProblemAsync(HttpStatusCode.NotFound);
    }
}

public sealed class SqliteContractApiTests(SqliteHost host) : ContractApiTests<SqliteHost>(host);

public sealed class PostgreSqlContractApiTests(PostgreSqlHost host) : ContractApiTests<PostgreSqlHost>(host);
