using System.Net;
using System.Text.Json.Nodes;
using Jiayi.Data.Workflows;
using Jiayi.Host.Access;
using Jiayi.Host.Tests.Support;
using Jiayi.Host.Workflows;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Tests.Api;

/// <summary>
/// Instances stay on the workflow version they started with; moving them is an explicit, previewed migration.
/// And inbox counts reach the apps in real time over SignalR. Each test has its own database.
/// </summary>
public abstract class WorkflowVersionTests
{
    protected abstract Task<TestDatabase> CreateDatabaseAsync();

    [Fact]
    public async Task A_running_instance_keeps_its_version_until_migrated_with_a_dry_run_first()
    {
        await using var database = await CreateDatabaseAsync();
        await using var first = new JiayiFactory(database);
        var world = await TestWorld.CreateAsync(first);
        var tester = await first.TesterClientAsync();
        await first.CreateStaffAsync("doc-v", world.CentreA, world.TeamA1, AccessBootstrap.DoctorRole, Signing.DoctorPermissions);
        var doctor = await first.ClientForAsync("doc-v");
        var package = await first.AddPackageAsync(world.CentreA, "基础包");
        var resident = await first.AddResidentAsync(world.TeamA1, "版本甲", "女", new DateOnly(1950, 1, 1));
        var signed = await (await doctor.PostAsync("/api/contracts", Http.Json(new { residentId = resident.Id, packageIds = new[] { package.Id }, signature = Signing.SignaturePng }))).ReadAsync(HttpStatusCode.Created);
        var instance = signed["instanceId"]!.GetValue<string>();

        // A province publishes version 2 of the doctor-signing workflow: 解约 is renamed 解除签约.
        var definitions = Directory.CreateTempSubdirectory("jiayi-defs-");
        try
        {
            CopyDirectory(Repo.Path("definitions"), definitions.FullName);
            var file = Path.Combine(definitions.FullName, "workflows", "contract-doctor.json");
            await File.WriteAllTextAsync(file, (await File.ReadAllTextAsync(file)).Replace("\"label\": \"解约\"", "\"label\": \"解除签约\"", StringComparison.Ordinal));
            await using var second = new JiayiFactory(database, definitionsPath: definitions.FullName);
            _ = second.Services;

            var detail = await (await tester.GetAsync("/api/workflows/contract-doctor")).ReadAsync(HttpStatusCode.OK);
            Assert.Equal(2, detail["version"]!.GetValue<int>());
            Assert.Equal([1, 2], detail["versions"]!.AsArray().Select(v => v!.GetValue<int>()));

            // The running instance is still on version 1 and offers version 1's label; a new signing starts on version 2.
            var view = await (await doctor.GetAsync($"/api/workflow-instances/{instance}")).ReadAsync(HttpStatusCode.OK);
            Assert.Equal(1, view["workflowVersion"]!.GetValue<int>());
            Assert.Equal("解约", view["triggers"]!.AsArray().Single(t => t!["trigger"]!.GetValue<string>() == "terminate")!["label"]!.GetValue<string>());
            var resident2 = await first.AddResidentAsync(world.TeamA1, "版本乙", "男", new DateOnly(1951, 2, 2));
            var newer = await (await doctor.PostAsync("/api/contracts", Http.Json(new { residentId = resident2.Id, packageIds = new[] { package.Id }, signature = Signing.SignaturePng }))).ReadAsync(HttpStatusCode.Created);
            var newerView = await (await doctor.GetAsync($"/api/workflow-instances/{newer["instanceId"]!.GetValue<string>()}")).ReadAsync(HttpStatusCode.OK);
            Assert.Equal(2, newerView["workflowVersion"]!.GetValue<int>());

            // A mapping to a state version 2 lacks is refused, naming it; the dry run changes nothing.
            var problem = await (await tester.PostAsync("/api/workflows/contract-doctor/migrations", Http.Json(new { fromVersion = 1, toVersion = 2, states = new { effective = "gone" } }))).ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains(problem.Errors(), e => e.Path == "/states/effective" && e.Message.Contains("gone", StringComparison.Ordinal));
            var dry = await (await tester.PostAsync("/api/workflows/contract-doctor/migrations", Http.Json(new { fromVersion = 1, toVersion = 2 }))).ReadAsync(HttpStatusCode.OK);
            Assert.True(dry["dryRun"]!.GetValue<bool>());
            Assert.Equal(1, dry["instances"]!.GetValue<int>());
            Assert.Equal("effective", dry["lines"]![0]!["to"]!.GetValue<string>());
            Assert.Equal(1, (await (await doctor.GetAsync($"/api/workflow-instances/{instance}")).ReadAsync(HttpStatusCode.OK))["workflowVersion"]!.GetValue<int>());

            var run = await (await tester.PostAsync("/api/workflows/contract-doctor/migrations", Http.Json(new { fromVersion = 1, toVersion = 2, dryRun = false }))).ReadAsync(HttpStatusCode.OK);
            Assert.Equal(1, run["instances"]!.GetValue<int>());
            view = await (await doctor.GetAsync($"/api/workflow-instances/{instance}")).ReadAsync(HttpStatusCode.OK);
            Assert.Equal(2, view["workflowVersion"]!.GetValue<int>());
            Assert.Equal("解除签约", view["triggers"]!.AsArray().Single(t => t!["trigger"]!.GetValue<string>() == "terminate")!["label"]!.GetValue<string>());
            Assert.Equal("migrate", view["history"]!.AsArray()[^1]!["trigger"]!.GetValue<string>());

            // Its timers were restarted under version 2: the old ones cancelled, two new ones scheduled.
            var timers = await first.WithDatabaseAsync(db => db.WorkflowTimers.Where(t => t.InstanceId == Guid.Parse(instance)).Select(t => t.Status).ToListAsync());
            Assert.Equal(2, timers.Count(s => s == WorkflowTimerStatus.Cancelled));
            Assert.Equal(2, timers.Count(s => s == WorkflowTimerStatus.Scheduled));
        }
        finally
        {
            definitions.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Inbox_counts_are_pushed_to_a_connected_app_when_a_request_arrives_and_is_handled()
    {
        await using var database = await CreateDatabaseAsync();
        await using var factory = new JiayiFactory(database);
        var world = await TestWorld.CreateAsync(factory);
        var tester = await factory.TesterClientAsync();
        await factory.CreateStaffAsync("doc-push", world.CentreA, world.TeamA1, AccessBootstrap.DoctorRole, Signing.DoctorPermissions);
        var doctor = await factory.ClientForAsync("doc-push");
        var package = await factory.AddPackageAsync(world.CentreA, "基础包");
        var resident = await factory.AddResidentAsync(world.TeamA1, "推送甲", "女", new DateOnly(1950, 1, 1));

        var received = new List<InboxCounts>();
        var arrived = new SemaphoreSlim(0);
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(factory.Server.BaseAddress, InboxHub.Path), o =>
            {
                o.Transports = HttpTransportType.LongPolling;
                o.HttpMessageHandlerFactory = _ => factory.Server.CreateHandler();
                o.AccessTokenProvider = () => Task.FromResult(doctor.DefaultRequestHeaders.Authorization!.Parameter);
            })
            .Build();
        connection.On<InboxCounts>(InboxHub.Message, counts =>
        {
            lock (received)
            {
                received.Add(counts);
            }

            arrived.Release();
        });
        await connection.StartAsync();
        Assert.True(await arrived.WaitAsync(TimeSpan.FromSeconds(10)), "no counts on connect");
        Assert.Equal(0, received[^1].Pending);

        var request = await (await tester.PostAsync("/api/contracts/requests", Http.Json(new { residentId = resident.Id, packageIds = new[] { package.Id } }))).ReadAsync(HttpStatusCode.Created);
        Assert.True(await arrived.WaitAsync(TimeSpan.FromSeconds(10)), "no push after the request");
        Assert.Equal(1, received[^1].Pending);

        await (await doctor.PostAsync($"/api/workflow-instances/{request["instanceId"]!.GetValue<string>()}/fire", Http.Json(new { trigger = "approve" }))).ReadAsync(HttpStatusCode.OK);
        Assert.True(await arrived.WaitAsync(TimeSpan.FromSeconds(10)), "no push after the approval");
        Assert.Equal(0, received[^1].Pending);

        // Without a token the hub refuses the connection.
        await using var anonymous = new HubConnectionBuilder()
            .WithUrl(new Uri(factory.Server.BaseAddress, InboxHub.Path), o =>
            {
                o.Transports = HttpTransportType.LongPolling;
                o.HttpMessageHandlerFactory = _ => factory.Server.CreateHandler();
            })
            .Build();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => anonymous.StartAsync());
    }

    internal static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(directory.Replace(from, to, StringComparison.Ordinal));
        }

        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, file.Replace(from, to, StringComparison.Ordinal), overwrite: true);
        }
    }
}

public sealed class SqliteWorkflowVersionTests : WorkflowVersionTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(TestDatabase.Sqlite());
}

public sealed class PostgreSqlWorkflowVersionTests : WorkflowVersionTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.PostgreSqlAsync();
}
