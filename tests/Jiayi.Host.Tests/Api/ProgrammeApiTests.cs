using System.Net;
using System.Text.Json.Nodes;
using Jiayi.Host.Access;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Programmes;
using Jiayi.Host.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Jiayi.Host.Tests.Api;

/// <summary>
/// Programmes at work through the API: enrolment and stop, the due list computed from the plan definitions, a record
/// that moves the next due date, enrolment by a first record and by birth date, scope and permissions.
/// </summary>
public abstract class ProgrammeApiTests
{
    protected abstract Task<TestDatabase> CreateDatabaseAsync();

    internal static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    internal static readonly string[] PlanPermissions =
    [
        ProgrammePermissions.Read, ProgrammePermissions.Enrol, FormPermissions.Read, FormPermissions.RecordsRead, FormPermissions.RecordsWrite,
        ResidentPermissions.Read, ContractPermissions.Read,
    ];

    internal static object HypertensionVisit(DateOnly day, int sbp, int dbp, int visitClass, DateOnly next) => new
    {
        formId = "hypertension-followup",
        data = new Dictionary<string, object>
        {
            ["visit_date"] = Day(day),
            ["visit_method"] = 1,
            ["symptoms"] = new[] { 1 },
            ["sbp"] = sbp,
            ["dbp"] = dbp,
            ["adverse_reaction"] = 1,
            ["visit_class"] = visitClass,
            ["next_visit_date"] = Day(next),
        },
    };

    private static JsonArray Items(JsonNode page) => page["items"]!.AsArray();

