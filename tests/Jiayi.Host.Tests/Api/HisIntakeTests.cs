using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Jiayi.Host.Access;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jiayi.Host.Tests.Api;

/// <summary>
/// The regional HIS pushing visits (W3.2): signature, idempotency by event id, bad events kept in the correction
/// queue with their reasons, matching visits fulfilling contracted items, and the resident's visit history.
/// </summary>
public abstract class HisIntakeTests
{
    private const string Secret = "his-shared-secret-for-tests";

    protected abstract Task<TestDatabase> CreateDatabaseAsync();

    private static string Day(DateOnly day) => ProgrammeApiTests.Day(day);

    private static HttpRequestMessage Signed(string body, string? secret = Secret, string? header = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/integrations/his/visits") { Content = Http.Json(body) };
        var signature = header ?? (secret is null ? null : "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body))));
        if (signature is not null)
        {
            request.Headers.Add("X-Signature", signature);
        }

        return request;
    }

    private static JsonObject Visit(string eventId, string idNumber, DateOnly day, string code = "I10", string type = "outpatient") => new()
    {
        ["eventId"] = eventId,
        ["type"] = type,
        ["idNumber"] = idNumber,
        ["visitDate"] = Day(day),
        ["institution"] = new JsonObject { ["code"] = "H610402010", ["name"] = "秦都区马庄街道卫生院" },
        ["department"] = "全科门诊",
        ["doctor"] = "王医生",
        ["diagnoses"] = new JsonArray(new JsonObject { ["code"] = code, ["name"] = code == "I10" ? "原发性高血压" : "急性上呼吸道感染" }),
        ["prescriptions"] = new JsonArray(new JsonObject { ["drug"] = "硝苯地平缓释片", ["spec"] = "20mg", ["dose"] = "20mg", ["frequency"] = "每日2次", ["days"] = 30, ["quantity"] = 60 }),
    };

    [Fact]
    public async Task Signed_visits_are_taken_once_fulfil_the_contract_and_bad_ones_wait_in_the_correction_queue()
    {
        await using var database = await CreateDatabaseAsync();
        await using var factory = new JiayiFactory(database, settings: new Dictionary<string, string> { ["Integrations:His:Secret"] = Secret });
        var world = await TestWorld.CreateAsync(factory);
        await factory.CreateStaffAsync("doc-his", world.CentreA, world.TeamA1, AccessBootstrap.DoctorRole, [.. Signing.DoctorPermissions, .. ProgrammeApiTests.PlanPermissions]);
        await factory.CreateUserAsync("ops-his", world.City, null, [IntegrationPermissions.Read, IntegrationPermissions.Manage]);
        var doctor = await factory.ClientForAsync("doc-his");
        var ops = await factory.ClientForAsync("ops-his");
        var anonymous = factory.CreateClient();
        var today = factory.Services.GetRequiredService<Clock>().Today;
        var (resident, idNumber) = await factory.AddResidentWithIdAsync(world.TeamA1, "就诊甲", "男", new DateOnly(1956, 2, 2));
        var package = await factory.AddPackageAsync(world.CentreA, "基础包");
        await factory.WithDatabaseAsync(async db =>
        {
            db.PackageItems.Add(new Jiayi.Data.Contracts.PackageItem { PackageId = package.Id, Order = 10, Name = "基层门诊诊疗", ServiceType = "门诊", TimesPerYear = 4 });
            db.PackageItems.Add(new Jiayi.Data.Contracts.PackageItem { PackageId = package.Id, Order = 11, Name = "高血压门诊复诊", ServiceType = "高血压门诊复诊", TimesPerYear = 2 });
            db.PackageItems.Add(new Jiayi.Data.Contracts.PackageItem { PackageId = package.Id, Order = 12, Name = "住院", ServiceType = "住院", TimesPerYear = 1 });
            return await db.SaveChangesAsync();
        });
        var contract = await (await doctor.PostAsync("/api/contracts", Http.Json(new { residentId = resident.Id, packageIds = new[] { package.Id }, signature = Signing.SignaturePng }))).ReadAsync(HttpStatusCode.Created);
        var contractId = contract["id"]!.GetValue<string>();

        // Unsigned, wrongly signed, signed with another secret: 401 and nothing kept.
        var body = Visit("HIS-0001", idNumber, today).ToJsonString();
        Assert.Equal("signature-missing", (await (await anonymous.SendAsync(Signed(body, secret: null))).ProblemAsync(HttpStatusCode.Unauthorized))["code"]!.GetValue<string>());
        Assert.Equal("signature-invalid", (await (await anonymous.SendAsync(Signed(body, secret: "guess"))).ProblemAsync(HttpStatusCode.Unauthorized))["code"]!.GetValue<string>());
        await (await anonymous.SendAsync(Signed(body, header: "sha256=zz"))).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.SendAsync(Signed(body + " ", header: Signed(body).Headers.GetValues("X-Signature").Single()))).ProblemAsync(HttpStatusCode.Unauthorized);

        // Signed: one visit; the same event again is the same visit (200), never a second one.
        var first = await (await anonymous.SendAsync(Signed(body))).ReadAsync(HttpStatusCode.Created);
        Assert.False(first["duplicate"]!.GetValue<bool>());
        Assert.Equal(["基层门诊诊疗", "高血压门诊复诊"], first["fulfils"]!.AsArray().Select(f => f!["itemName"]!.GetValue<string>()).Order());
        var again = await (await anonymous.SendAsync(Signed(body))).ReadAsync(HttpStatusCode.OK);
        Assert.True(again["duplicate"]!.GetValue<bool>());
        Assert.Equal(first["visitId"]!.GetValue<string>(), again["visitId"]!.GetValue<string>());
        Assert.Equal(1, await factory.WithDatabaseAsync(db => Task.FromResult(db.HisVisits.Count())));

        // A cold (J06.9) fulfils only the general outpatient item.
        var cold = await (await anonymous.SendAsync(Signed(Visit("HIS-0002", idNumber, today, code: "J06.9").ToJsonString()))).ReadAsync(HttpStatusCode.Created);
        Assert.Equal("基层门诊诊疗", Assert.Single(cold["fulfils"]!.AsArray())!["itemName"]!.GetValue<string>());

        // Fulfilment counts both outpatient visits, the hypertension item once; the inpatient item has none.
        var fulfilment = await (await doctor.GetAsync($"/api/contracts/{contractId}/fulfilment")).ReadAsync(HttpStatusCode.OK);
        var items = fulfilment["items"]!.AsArray();
        int? Done(string name) => items.Single(i => i!["itemName"]!.GetValue<string>() == name)!["done"]?.GetValue<int>();
        Assert.Equal((2, 1, 0), (Done("基层门诊诊疗"), Done("高血压门诊复诊"), Done("住院")));
        Assert.Equal("his", items.Single(i => i!["itemName"]!.GetValue<string>() == "住院")!["source"]!.GetValue<string>());

        // The visit history of the resident (in scope only).
        var visits = await (await doctor.GetAsync($"/api/residents/{resident.Id}/visits")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(2, visits.AsArray().Count);
        Assert.Equal("I10", visits.AsArray().Single(v => v!["eventId"]!.GetValue<string>() == "HIS-0001")!["diagnoses"]![0]!["code"]!.GetValue<string>());

        // A bad event: refused with every reason, kept in the queue; resending it with the same id updates the entry.
        var bad = Visit("HIS-0003", "610402195602021235", today.AddDays(3), code: "高血压");
        bad["type"] = "emergency";
        bad["colour"] = "red";
        var refused = await (await anonymous.SendAsync(Signed(bad.ToJsonString()))).ProblemAsync(HttpStatusCode.UnprocessableEntity);
        var paths = refused.Errors().Select(e => e.Path).ToList();
        Assert.Contains("/type", paths);
        Assert.Contains("/visitDate", paths);
        Assert.Contains("/diagnoses/0/code", paths);
        Assert.Contains("/colour", paths);
        Assert.Contains("/idNumber", paths);
        var rejectionId = refused["rejectionId"]!.GetValue<string>();
        await (await anonymous.SendAsync(Signed(bad.ToJsonString()))).ProblemAsync(HttpStatusCode.UnprocessableEntity);
        var queue = await (await ops.GetAsync("/api/integrations/rejections")).ReadAsync(HttpStatusCode.OK);
        var entry = Assert.Single(queue["items"]!.AsArray(), i => i!["eventId"]!.GetValue<string>() == "HIS-0003")!;
        Assert.Equal((rejectionId, 2), (entry["id"]!.GetValue<string>(), entry["attempts"]!.GetValue<int>()));
        Assert.Contains("ICD-10", entry["reason"]!.GetValue<string>());

        // Not JSON at all: 400, kept too.
        var garbage = await (await anonymous.SendAsync(Signed("{\"eventId\": "))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(garbage["rejectionId"]);

        // An unknown resident: 422 with the reason; after the record is created the operator resubmits it.
        var stranger = Visit("HIS-0004", idNumber, today);
        stranger["name"] = "另一个人";
        var mismatch = await (await anonymous.SendAsync(Signed(stranger.ToJsonString()))).ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains(mismatch.Errors(), e => e.Path == "/name");
        var fixedEvent = Visit("HIS-0004", idNumber, today.AddDays(-1), code: "I10");
        fixedEvent["name"] = "就诊甲";
        var queued = mismatch["rejectionId"]!.GetValue<string>();
        await (await doctor.PostAsync($"/api/integrations/rejections/{queued}/resubmit", Http.Json(fixedEvent.ToJsonString()))).ProblemAsync(HttpStatusCode.Forbidden);
        var resubmitted = await (await ops.PostAsync($"/api/integrations/rejections/{queued}/resubmit", Http.Json(fixedEvent.ToJsonString()))).ReadAsync(HttpStatusCode.Created);
        Assert.False(resubmitted["duplicate"]!.GetValue<bool>());
        var resolved = await (await ops.GetAsync($"/api/integrations/rejections/{queued}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("resolved", resolved["status"]!.GetValue<string>());
        await (await ops.PostAsync($"/api/integrations/rejections/{queued}/resubmit", Http.Json(fixedEvent.ToJsonString()))).ProblemAsync(HttpStatusCode.Conflict);

        // Discarding needs a note; a discarded entry cannot be resubmitted.
        await (await ops.PostAsync($"/api/integrations/rejections/{rejectionId}/discard", Http.Json(new { }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.NoContent, (await ops.PostAsync($"/api/integrations/rejections/{rejectionId}/discard", Http.Json(new { note = "测试数据" }))).StatusCode);
        await (await ops.PostAsync($"/api/integrations/rejections/{rejectionId}/resubmit", Http.Json(bad.ToJsonString()))).ProblemAsync(HttpStatusCode.Conflict);

        // Permissions and scope: the queue is for operators; another institution sees no visits of this resident.
        await (await doctor.GetAsync("/api/integrations/rejections")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await anonymous.GetAsync("/api/integrations/rejections")).ProblemAsync(HttpStatusCode.Unauthorized);
        await factory.CreateStaffAsync("doc-his-b", world.CentreB, world.TeamB1, AccessBootstrap.DoctorRole, ProgrammeApiTests.PlanPermissions);
        var other = await factory.ClientForAsync("doc-his-b");
        await (await other.GetAsync($"/api/residents/{resident.Id}/visits")).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.GetAsync($"/api/contracts/{contractId}/fulfilment")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Without_a_configured_secret_every_push_is_refused()
    {
        await using var database = await CreateDatabaseAsync();
        await using var factory = new JiayiFactory(database);
        // An empty unsigned body is refused for its missing signature, not for being empty.
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/integrations/his/visits") { Content = Http.Json("") };
        await (await factory.CreateClient().SendAsync(request)).ProblemAsync(HttpStatusCode.Unauthorized);
        var problem = await (await factory.CreateClient().SendAsync(Signed("""{"eventId":"x"}"""))).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("integration-not-configured", problem["code"]!.GetValue<string>());
        Assert.Contains("Integrations__His__Secret", problem["detail"]!.GetValue<string>());
    }
}

public sealed class SqliteHisIntakeTests : HisIntakeTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(TestDatabase.Sqlite());
}

public sealed class PostgreSqlHisIntakeTests : HisIntakeTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.PostgreSqlAsync();
}
