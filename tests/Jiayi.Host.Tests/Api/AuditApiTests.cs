using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Jiayi.Engine.Identity;
using Jiayi.Host.Access;
using Jiayi.Host.Audit;
using Jiayi.Host.Tests.Support;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;

namespace Jiayi.Host.Tests.Api;

/// <summary>Creates residents through the API, for tests that look for what the log says about them.</summary>
internal static class AuditTestResidents
{
    private static int _sequence = Random.Shared.Next(1000);

    /// <summary>A valid, unused GB 11643 number: 秦都区, a birth date, a fresh sequence, its check character.</summary>
    public static string NewIdNumber()
    {
        var first17 = $"61040219800101{Interlocked.Increment(ref _sequence) % 999:000}";
        return first17 + ChineseIdNumber.CheckCharacter(first17);
    }

    public static async Task<string> CreateAsync(HttpClient client, Guid orgId, string name)
    {
        var created = await (await client.PostAsync("/api/residents", Http.Json(new { name, idNumber = NewIdNumber(), orgId }))).ReadAsync(HttpStatusCode.Created);
        return created["id"]!.GetValue<string>();
    }
}

/// <summary>The system log through the API: what is logged and by whom, scope, day filters, Excel export, chain verification.</summary>
public abstract class AuditApiTests<THost>(THost host) : IClassFixture<THost>
    where THost : HostFixture
{
    private static readonly string[] Headers = ["时间", "用户", "机构", "IP", "操作", "对象类型", "对象编号", "摘要"];

    private readonly HttpClient _client = host.Client;
    private readonly JiayiFactory _factory = host.Factory;
    private readonly TestWorld _world = host.World;

    private static string Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeBySystemTimeZoneId(DateTime.UtcNow, "Asia/Shanghai")).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private static JsonArray Items(JsonNode page) => page["items"]!.AsArray();

    [Fact]
    public async Task Creating_a_resident_is_logged_with_its_user_and_found_by_entity()
    {
        var id = await AuditTestResidents.CreateAsync(_client, _world.TeamA1.Id, "日志测试");
        var page = await (await _client.GetAsync($"/api/audit?entityType=resident&entityId={id}")).ReadAsync(HttpStatusCode.OK);
        var created = Items(page).Single(e => e!["action"]!.GetValue<string>() == "create")!;
        Assert.Equal("tester", created["userName"]!.GetValue<string>());
        Assert.Equal("新增", created["actionName"]!.GetValue<string>());
        Assert.Equal("居民", created["entityTypeName"]!.GetValue<string>());
        Assert.Equal("新增居民“日志测试”", created["summary"]!.GetValue<string>());
        Assert.Equal(Items(page).Count, page["total"]!.GetValue<int>());

        var byUser = await (await _client.GetAsync($"/api/audit?user=tester&action=create&entityId={id}")).ReadAsync(HttpStatusCode.OK);
        Assert.Single(Items(byUser));
        var bad = await (await _client.GetAsync("/api/audit?pageSize=1000&who=me")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["/pageSize", "/who"], bad.Errors().Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Dates_select_whole_days_in_Shanghai_time()
    {
        var id = await AuditTestResidents.CreateAsync(_client, _world.TeamA1.Id, "日期测试");
        var today = DateOnly.Parse(Today, CultureInfo.InvariantCulture);
        string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var sameDay = await (await _client.GetAsync($"/api/audit?entityId={id}&from={Today}&to={Today}")).ReadAsync(HttpStatusCode.OK);
        Assert.NotEmpty(Items(sameDay));
        var tomorrow = await (await _client.GetAsync($"/api/audit?entityId={id}&from={Day(today.AddDays(1))}")).ReadAsync(HttpStatusCode.OK);
        Assert.Empty(Items(tomorrow));
        var yesterday = await (await _client.GetAsync($"/api/audit?entityId={id}&to={Day(today.AddDays(-1))}")).ReadAsync(HttpStatusCode.OK);
        Assert.Empty(Items(yesterday));

        var reversed = await (await _client.GetAsync($"/api/audit?from={Today}&to={Day(today.AddDays(-1))}")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("/to", Assert.Single(reversed.Errors()).Path);
        var malformed = await (await _client.GetAsync("/api/audit?from=2026-13-01")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("/from", Assert.Single(malformed.Errors()).Path);
    }

    [Fact]
    public async Task A_supervisor_sees_only_what_users_of_their_own_subtree_did()
    {
        var doctorName = Unique("doc");
        await _factory.CreateUserAsync(doctorName, _world.CentreA, null, [ResidentPermissions.Read, ResidentPermissions.Write]);
        var doctor = await _factory.ClientForAsync(doctorName);
        var id = await AuditTestResidents.CreateAsync(doctor, _world.TeamA1.Id, "范围测试");

        var supervisorB = Unique("supb");
        await _factory.CreateUserAsync(supervisorB, _world.CentreB, null, [AuditPermissions.Read], userType: "supervisor");
        var clientB = await _factory.ClientForAsync(supervisorB);
        Assert.Empty(Items(await (await clientB.GetAsync($"/api/audit?entityId={id}")).ReadAsync(HttpStatusCode.OK)));
        Assert.Empty(Items(await (await clientB.GetAsync($"/api/audit?user={doctorName}")).ReadAsync(HttpStatusCode.OK)));

        var supervisorA = Unique("supa");
        await _factory.CreateUserAsync(supervisorA, _world.CentreA, null, [AuditPermissions.Read], userType: "supervisor");
        var clientA = await _factory.ClientForAsync(supervisorA);
        var seen = Items(await (await clientA.GetAsync($"/api/audit?entityId={id}")).ReadAsync(HttpStatusCode.OK));
        Assert.Contains(seen, e => e!["userName"]!.GetValue<string>() == doctorName && e["action"]!.GetValue<string>() == "create");
        await (await clientA.GetAsync("/api/audit/export")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await clientA.PostAsync("/api/audit/verify", null)).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_export_is_an_xlsx_with_chinese_headers_and_is_logged_itself()
    {
        var id = await AuditTestResidents.CreateAsync(_client, _world.TeamA1.Id, "导出测试");
        var response = await _client.GetAsync($"/api/audit/export?entityType=resident&entityId={id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType?.MediaType);

        await using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        var rows = stream.Query(useHeaderRow: false).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(Headers, rows[0].Values.Select(v => v?.ToString()));
        var created = rows.Skip(1).Single(r => (string?)r["E"] == "新增");
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", (string)created["A"]!);
        Assert.StartsWith(Today, (string)created["A"]!, StringComparison.Ordinal);
        Assert.Equal("tester", created["B"]);
        Assert.Equal("咸阳市", created["C"]);
        Assert.Equal("居民", created["F"]);
        Assert.Equal(id, created["G"]);
        Assert.Equal("新增居民“导出测试”", created["H"]);

        var exports = await (await _client.GetAsync("/api/audit?entityType=audit&action=export")).ReadAsync(HttpStatusCode.OK);
        Assert.Contains(Items(exports), e => e!["summary"]!.GetValue<string>().Contains(id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_untouched_chain_verifies_intact()
    {
        await AuditTestResidents.CreateAsync(_client, _world.TeamA1.Id, "校验测试");
        var result = await (await _client.PostAsync("/api/audit/verify", null)).ReadAsync(HttpStatusCode.OK);
        Assert.True(result["intact"]!.GetValue<bool>(), result.ToJsonString());
        Assert.True(result["checked"]!.GetValue<long>() > 0);
        Assert.Null(result["firstBrokenId"]);
        Assert.StartsWith("日志链完整", result["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}

public sealed class SqliteAuditApiTests(SqliteHost host) : AuditApiTests<SqliteHost>(host);

public sealed class PostgreSqlAuditApiTests(PostgreSqlHost host) : AuditApiTests<PostgreSqlHost>(host);

/// <summary>Tampering with the log, on a host of its own: a broken chain would fail every other class's verification.</summary>
public abstract class AuditTamperTests<THost>(THost host) : IClassFixture<THost>
    where THost : HostFixture
{
    [Fact]
    public async Task Editing_one_entry_breaks_the_chain_at_that_entry_for_the_api_and_the_command()
    {
        var id = await AuditTestResidents.CreateAsync(host.Client, host.World.TeamA1.Id, "篡改测试");
        await AuditTestResidents.CreateAsync(host.Client, host.World.TeamA1.Id, "篡改之后");
        var intact = await (await host.Client.PostAsync("/api/audit/verify", null)).ReadAsync(HttpStatusCode.OK);
        Assert.True(intact["intact"]!.GetValue<bool>(), intact.ToJsonString());
        using (var output = new StringWriter())
        {
            Assert.Equal(AuditCommand.Intact, await AuditCommand.VerifyAsync(host.Factory.Services, output));
            Assert.StartsWith("日志链完整", output.ToString(), StringComparison.Ordinal);
        }

        var entryId = await host.Factory.WithDatabaseAsync(db => db.AuditLog.Where(a => a.EntityId == id && a.Action == "create").Select(a => a.Id).SingleAsync());
        await host.Factory.WithDatabaseAsync(db => db.AuditLog.Where(a => a.Id == entryId).ExecuteUpdateAsync(s => s.SetProperty(a => a.Summary, "新增居民“别人”")));

        var broken = await (await host.Client.PostAsync("/api/audit/verify", null)).ReadAsync(HttpStatusCode.OK);
        Assert.False(broken["intact"]!.GetValue<bool>());
        Assert.Equal(entryId, broken["firstBrokenId"]!.GetValue<long>());
        Assert.Equal($"第 {entryId} 条的内容与其哈希不符：该条记录已被修改", broken["message"]!.GetValue<string>());
        using (var output = new StringWriter())
        {
            Assert.Equal(AuditCommand.Broken, await AuditCommand.VerifyAsync(host.Factory.Services, output));
            Assert.Contains($"第 {entryId} 条", output.ToString(), StringComparison.Ordinal);
        }
    }
}

public sealed class SqliteAuditTamperTests(SqliteHost host) : AuditTamperTests<SqliteHost>(host);

public sealed class PostgreSqlAuditTamperTests(PostgreSqlHost host) : AuditTamperTests<PostgreSqlHost>(host);