    [Fact]
    public async Task A_doctor_enrols_sees_the_due_visit_records_it_and_the_next_one_is_due_two_weeks_later()
    {
        await using var database = await CreateDatabaseAsync();
        await using var factory = new JiayiFactory(database);
        var world = await TestWorld.CreateAsync(factory);
        await factory.CreateStaffAsync("doc-plan", world.CentreA, world.TeamA1, AccessBootstrap.DoctorRole, PlanPermissions);
        var doctor = await factory.ClientForAsync("doc-plan");
        var resident = await factory.AddResidentAsync(world.TeamA1, "计划甲", "男", new DateOnly(1962, 4, 1));
        var today = factory.Services.GetRequiredService<Clock>().Today;

        var programmes = await (await doctor.GetAsync("/api/programmes")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(["hypertension", "diabetes", "tuberculosis", "mental", "maternal", "children", "elderly"], programmes.AsArray().Select(p => p!["id"]!.GetValue<string>()));

        var enrolment = await (await doctor.PostAsync("/api/enrolments", Http.Json(new { residentId = resident.Id, programmeId = "hypertension", startedOn = Day(today.AddDays(-30)) }))).ReadAsync(HttpStatusCode.Created);
        var again = await (await doctor.PostAsync("/api/enrolments", Http.Json(new { residentId = resident.Id, programmeId = "hypertension" }))).ProblemAsync(HttpStatusCode.Conflict);

        // Two enrolments of another resident at once: one is taken, the other is a conflict, never two open ones.
        var twin = await factory.AddResidentAsync(world.TeamA1, "计划乙", "女", new DateOnly(1961, 5, 5));
        var racing = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => doctor.PostAsync("/api/enrolments", Http.Json(new { residentId = twin.Id, programmeId = "diabetes" }))));
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], racing.Select(r => r.StatusCode).Order());
        Assert.Equal(1, await factory.WithDatabaseAsync(db => db.Enrolments.CountAsync(e => e.ResidentId == twin.Id && e.StoppedOn == null)));
        Assert.Equal("already-enrolled", again["code"]!.GetValue<string>());
        var tags = await factory.WithDatabaseAsync(db => db.Residents.Where(r => r.Id == resident.Id).Select(r => r.Tags).SingleAsync());
        Assert.Contains("hypertension", tags);

        // Enrolled 30 days ago, nothing recorded: the first visit was due within 14 days and is now overdue.
        var due = await (await doctor.GetAsync($"/api/followups/due?resident={resident.Id}")).ReadAsync(HttpStatusCode.OK);
        var first = Assert.Single(Items(due), i => i!["service"]!.GetValue<string>() == "followup")!;
        Assert.Equal((Day(today.AddDays(-16)), "overdue", "逾期"), (first["dueOn"]!.GetValue<string>(), first["status"]!.GetValue<string>(), first["statusLabel"]!.GetValue<string>()));
        Assert.Equal("hypertension-followup", first["formId"]!.GetValue<string>());
        Assert.True(due["totals"]!["overdue"]!.GetValue<int>() >= 1);

        // An uncontrolled visit today: the overdue one is done, the next is due in 14 days.
        var visit = (JsonObject)JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(HypertensionVisit(today, 162, 98, 2, today.AddDays(14))))!;
        visit["subjectId"] = resident.Id;
        var record = await (await doctor.PostAsync("/api/records", Http.Json(visit.ToJsonString()))).ReadAsync(HttpStatusCode.Created);
        due = await (await doctor.GetAsync($"/api/followups/due?resident={resident.Id}&programme=hypertension")).ReadAsync(HttpStatusCode.OK);
        var next = Assert.Single(Items(due), i => i!["service"]!.GetValue<string>() == "followup")!;
        Assert.Equal((Day(today.AddDays(14)), "due", "控制不满意、不良反应或并发症：2 周内随访"), (next["dueOn"]!.GetValue<string>(), next["status"]!.GetValue<string>(), next["reason"]!.GetValue<string>()));
        var done = await (await doctor.GetAsync($"/api/followups/due?resident={resident.Id}&status=done")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(record["id"]!.GetValue<string>(), Assert.Single(Items(done))!["recordId"]!.GetValue<string>());

        // The resident's whole plan.
        var plan = await (await doctor.GetAsync($"/api/residents/{resident.Id}/plan")).ReadAsync(HttpStatusCode.OK);
        var entry = Assert.Single(plan.AsArray())!;
        Assert.Equal("hypertension", entry["enrolment"]!["programmeId"]!.GetValue<string>());
        Assert.Contains(entry["items"]!.AsArray(), i => i!["status"]!.GetValue<string>() == "done");

        // Stopped (迁出): nothing is due any more; stopping twice is a conflict; the reason must be one of the programme's.
        var id = enrolment["id"]!.GetValue<string>();
        var badReason = await (await doctor.PostAsync($"/api/enrolments/{id}/stop", Http.Json(new { reason = "不想管了" }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(badReason.Errors(), e => e.Path == "/reason");
        await (await doctor.PostAsync($"/api/enrolments/{id}/stop", Http.Json(new { reason = "迁出", stoppedOn = Day(today) }))).ReadAsync(HttpStatusCode.OK);
        await (await doctor.PostAsync($"/api/enrolments/{id}/stop", Http.Json(new { reason = "迁出" }))).ProblemAsync(HttpStatusCode.Conflict);
        due = await (await doctor.GetAsync($"/api/followups/due?resident={resident.Id}&programme=hypertension&to={Day(today.AddYears(1))}")).ReadAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(Items(due), i => i!["service"]!.GetValue<string>() == "followup");
        var active = await (await doctor.GetAsync($"/api/enrolments?resident={resident.Id}&active=true")).ReadAsync(HttpStatusCode.OK);
        Assert.Empty(active.AsArray());
    }

    [Fact]
    public async Task Bad_input_is_named_and_scope_and_permissions_hold()
    {
        await using var database = await CreateDatabaseAsync();
        await using var factory = new JiayiFactory(database);
        var world = await TestWorld.CreateAsync(factory);
        await factory.CreateStaffAsync("doc-a", world.CentreA, world.TeamA1, AccessBootstrap.DoctorRole, PlanPermissions);
        await factory.CreateStaffAsync("doc-b", world.CentreB, world.TeamB1, AccessBootstrap.DoctorRole, PlanPermissions);
        await factory.CreateUserAsync("nurse-noplan", world.CentreA, world.TeamA1, [FormPermissions.RecordsRead]);
        var doctor = await factory.ClientForAsync("doc-a");
        var other = await factory.ClientForAsync("doc-b");
        var nurse = await factory.ClientForAsync("nurse-noplan");
        var resident = await factory.AddResidentAsync(world.TeamA1, "范围甲", "女", new DateOnly(1990, 6, 1));

        var unknown = await (await doctor.PostAsync("/api/enrolments", Http.Json(new { residentId = resident.Id, programmeId = "cancer" }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(unknown.Errors(), e => e.Path == "/programmeId");
        var byAge = await (await doctor.PostAsync("/api/enrolments", Http.Json(new { residentId = resident.Id, programmeId = "elderly" }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(byAge.Errors(), e => e.Code == "by-age");
        var attributes = await (await doctor.PostAsync("/api/enrolments", Http.Json(new { residentId = resident.Id, programmeId = "maternal", attributes = new { lmp = "2026-13-01", blood = "A" } }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(attributes.Errors(), e => e.Path == "/attributes/lmp");
        Assert.Contains(attributes.Errors(), e => e.Path == "/attributes/blood");
        var future = await (await doctor.PostAsync("/api/enrolments", Http.Json(new { residentId = resident.Id, programmeId = "maternal", startedOn = "2099-01-01" }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(future.Errors(), e => e.Path == "/startedOn");
        var types = await (await doctor.PostAsync("/api/enrolments", Http.Json("""{"residentId": 5, "programmeId": ["maternal"], "extra": true}"""))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(types.Errors(), e => e.Path == "/residentId");
        Assert.Contains(types.Errors(), e => e.Path == "/extra");

        // Another institution's doctor: the resident is unknown, the enrolment and plan are not found.
        var foreign = await (await other.PostAsync("/api/enrolments", Http.Json(new { residentId = resident.Id, programmeId = "maternal" }))).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("resident-not-found", foreign["code"]!.GetValue<string>());
        var mine = await (await doctor.PostAsync("/api/enrolments", Http.Json(new { residentId = resident.Id, programmeId = "maternal", attributes = new { lmp = "2026-08-01" } }))).ReadAsync(HttpStatusCode.Created);
        var id = mine["id"]!.GetValue<string>();
        var notFound = await (await other.PostAsync($"/api/enrolments/{id}/stop", Http.Json(new { reason = "迁出" }))).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("enrolment-not-found", notFound["code"]!.GetValue<string>());
        await (await other.PatchAsync($"/api/enrolments/{id}", Http.Json(new { note = "x" }))).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.GetAsync($"/api/residents/{resident.Id}/plan")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty(Items(await (await other.GetAsync($"/api/followups/due?resident={resident.Id}")).ReadAsync(HttpStatusCode.OK)));
        Assert.Empty((await (await other.GetAsync($"/api/enrolments?resident={resident.Id}")).ReadAsync(HttpStatusCode.OK)).AsArray());
        var team = await (await other.GetAsync($"/api/followups/due?team={world.TeamA1.Id}")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(team.Errors(), e => e.Path == "/team");

        // The maternal plan counts from the LMP typed on the enrolment: visit 2 at 20 weeks.
        var plan = await (await doctor.GetAsync($"/api/residents/{resident.Id}/plan")).ReadAsync(HttpStatusCode.OK);
        var v2 = Assert.Single(plan.AsArray()[0]!["items"]!.AsArray(), i => i!["point"]?.GetValue<string>() == "v2")!;
        Assert.Equal("2026-12-19", v2["dueOn"]!.GetValue<string>());
        var patched = await (await doctor.PatchAsync($"/api/enrolments/{id}", Http.Json(new { attributes = new { lmp = "2026-08-08" }, note = "孕早期建册" }))).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("2026-08-08", patched["attributes"]!["lmp"]!.GetValue<string>());

        // Query mistakes are named; no permission is 403; no token is 401.
        var query = await (await doctor.GetAsync("/api/followups/due?status=later&from=yesterday&page=0&colour=red")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(query.Errors(), e => e.Path == "/status");
        Assert.Contains(query.Errors(), e => e.Path == "/from");
        Assert.Contains(query.Errors(), e => e.Path == "/colour");
        var backwards = await (await doctor.GetAsync("/api/followups/due?from=2026-12-01&to=2026-01-01")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(backwards.Errors(), e => e.Path == "/to");
        var missing = await (await doctor.GetAsync("/api/followups/due?programme=cancer")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(missing.Errors(), e => e.Path == "/programme");
        await (await doctor.PostAsync("/api/enrolments/not-a-guid/stop", Http.Json(new { reason = "迁出" }))).ProblemAsync(HttpStatusCode.BadRequest);
        foreach (var url in new[] { "/api/programmes", "/api/enrolments", "/api/followups/due", $"/api/residents/{resident.Id}/plan" })
        {
            await (await nurse.GetAsync(url)).ProblemAsync(HttpStatusCode.Forbidden);
            await (await factory.CreateClient().GetAsync(url)).ProblemAsync(HttpStatusCode.Unauthorized);
        }

        await (await nurse.PostAsync("/api/enrolments", Http.Json(new { residentId = resident.Id, programmeId = "tuberculosis" }))).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_first_record_of_an_enrolOn_form_enrols_and_age_programmes_follow_birthdays()
    {
        await using var database = await CreateDatabaseAsync();
        await using var factory = new JiayiFactory(database);
        var world = await TestWorld.CreateAsync(factory);
        await factory.CreateStaffAsync("doc-enrol", world.CentreA, world.TeamA1, AccessBootstrap.DoctorRole, PlanPermissions);
        var doctor = await factory.ClientForAsync("doc-enrol");
        var today = factory.Services.GetRequiredService<Clock>().Today;

        // A TB first home visit enrols the patient in 肺结核患者健康管理 from the visit date.
        var patient = await factory.AddResidentAsync(world.TeamA1, "结核甲", "男", new DateOnly(1980, 3, 3));
        var example = JsonNode.Parse(await File.ReadAllTextAsync(Repo.Path("definitions", "examples", "forms", "tb-first-visit.json")))!;
        var data = example["data"]!.AsObject();
        data["visit_date"] = Day(today.AddDays(-2));
        data.Remove("notice_date");
        data["next_visit_date"] = Day(today.AddDays(8));
        await (await doctor.PostAsync("/api/records", Http.Json(new JsonObject { ["formId"] = "tb-first-visit", ["subjectId"] = patient.Id, ["data"] = data.DeepClone() }.ToJsonString()))).ReadAsync(HttpStatusCode.Created);
        var enrolled = Assert.Single((await (await doctor.GetAsync($"/api/enrolments?resident={patient.Id}")).ReadAsync(HttpStatusCode.OK)).AsArray())!;
        Assert.Equal(("tuberculosis", "record", Day(today.AddDays(-2))), (enrolled["programmeId"]!.GetValue<string>(), enrolled["source"]!.GetValue<string>(), enrolled["startedOn"]!.GetValue<string>()));

        // Age programmes: a 70-year-old joins 老年人 from the 65th birthday; a child who turned 7 leaves 0～6岁儿童.
        var elder = await factory.AddResidentAsync(world.TeamA1, "老人甲", "女", today.AddYears(-70).AddDays(-3));
        var child = await factory.AddResidentAsync(world.TeamA1, "儿童甲", "男", today.AddYears(-7).AddDays(10));
        var enrolments = factory.Services.GetRequiredService<EnrolmentService>();
        var (opened, _) = await enrolments.SyncAgeAsync(null, CancellationToken.None);
        Assert.True(opened >= 2);
        var elderly = Assert.Single((await (await doctor.GetAsync($"/api/enrolments?resident={elder.Id}")).ReadAsync(HttpStatusCode.OK)).AsArray())!;
        Assert.Equal(("elderly", "age", Day(today.AddYears(-5).AddDays(-3))), (elderly["programmeId"]!.GetValue<string>(), elderly["source"]!.GetValue<string>(), elderly["startedOn"]!.GetValue<string>()));
        Assert.Equal("children", Assert.Single((await (await doctor.GetAsync($"/api/enrolments?resident={child.Id}&active=true")).ReadAsync(HttpStatusCode.OK)).AsArray())!["programmeId"]!.GetValue<string>());

        // Re-dated so that the 7th birthday was yesterday: the child left on the day before it, and a second run changes nothing.
        await factory.WithDatabaseAsync(async db =>
        {
            var row = await db.Residents.SingleAsync(r => r.Id == child.Id);
            row.BirthDate = today.AddYears(-7).AddDays(-1);
            return await db.SaveChangesAsync();
        });
        var (_, stopped) = await enrolments.SyncAgeAsync([child.Id], CancellationToken.None);
        Assert.Equal(1, stopped);
        var closed = Assert.Single((await (await doctor.GetAsync($"/api/enrolments?resident={child.Id}")).ReadAsync(HttpStatusCode.OK)).AsArray())!;
        Assert.Equal((EnrolmentService.AgedOutReason, Day(today.AddDays(-2))), (closed["stopReason"]!.GetValue<string>(), closed["stoppedOn"]!.GetValue<string>()));
        Assert.Equal((0, 0), await enrolments.SyncAgeAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task Fulfilment_counts_records_of_applicable_items_inside_the_contract_period()
    {
        await using var database = await CreateDatabaseAsync();
        await using var factory = new JiayiFactory(database);
        var world = await TestWorld.CreateAsync(factory);
        await factory.CreateStaffAsync("doc-ful", world.CentreA, world.TeamA1, AccessBootstrap.DoctorRole, [.. Signing.DoctorPermissions, .. PlanPermissions]);
        var doctor = await factory.ClientForAsync("doc-ful");
        var today = factory.Services.GetRequiredService<Clock>().Today;
        var resident = await factory.AddResidentAsync(world.TeamA1, "履约甲", "男", new DateOnly(1966, 8, 8));
        var package = await factory.AddPackageAsync(world.CentreA, "基本公卫包");
        await factory.WithDatabaseAsync(async db =>
        {
            db.PackageItems.Add(new Jiayi.Data.Contracts.PackageItem { PackageId = package.Id, Order = 2, Name = "老年人中医药健康管理", FormId = "elderly-tcm-constitution", TimesPerYear = 1 });
            db.PackageItems.Add(new Jiayi.Data.Contracts.PackageItem { PackageId = package.Id, Order = 3, Name = "抑郁筛查", FormId = "phq9", TimesPerYear = 1 });
            db.PackageItems.Add(new Jiayi.Data.Contracts.PackageItem { PackageId = package.Id, Order = 4, Name = "上门服务", ServiceType = "上门服务", TimesPerYear = 2 });
            return await db.SaveChangesAsync();
        });
        var contract = await (await doctor.PostAsync("/api/contracts", Http.Json(new { residentId = resident.Id, packageIds = new[] { package.Id }, signature = Signing.SignaturePng }))).ReadAsync(HttpStatusCode.Created);
        var url = $"/api/contracts/{contract["id"]!.GetValue<string>()}/fulfilment";

        var before = await (await doctor.GetAsync(url)).ReadAsync(HttpStatusCode.OK);
        JsonNode Item(JsonNode view, string name) => view["items"]!.AsArray().Single(i => i!["itemName"]!.GetValue<string>() == name)!;
        // Not enrolled in 高血压 (and not 65): those items do not apply; phq9 belongs to no programme and applies; 上门服务 is counted by hand.
        Assert.Equal("not-applicable", Item(before, "高血压患者随访")["source"]!.GetValue<string>());
        Assert.Equal("not-applicable", Item(before, "老年人中医药健康管理")["source"]!.GetValue<string>());
        Assert.Equal(("record", 1, 0), (Item(before, "抑郁筛查")["source"]!.GetValue<string>(), Item(before, "抑郁筛查")["planned"]!.GetValue<int>(), Item(before, "抑郁筛查")["done"]!.GetValue<int>()));
        Assert.Equal("manual", Item(before, "上门服务")["source"]!.GetValue<string>());
        Assert.Equal((1, 0), (before["planned"]!.GetValue<int>(), before["done"]!.GetValue<int>()));

        // A hypertension visit (which also enrols him): 4 planned, 1 done; a visit dated before the contract does not count.
        var visit = (JsonObject)JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(HypertensionVisit(today, 150, 95, 2, today.AddDays(14))))!;
        visit["subjectId"] = resident.Id;
        await (await doctor.PostAsync("/api/records", Http.Json(visit.ToJsonString()))).ReadAsync(HttpStatusCode.Created);
        var old = (JsonObject)JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(HypertensionVisit(today.AddDays(-40), 150, 95, 2, today.AddDays(-26))))!;
        old["subjectId"] = resident.Id;
        await (await doctor.PostAsync("/api/records", Http.Json(old.ToJsonString()))).ReadAsync(HttpStatusCode.Created);

        var after = await (await doctor.GetAsync(url)).ReadAsync(HttpStatusCode.OK);
        var item = Item(after, "高血压患者随访");
        Assert.Equal(("record", 4, 1), (item["source"]!.GetValue<string>(), item["planned"]!.GetValue<int>(), item["done"]!.GetValue<int>()));
        Assert.Equal(Day(today), Assert.Single(item["evidence"]!.AsArray())!["date"]!.GetValue<string>());
        Assert.Equal((5, 1, 20.0m), (after["planned"]!.GetValue<int>(), after["done"]!.GetValue<int>(), after["rate"]!.GetValue<decimal>()));
    }
}

public sealed class SqliteProgrammeApiTests : ProgrammeApiTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(TestDatabase.Sqlite());
}

public sealed class PostgreSqlProgrammeApiTests : ProgrammeApiTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.PostgreSqlAsync();
}
