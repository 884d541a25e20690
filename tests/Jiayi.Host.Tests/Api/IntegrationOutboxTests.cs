using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Jiayi.Data.Integrations;
using Jiayi.Host.Access;
using Jiayi.Host.Integrations;
using Jiayi.Host.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Jiayi.Host.Tests.Api;

/// <summary>
/// A workflow's <c>send</c> action: the step goes to the outbox in its transaction and is delivered to a real
/// HTTP server on loopback playing the city platform — signed, with a stable idempotency key, retried after a
/// failure until it is accepted.
/// </summary>
public abstract class IntegrationOutboxTests
{
    private const string Secret = "city-platform-secret";

    protected abstract Task<TestDatabase> CreateDatabaseAsync();

    /// <summary>The city platform: answers 503 to the first delivery and 200 afterwards, keeping what it received.</summary>
    private sealed class FakePlatform : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private FakePlatform(WebApplication app) => _app = app;

        public List<(string? Key, string? Signature, string Body)> Received { get; } = [];

        public string Url => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/events";

        public static async Task<FakePlatform> StartAsync()
        {
            var builder = WebApplication.CreateBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var platform = new FakePlatform(app);
            app.MapPost("/events", async (HttpRequest request) =>
            {
                using var reader = new StreamReader(request.Body, Encoding.UTF8);
                var body = await reader.ReadToEndAsync();
                lock (platform.Received)
                {
                    platform.Received.Add((request.Headers["Idempotency-Key"], request.Headers["X-Signature"], body));
                    return platform.Received.Count == 1 ? Results.StatusCode(503) : Results.Ok(new { accepted = true });
                }
            });
            await app.StartAsync();
            return platform;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }

    [Fact]
    public async Task A_sent_step_is_signed_retried_after_a_failure_and_delivered_once_accepted()
    {
        await using var platform = await FakePlatform.StartAsync();
        await using var database = await CreateDatabaseAsync();
        var definitions = Directory.CreateTempSubdirectory("jiayi-defs-");
        try
        {
            WorkflowVersionTests.CopyDirectory(Repo.Path("definitions"), definitions.FullName);
            var file = Path.Combine(definitions.FullName, "workflows", "contract-doctor.json");
            var workflow = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
            var effective = workflow["states"]!.AsArray().Single(s => s!["key"]!.GetValue<string>() == "effective")!;
            effective["onEnter"]!.AsArray().Add(new JsonObject { ["type"] = "send", ["integration"] = "city-platform" });
            await File.WriteAllTextAsync(file, workflow.ToJsonString());

            await using var factory = new JiayiFactory(database, definitionsPath: definitions.FullName, settings: new Dictionary<string, string>
            {
                ["Integrations:city-platform:Url"] = platform.Url,
                ["Integrations:city-platform:Secret"] = Secret,
            });
            var world = await TestWorld.CreateAsync(factory);
            await factory.CreateStaffAsync("doc-send", world.CentreA, world.TeamA1, AccessBootstrap.DoctorRole, Signing.DoctorPermissions);
            var doctor = await factory.ClientForAsync("doc-send");
            var package = await factory.AddPackageAsync(world.CentreA, "基础包");
            var resident = await factory.AddResidentAsync(world.TeamA1, "外送甲", "女", new DateOnly(1950, 1, 1));

            var signed = await (await doctor.PostAsync("/api/contracts", Http.Json(new { residentId = resident.Id, packageIds = new[] { package.Id }, signature = Signing.SignaturePng }))).ReadAsync(HttpStatusCode.Created);
            var message = await factory.WithDatabaseAsync(db => db.Outbox.SingleAsync());
            Assert.Equal("city-platform", message.Integration);

            // The first attempt (queued at once, or run here) meets the 503 and is rescheduled; the next one is accepted.
            var delivery = factory.Services.GetRequiredService<OutboxDelivery>();
            await WaitForAsync(() => factory.WithDatabaseAsync(db => db.Outbox.AnyAsync(m => m.LastStatus != null)), delivery);
            message = await factory.WithDatabaseAsync(db => db.Outbox.SingleAsync());
            Assert.Single(platform.Received);
            Assert.Equal(1, message.Attempts);
            Assert.Equal(OutboxStatus.Pending, message.Status);
            Assert.Equal(503, message.LastStatus);
            Assert.Contains("503", message.LastError, StringComparison.Ordinal);
            await factory.WithDatabaseAsync(db => db.Outbox.ExecuteUpdateAsync(s => s.SetProperty(m => m.NextAttemptAt, DateTime.UtcNow.AddSeconds(-1))));
            await WaitForAsync(() => factory.WithDatabaseAsync(db => db.Outbox.AnyAsync(m => m.Status == OutboxStatus.Delivered)), delivery);
            message = await factory.WithDatabaseAsync(db => db.Outbox.SingleAsync());
            Assert.Equal(OutboxStatus.Delivered, message.Status);
            Assert.Equal(2, message.Attempts);

            // Both attempts carried the same key and a valid signature of the body; the body is the step.
            Assert.Equal(2, platform.Received.Count);
            Assert.All(platform.Received, r =>
            {
                Assert.Equal(message.Id.ToString(), r.Key);
                Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(r.Body))), r.Signature);
            });
            var body = JsonNode.Parse(platform.Received[1].Body)!;
            Assert.Equal("effective", body["to"]!.GetValue<string>());
            Assert.Equal("已生效", body["toName"]!.GetValue<string>());
            Assert.Equal(signed["number"]!.GetValue<string>(), body["subject"]!["attributes"]!["number"]!.GetValue<string>());
            Assert.Equal("外送甲", body["subject"]!["attributes"]!["resident_name"]!.GetValue<string>());

            // Delivered is delivered: another sweep sends nothing.
            Assert.Equal(0, await delivery.RunDueAsync(CancellationToken.None));
            Assert.Equal(2, platform.Received.Count);
        }
        finally
        {
            definitions.Delete(recursive: true);
        }
    }

    /// <summary>Runs the sweep (the job Hangfire queued after the commit may be quicker) until the outbox shows the outcome.</summary>
    private static async Task WaitForAsync(Func<Task<bool>> done, OutboxDelivery delivery)
    {
        for (var i = 0; i < 50 && !await done(); i++)
        {
            await delivery.RunDueAsync(CancellationToken.None);
            await Task.Delay(100);
        }

        Assert.True(await done(), "the delivery did not finish");
    }
}

public sealed class SqliteIntegrationOutboxTests : IntegrationOutboxTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(TestDatabase.Sqlite());
}

public sealed class PostgreSqlIntegrationOutboxTests : IntegrationOutboxTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.PostgreSqlAsync();
}
