using System.Net;
using System.Text.Json.Nodes;
using Jiayi.Engine.Definitions;
using Jiayi.Host.Forms;
using Jiayi.Host.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Jiayi.Host.Tests.Api;

/// <summary>
/// Shipped files become versions: a changed file is a new published version at the next start, an
/// unchanged one is not, a published version never changes, and records keep the version they used.
/// </summary>
public abstract class DefinitionVersionTests(Func<Task<TestDatabase>> createDatabase) : IAsyncLifetime
{
    private readonly string _definitions = Path.Combine(Path.GetTempPath(), "jiayi-definitions-" + Guid.NewGuid().ToString("N"));
    private TestDatabase _database = default!;

    public async Task InitializeAsync()
    {
        _database = await createDatabase();
        CopyDirectory(Repo.Path("definitions"), _definitions);
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_definitions, recursive: true);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*.json", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private string Phq9File => Path.Combine(_definitions, "forms", "phq9.json");

    private static async Task<JsonNode> SaveAsync(HttpClient client)
    {
        var data = new Dictionary<string, object> { ["test_date"] = "2026-01-05" };
        for (var q = 1; q <= 9; q++)
        {
            data[$"q{q}"] = 1;
        }

        return await (await client.PostAsync("/api/records", Http.Json(new { formId = "phq9", data }))).ReadAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_changed_file_is_a_new_version_and_old_records_keep_theirs()
    {
        JsonNode first;
        await using (var host = new JiayiFactory(_database, definitionsPath: _definitions))
        {
            using var client = await host.TesterClientAsync();
            first = await SaveAsync(client);
            Assert.Equal(1, first["formVersion"]!.GetValue<int>());
        }

        // A province changes the title: the next start publishes version 2.
        var definition = JsonNode.Parse(await File.ReadAllTextAsync(Phq9File))!;
        definition["title"] = "PHQ-9 抑郁症筛查量表";
        await File.WriteAllTextAsync(Phq9File, definition.ToJsonString());
        await using (var host = new JiayiFactory(_database, definitionsPath: _definitions))
        {
            using var client = await host.TesterClientAsync();
            var latest = await (await client.GetAsync("/api/forms/phq9")).ReadAsync(HttpStatusCode.OK);
            Assert.Equal(2, latest["version"]!.GetValue<int>());
            Assert.Equal("PHQ-9 抑郁症筛查量表", latest["title"]!.GetValue<string>());
            Assert.Equal([1, 2], latest["versions"]!.AsArray().Select(v => v!.GetValue<int>()));

            var old = await (await client.GetAsync("/api/forms/phq9/versions/1")).ReadAsync(HttpStatusCode.OK);
            Assert.Equal("PHQ-9 患者健康问卷", old["title"]!.GetValue<string>());

            var kept = await (await client.GetAsync($"/api/records/{first["id"]}")).ReadAsync(HttpStatusCode.OK);
            Assert.Equal(1, kept["formVersion"]!.GetValue<int>());
            Assert.Equal("PHQ-9 患者健康问卷", kept["formTitle"]!.GetValue<string>());

            var second = await SaveAsync(client);
            Assert.Equal(2, second["formVersion"]!.GetValue<int>());
        }

        // Whitespace and key order are not content: an equivalent file publishes nothing new.
        await File.WriteAllTextAsync(Phq9File, JsonNode.Parse(await File.ReadAllTextAsync(Phq9File))!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        await using (var host = new JiayiFactory(_database, definitionsPath: _definitions))
        {
            var report = await host.Services.GetRequiredService<DefinitionImporter>().ImportAsync(_definitions, CancellationToken.None);
            Assert.Empty(report.Imported);
            // Every shipped form, workflow and programme file and the service types, none of them changed.
            var files = Directory.GetFiles(Path.Combine(_definitions, "forms"), "*.json").Length + Directory.GetFiles(Path.Combine(_definitions, "workflows"), "*.json").Length
                + Directory.GetFiles(Path.Combine(_definitions, "programmes"), "*.json").Length + 1;
            Assert.Equal(files, report.Unchanged);
            Assert.Equal(18 + 3 + 7 + 1, files);
        }
    }

    [Fact]
    public async Task A_published_version_cannot_be_changed_in_the_database()
    {
        await using var host = new JiayiFactory(_database, definitionsPath: _definitions);
        using var client = await host.TesterClientAsync();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.WithDatabaseAsync(async db =>
        {
            var version = await db.FormDefinitions.SingleAsync(d => d.FormId == "phq9" && d.Version == 1);
            db.Entry(version).Property(v => v.Content).CurrentValue = "{}";
            return await db.SaveChangesAsync();
        }));
        Assert.Contains("published", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_definition_stops_the_host_naming_file_pointer_and_reason_and_nothing_is_imported()
    {
        var definition = JsonNode.Parse(await File.ReadAllTextAsync(Phq9File))!;
        definition["sections"]![1]!["fields"]![0]!["visibleWhen"] = "q2 >";
        definition["title"] = "改过的标题";
        await File.WriteAllTextAsync(Phq9File, definition.ToJsonString());

        await using var host = new JiayiFactory(_database, definitionsPath: _definitions);
        var error = Assert.Throws<DefinitionException>(() => host.CreateClient());
        var problem = Assert.Single(error.Errors);
        Assert.Equal("definitions/forms/phq9.json", problem.Source);
        Assert.Equal("/sections/1/fields/0/visibleWhen", problem.Path);
        Assert.Contains("表达式不完整", problem.Message, StringComparison.Ordinal);
    }
}

public sealed class SqliteDefinitionVersionTests() : DefinitionVersionTests(() => Task.FromResult(TestDatabase.Sqlite()));

public sealed class PostgreSqlDefinitionVersionTests() : DefinitionVersionTests(TestDatabase.PostgreSqlAsync);
