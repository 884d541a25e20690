using System.Net;
using System.Text.Json.Nodes;
using Jiayi.Host.Access;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jiayi.Host.Tests.Api;

/// <summary>
/// A workflow's <c>followup</c> action: a province adds "first hypertension visit within 30 days of signing"
/// to its signing workflow by configuration; the follow-up is due then, and the record that fulfils it closes it.
/// </summary>
public abstract class FollowUpActionTests
{
    protected abstract Task<TestDatabase> CreateDatabaseAsync();

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_step_schedules_a_follow_up_that_the_matching_record_fulfils()
    {
        await using var database = await CreateDatabaseAsync();
        var definitions = Directory.CreateTempSubdirectory("jiayi-defs-");
        try
        {
            WorkflowVersionTests.CopyDirectory(Repo.Path("definitions"), definitions.FullName);
            var file = Path.Combine(definitions.FullName, "workflows", "contract-doctor.json");
            var workflow = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
            var effective = workflow["states"]!.AsArray().Single(s => s!["key"]!.GetValue<string>() == "effective")!;
            effective["onEnter"]!.AsArray().Add(JsonNode.Parse("""
                { "type": "followup", "form": "hypertension-followup", "resident": "subject.resident_id",
                  "due": "addDays(subject.start_date, 30)", "title": "签约后首次高血压随访：{{ subject.resident_name }}" }
                """));
            await File.WriteAllTextAsync(file, workflow.ToJsonString());

            await using var factory = new JiayiFactory(database, definitionsPath: definitions.FullName);
            var world = await TestWorld.CreateAsync(factory);
            await factory.CreateStaffAsync("doc-fu", world.CentreA, world.TeamA1, AccessBootstrap.DoctorRole, [.. Signing.DoctorPermissions, FormPermissions.Read, FormPermissions.RecordsRead, FormPermissions.RecordsWrite]);
            var doctor = await factory.ClientForAsync("doc-fu");
            var package = await factory.AddPackageAsync(world.CentreA, "基础包");
            var resident = await factory.AddResidentAsync(world.TeamA1, "随访甲", "男", new DateOnly(1955, 5, 5));
            var today = factory.Services.GetRequiredService<Clock>().Today;

            await (await doctor.PostAsync("/api/contracts", Http.Json(new { residentId = resident.Id, packageIds = new[] { package.Id }, signature = Signing.SignaturePng }))).ReadAsync(HttpStatusCode.Created);
            var pending = await (await doctor.GetAsync($"/api/followups?resident={resident.Id}")).ReadAsync(HttpStatusCode.OK);
            var item = Assert.Single(pending["items"]!.AsArray())!;
            Assert.Equal("hypertension-followup", item["formId"]!.GetValue<string>());
            Assert.Equal(Day(today.AddDays(30)), item["dueOn"]!.GetValue<string>());
            Assert.Equal("签约后首次高血压随访：随访甲", item["title"]!.GetValue<string>());

            // Another team's doctor does not see it; a bad filter is named.
            await factory.CreateStaffAsync("doc-fu-b", world.CentreB, world.TeamB1, AccessBootstrap.DoctorRole, [FormPermissions.RecordsRead]);
            var other = await factory.ClientForAsync("doc-fu-b");
            Assert.Empty((await (await other.GetAsync($"/api/followups?resident={resident.Id}")).ReadAsync(HttpStatusCode.OK))["items"]!.AsArray());
            var problem = await (await doctor.GetAsync("/api/followups?status=later")).ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains(problem.Errors(), e => e.Path == "/status");

            // The visit is recorded: the follow-up is done, pointing at the record.
            var record = await (await doctor.PostAsync("/api/records", Http.Json(new
            {
                formId = "hypertension-followup",
                subjectId = resident.Id,
                data = new Dictionary<string, object>
                {
                    ["visit_date"] = Day(today),
                    ["visit_method"] = 1,
                    ["symptoms"] = new[] { 1 },
                    ["sbp"] = 150,
                    ["dbp"] = 90,
                    ["height"] = 170,
                    ["weight"] = 65,
                    ["adverse_reaction"] = 1,
                    ["visit_class"] = 2,
                    ["next_visit_date"] = Day(today.AddDays(14)),
                    ["meds"] = new[] { new Dictionary<string, object> { ["drug_name"] = "氨氯地平", ["times_per_day"] = 1, ["dose_per_time"] = "5mg" } },
                },
            }))).ReadAsync(HttpStatusCode.Created);
            Assert.Empty((await (await doctor.GetAsync($"/api/followups?resident={resident.Id}")).ReadAsync(HttpStatusCode.OK))["items"]!.AsArray());
            var done = await (await doctor.GetAsync($"/api/followups?resident={resident.Id}&status=done")).ReadAsync(HttpStatusCode.OK);
            Assert.Equal(record["id"]!.GetValue<string>(), Assert.Single(done["items"]!.AsArray())!["doneRecordId"]!.GetValue<string>());
        }
        finally
        {
            definitions.Delete(recursive: true);
        }
    }
}

public sealed class SqliteFollowUpActionTests : FollowUpActionTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(TestDatabase.Sqlite());
}

public sealed class PostgreSqlFollowUpActionTests : FollowUpActionTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.PostgreSqlAsync();
}
