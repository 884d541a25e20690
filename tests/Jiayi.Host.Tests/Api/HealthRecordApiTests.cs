using System.Net;
using Jiayi.Host.Access;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Jiayi.Host.Tests.Api;

/// <summary>The personal health record (D3.1–D3.2) in scope, and the remote lookup (D3.3) across areas: permission, reason, audit.</summary>
public abstract class HealthRecordApiTests
{
    protected abstract Task<TestDatabase> CreateDatabaseAsync();

    [Fact]
    public async Task The_record_gathers_programmes_and_the_timeline_and_a_remote_lookup_needs_a_reason_and_is_logged()
    {
        await using var database = await CreateDatabaseAsync();
        await using var factory = new JiayiFactory(database);
        var world = await TestWorld.CreateAsync(factory);
        await factory.CreateStaffAsync("doc-rec", world.CentreA, world.TeamA1, AccessBootstrap.DoctorRole, ProgrammeApiTests.PlanPermissions);
        await factory.CreateStaffAsync("doc-far", world.CentreB, world.TeamB1, AccessBootstrap.DoctorRole, [.. ProgrammeApiTests.PlanPermissions, ProgrammePermissions.RemoteLookup]);
        await factory.CreateUserAsync("no-lookup", world.CentreB, world.TeamB1, [FormPermissions.RecordsRead]);
        var doctor = await factory.ClientForAsync("doc-rec");
        var far = await factory.ClientForAsync("doc-far");
        var noLookup = await factory.ClientForAsync("no-lookup");
        var today = factory.Services.GetRequiredService<Clock>().Today;
        var (resident, idNumber) = await factory.AddResidentWithIdAsync(world.TeamA1, "档案甲", "女", new DateOnly(1960, 10, 10));

        await (await doctor.PostAsync("/api/enrolments", Http.Json(new { residentId = resident.Id, programmeId = "diabetes", startedOn = ProgrammeApiTests.Day(today.AddDays(-20)) }))).ReadAsync(HttpStatusCode.Created);
        var record = await doctor.GetAsync($"/api/residents/{resident.Id}/health-record");
        var view = await record.ReadAsync(HttpStatusCode.OK);
        Assert.Equal("档案甲", view["resident"]!["name"]!.GetValue<string>());
        Assert.False(view["remote"]!.GetValue<bool>());
        Assert.Equal("diabetes", view["programmes"]![0]!["enrolment"]!["programmeId"]!.GetValue<string>());
        Assert.Contains(view["timeline"]!.AsArray(), e => e!["kind"]!.GetValue<string>() == "enrolment");
        Assert.DoesNotContain(idNumber, view.ToJsonString(), StringComparison.Ordinal);

        // Out of scope: not found; remote lookup needs the permission, a valid number and a reason.
        await (await far.GetAsync($"/api/residents/{resident.Id}/health-record")).ProblemAsync(HttpStatusCode.NotFound);
        await (await noLookup.PostAsync("/api/health-records/lookup", Http.Json(new { idNumber, reason = "转诊接诊需了解病史" }))).ProblemAsync(HttpStatusCode.Forbidden);
        var bad = await (await far.PostAsync("/api/health-records/lookup", Http.Json(new { idNumber = "610402196010101234", reason = "看" }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(bad.Errors(), e => e.Path == "/idNumber");
        Assert.Contains(bad.Errors(), e => e.Path == "/reason");
        var remote = await (await far.PostAsync("/api/health-records/lookup", Http.Json(new { idNumber, reason = "转诊接诊需了解既往病史" }))).ReadAsync(HttpStatusCode.OK);
        Assert.True(remote["remote"]!.GetValue<bool>());
        Assert.Equal(resident.Id.ToString(), remote["resident"]!["id"]!.GetValue<string>());

        // Not found is logged too; both lookups are in the system log with the reason.
        var unknown = "11010519491231002X";
        await (await far.PostAsync("/api/health-records/lookup", Http.Json(new { idNumber = unknown, reason = "临时就医核对身份" }))).ProblemAsync(HttpStatusCode.NotFound);
        var logged = await factory.WithDatabaseAsync(db => db.AuditLog.Where(a => a.Summary.StartsWith("远程查档")).Select(a => a.Summary).ToListAsync());
        Assert.Contains(logged, s => s.Contains("档案甲", StringComparison.Ordinal) && s.Contains("转诊接诊需了解既往病史", StringComparison.Ordinal));
        Assert.Contains(logged, s => s.Contains("未找到", StringComparison.Ordinal) && s.Contains("临时就医核对身份", StringComparison.Ordinal));
        Assert.DoesNotContain(logged, s => s.Contains(idNumber, StringComparison.Ordinal));
        await (await factory.CreateClient().PostAsync("/api/health-records/lookup", Http.Json(new { idNumber, reason = "x" }))).ProblemAsync(HttpStatusCode.Unauthorized);
    }
}

public sealed class SqliteHealthRecordApiTests : HealthRecordApiTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(TestDatabase.Sqlite());
}

public sealed class PostgreSqlHealthRecordApiTests : HealthRecordApiTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.PostgreSqlAsync();
}
