using System.Net;
using System.Text.Json.Nodes;
using Jiayi.Engine.Identity;
using Jiayi.Host.Access;
using Jiayi.Host.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Tests.Api;

/// <summary>Residents through the API: GB 11643 checks, derived fields, duplicates, masking, encryption at rest, data scope.</summary>
public abstract class ResidentApiTests<THost>(THost host) : IClassFixture<THost>
    where THost : HostFixture
{
    private readonly HttpClient _client = host.Client;
    private readonly TestWorld _world = host.World;

    /// <summary>A valid, unused ID number: 秦都区, the given birth date, a fresh sequence (odd = male), its check character.</summary>
    private static string NewId(DateOnly birth, bool male, string region = "610402")
    {
        var sequence = (Interlocked.Increment(ref _sequence) % 499 * 2) + (male ? 1 : 0);
        var first17 = $"{region}{birth:yyyyMMdd}{sequence:000}";
        return first17 + ChineseIdNumber.CheckCharacter(first17);
    }

    private static int _sequence = Random.Shared.Next(1000);

    private static async Task<JsonNode> CreateAsync(HttpClient client, object body, HttpStatusCode expected = HttpStatusCode.Created) =>
        await (await client.PostAsync("/api/residents", Http.Json(body))).ReadAsync(expected);

    [Fact]
    public async Task A_resident_is_created_with_birth_date_and_sex_from_the_id_number_and_shown_masked()
    {
        var id = NewId(new DateOnly(1949, 12, 31), male: false);
        var created = await CreateAsync(_client, new { name = "李秀英", idNumber = id, phone = "13912345678", orgId = _world.TeamA1.Id, tags = new[] { "hypertension" } });

        Assert.Equal("1949-12-31", created["birthDate"]!.GetValue<string>());
        Assert.Equal("女", created["sex"]!.GetValue<string>());
        Assert.Equal(id[..6] + "********" + id[^4..], created["idNumber"]!.GetValue<string>());
        Assert.Equal("139****5678", created["phone"]!.GetValue<string>());
        // 65+ is derived from the birth date, 高血压 was recorded.
        Assert.Equal(["elderly", "hypertension"], created["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal(["老年人", "高血压患者"], created["tagNames"]!.AsArray().Select(t => t!.GetValue<string>()));

        var residentId = created["id"]!.GetValue<string>();
        var read = await (await _client.GetAsync($"/api/residents/{residentId}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("李秀英", read["name"]!.GetValue<string>());
        Assert.Equal(created["idNumber"]!.GetValue<string>(), read["idNumber"]!.GetValue<string>());

        // The full number needs its own permission and is logged.
        var full = await (await _client.GetAsync($"/api/residents/{residentId}/identifiers")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(id, full["idNumber"]!.GetValue<string>());
        Assert.Equal("13912345678", full["phone"]!.GetValue<string>());
        var logged = await host.Factory.WithDatabaseAsync(db => db.AuditLog.Where(a => a.EntityId == residentId).Select(a => a.Action).ToListAsync());
        Assert.Contains("create", logged);
        Assert.Contains("read", logged);
        Assert.Contains("view-sensitive", logged);
    }

    [Fact]
    public async Task Identifiers_are_encrypted_at_rest_and_found_by_exact_match()
    {
        var id = NewId(new DateOnly(1980, 1, 1), male: true);
        var created = await CreateAsync(_client, new { name = "赵加密", idNumber = id.ToLowerInvariant(), phone = "13800001111", orgId = _world.TeamA1.Id });
        var residentId = Guid.Parse(created["id"]!.GetValue<string>());

        var stored = await host.Factory.WithDatabaseAsync(db => db.Residents.SingleAsync(r => r.Id == residentId));
        Assert.DoesNotContain(id, System.Text.Encoding.UTF8.GetString(stored.IdNumberCipher), StringComparison.Ordinal);
        Assert.DoesNotContain(id, stored.IdNumberHash, StringComparison.Ordinal);
        Assert.Equal(64, stored.IdNumberHash.Length);

        var byId = await (await _client.GetAsync($"/api/residents?q={id}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(residentId.ToString(), Assert.Single(byId["items"]!.AsArray())!["id"]!.GetValue<string>());
        var byPhone = await (await _client.GetAsync("/api/residents?q=13800001111")).ReadAsync(HttpStatusCode.OK);
        Assert.Contains(byPhone["items"]!.AsArray(), r => r!["id"]!.GetValue<string>() == residentId.ToString());
        var byName = await (await _client.GetAsync($"/api/residents?q={Uri.EscapeDataString("赵加")}")).ReadAsync(HttpStatusCode.OK);
        Assert.Contains(byName["items"]!.AsArray(), r => r!["id"]!.GetValue<string>() == residentId.ToString());
        // A partial ID number finds nothing: identifiers are never searched in clear text.
        var partial = await (await _client.GetAsync($"/api/residents?q={id[..10]}")).ReadAsync(HttpStatusCode.OK);
        Assert.Empty(partial["items"]!.AsArray());
    }

    [Theory]
    [MemberData(nameof(ResidentCases.BadIdNumbers), MemberType = typeof(ResidentCases))]
    public async Task An_invalid_id_number_is_a_400_at_idNumber_saying_why_and_nothing_is_saved(string idNumber, string code, string reason)
    {
        var before = await host.Factory.WithDatabaseAsync(db => db.Residents.CountAsync());
        var problem = await (await _client.PostAsync("/api/residents", Http.Json(new { name = "错号", idNumber, orgId = _world.TeamA1.Id }))).ProblemAsync(HttpStatusCode.BadRequest);
        var error = Assert.Single(problem.Errors(), e => e.Path == "/idNumber");
        Assert.Equal(code, error.Code);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await host.Factory.WithDatabaseAsync(db => db.Residents.CountAsync()));
    }

    [Fact]
    public async Task Sex_and_birth_date_that_contradict_the_id_number_are_named()
    {
        var id = NewId(new DateOnly(1990, 6, 15), male: true);
        var problem = await (await _client.PostAsync("/api/residents", Http.Json(new { name = "矛盾", idNumber = id, sex = "女", birthDate = "1990-06-16", orgId = _world.TeamA1.Id })))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.Errors(), e => e.Path == "/sex" && e.Message.Contains('男', StringComparison.Ordinal));
        Assert.Contains(problem.Errors(), e => e.Path == "/birthDate" && e.Message.Contains("1990-06-15", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_duplicate_id_number_is_a_409()
    {
        var id = NewId(new DateOnly(1975, 3, 3), male: true);
        await CreateAsync(_client, new { name = "张一", idNumber = id, orgId = _world.TeamA1.Id });
        var problem = await (await _client.PostAsync("/api/residents", Http.Json(new { name = "张二", idNumber = id, orgId = _world.TeamA2.Id }))).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("duplicate-id-number", problem["code"]!.GetValue<string>());
        Assert.Contains(problem.Errors(), e => e.Path == "/idNumber");
    }

    [Fact]
    public async Task Bad_fields_are_named_together()
    {
        var problem = await (await _client.PostAsync("/api/residents", Http.Json(new
        {
            name = new string('长', 51),
            idNumber = NewId(new DateOnly(2000, 1, 1), male: true),
            phone = "12345",
            orgId = _world.Qindu.Id,
            tags = new[] { "elderly", "unicorn" },
            colour = "red",
        }))).ProblemAsync(HttpStatusCode.BadRequest);
        var paths = problem.Errors().Select(e => e.Path).ToHashSet();
        Assert.Contains("/colour", paths);

        problem = await (await _client.PostAsync("/api/residents", Http.Json(new
        {
            name = new string('长', 51),
            idNumber = NewId(new DateOnly(2000, 1, 1), male: true),
            phone = "12345",
            orgId = _world.Qindu.Id,
            tags = new[] { "elderly", "unicorn" },
        }))).ProblemAsync(HttpStatusCode.BadRequest);
        paths = problem.Errors().Select(e => e.Path).ToHashSet();
        Assert.Superset(new HashSet<string> { "/name", "/phone", "/orgId", "/tags/0", "/tags/1" }, paths);

        var typed = await (await _client.PostAsync("/api/residents", Http.Json("""{"name": 5, "idNumber": ["x"], "birthDate": "1990-02-30"}"""))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Superset(new HashSet<string> { "/name", "/idNumber", "/birthDate" }, typed.Errors().Select(e => e.Path).ToHashSet());
    }

    [Theory]
    [InlineData("/api/residents?q=%00")]
    [InlineData("/api/residents?q=%E7%8E%8B%1F")]
    [InlineData("/api/records?formId=phq9%00")]
    [InlineData("/api/organizations?q=%00")]
    [InlineData("/api/audit?user=%00")]
    public async Task Control_characters_in_a_query_are_a_400_naming_the_parameter(string url)
    {
        var problem = await (await _client.GetAsync(url)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.Errors(), e => e.Message.Contains("控制字符", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Update_and_delete()
    {
        var id = NewId(new DateOnly(1960, 8, 8), male: true);
        var created = await CreateAsync(_client, new { name = "孙改前", idNumber = id, orgId = _world.TeamA1.Id });
        var residentId = created["id"]!.GetValue<string>();
        var updated = await (await _client.PutAsync($"/api/residents/{residentId}", Http.Json(new { name = "孙改后", idNumber = id, phone = "029-33211234", orgId = _world.TeamA2.Id }))).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("孙改后", updated["name"]!.GetValue<string>());
        Assert.Equal(_world.TeamA2.Id.ToString(), updated["orgId"]!.GetValue<string>());

        var entries = await (await _client.GetAsync($"/api/residents/{residentId}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("甲二团队", entries["orgName"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/api/residents/{residentId}")).StatusCode);
        await (await _client.GetAsync($"/api/residents/{residentId}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _client.GetAsync("/api/residents/not-a-guid")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_team_doctor_sees_and_changes_only_their_teams_residents()
    {
        var mine = await CreateAsync(_client, new { name = "本队居民", idNumber = NewId(new DateOnly(1970, 1, 1), male: true), orgId = _world.TeamA1.Id });
        var otherTeam = await CreateAsync(_client, new { name = "邻队居民", idNumber = NewId(new DateOnly(1970, 1, 2), male: true), orgId = _world.TeamA2.Id });
        var otherCounty = await CreateAsync(_client, new { name = "外县居民", idNumber = NewId(new DateOnly(1970, 1, 3), male: true, region: "610481"), orgId = _world.TeamB1.Id });

        await host.Factory.CreateUserAsync("doctor-a1", _world.CentreA, _world.TeamA1,
            [ResidentPermissions.Read, ResidentPermissions.Write, ResidentPermissions.Delete, ResidentPermissions.ViewSensitive]);
        using var doctor = await host.Factory.ClientForAsync("doctor-a1");

        var list = await (await doctor.GetAsync("/api/residents?pageSize=100")).ReadAsync(HttpStatusCode.OK);
        var ids = list["items"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).ToList();
        Assert.Contains(mine["id"]!.GetValue<string>(), ids);
        Assert.DoesNotContain(otherTeam["id"]!.GetValue<string>(), ids);
        Assert.DoesNotContain(otherCounty["id"]!.GetValue<string>(), ids);
        // Every row of every page lies in the team.
        var total = list["total"]!.GetValue<int>();
        var inTeam = await host.Factory.WithDatabaseAsync(db => db.Residents.CountAsync(r => r.OrgPath.StartsWith(_world.TeamA1.Path)));
        Assert.Equal(inTeam, total);

        foreach (var foreign in new[] { otherTeam, otherCounty })
        {
            var foreignId = foreign["id"]!.GetValue<string>();
            await (await doctor.GetAsync($"/api/residents/{foreignId}")).ProblemAsync(HttpStatusCode.NotFound);
            await (await doctor.GetAsync($"/api/residents/{foreignId}/identifiers")).ProblemAsync(HttpStatusCode.NotFound);
            await (await doctor.PutAsync($"/api/residents/{foreignId}", Http.Json(new { name = "改名", idNumber = NewId(new DateOnly(1971, 1, 1), male: true) }))).ProblemAsync(HttpStatusCode.NotFound);
            await (await doctor.DeleteAsync($"/api/residents/{foreignId}")).ProblemAsync(HttpStatusCode.NotFound);
        }

        // Searching by an out-of-scope ID number finds nothing, and residents cannot be placed outside the team.
        var search = await (await doctor.GetAsync($"/api/residents?q={foreignName(otherCounty)}")).ReadAsync(HttpStatusCode.OK);
        Assert.Empty(search["items"]!.AsArray());
        var placed = await (await doctor.PostAsync("/api/residents", Http.Json(new { name = "越界", idNumber = NewId(new DateOnly(1972, 1, 1), male: true), orgId = _world.TeamA2.Id }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(placed.Errors(), e => e.Path == "/orgId");

        // Without an orgId a doctor's new resident belongs to their team.
        var defaulted = await CreateAsync(doctor, new { name = "默认团队", idNumber = NewId(new DateOnly(1973, 1, 1), male: false) });
        Assert.Equal(_world.TeamA1.Id.ToString(), defaulted["orgId"]!.GetValue<string>());

        static string foreignName(JsonNode resident) => Uri.EscapeDataString(resident["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_head_starts_a_household_members_join_it_and_it_has_one_head()
    {
        var head = await CreateAsync(_client, new { name = "户主甲", idNumber = NewId(new DateOnly(1955, 4, 4), male: true), orgId = _world.TeamA1.Id, relationToHead = "户主", addressDetail = "3组8号" });
        var householdId = head["householdId"]!.GetValue<string>();
        var spouse = await CreateAsync(_client, new { name = "配偶乙", idNumber = NewId(new DateOnly(1957, 5, 5), male: false), orgId = _world.TeamA1.Id, householdId, relationToHead = "配偶" });
        Assert.Equal(householdId, spouse["householdId"]!.GetValue<string>());

        var household = await (await _client.GetAsync($"/api/households/{householdId}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("户主甲", household["headName"]!.GetValue<string>());
        Assert.Equal(["户主甲", "配偶乙"], household["members"]!.AsArray().Select(m => m!["name"]!.GetValue<string>()));
        Assert.All(household["members"]!.AsArray(), m => Assert.Contains("********", m!["idNumber"]!.GetValue<string>(), StringComparison.Ordinal));

        var second = await (await _client.PostAsync("/api/residents", Http.Json(new { name = "户主丙", idNumber = NewId(new DateOnly(1958, 6, 6), male: true), orgId = _world.TeamA1.Id, householdId, relationToHead = "户主" })))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(second.Errors(), e => e.Path == "/relationToHead" && e.Code == "conflict");
        var noRelation = await (await _client.PostAsync("/api/residents", Http.Json(new { name = "成员丁", idNumber = NewId(new DateOnly(1990, 7, 7), male: true), orgId = _world.TeamA1.Id, householdId })))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(noRelation.Errors(), e => e.Path == "/relationToHead");

        await host.Factory.CreateUserAsync("doctor-b1", _world.CentreB, _world.TeamB1, [ResidentPermissions.Read]);
        using var other = await host.Factory.ClientForAsync("doctor-b1");
        await (await other.GetAsync($"/api/households/{householdId}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _client.GetAsync($"/api/households/{Guid.NewGuid()}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Without_token_401_and_without_permission_403()
    {
        using var anonymous = host.Factory.CreateClient();
        await (await anonymous.GetAsync("/api/residents")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.PostAsync("/api/residents", Http.Json(new { name = "x" }))).ProblemAsync(HttpStatusCode.Unauthorized);
        using var forged = host.Factory.CreateClient();
        forged.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "forged-token");
        await (await forged.GetAsync("/api/residents")).ProblemAsync(HttpStatusCode.Unauthorized);

        await host.Factory.CreateUserAsync("reader-only", _world.CentreA, null, [ResidentPermissions.Read]);
        using var reader = await host.Factory.ClientForAsync("reader-only");
        await (await reader.GetAsync("/api/residents")).ReadAsync(HttpStatusCode.OK);
        var denied = await (await reader.PostAsync("/api/residents", Http.Json(new { name = "x" }))).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("新增和修改居民", denied["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var created = await CreateAsync(_client, new { name = "敏感", idNumber = NewId(new DateOnly(1966, 6, 6), male: true), orgId = _world.TeamA1.Id });
        await (await reader.GetAsync($"/api/residents/{created["id"]!.GetValue<string>()}/identifiers")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await reader.DeleteAsync($"/api/residents/{created["id"]!.GetValue<string>()}")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Records_follow_the_residents_scope()
    {
        var resident = await host.Factory.AddResidentAsync(_world.TeamB1, "乙队老人", "男", new DateOnly(1950, 5, 5));
        var data = new Dictionary<string, object> { ["assess_date"] = "2026-01-05", ["eating"] = 1, ["grooming"] = 1, ["dressing"] = 1, ["toileting"] = 1, ["activity"] = 1 };
        var record = await (await _client.PostAsync("/api/records", Http.Json(new { formId = "elderly-self-care", subjectId = resident.Id, data }))).ReadAsync(HttpStatusCode.Created);
        var recordId = record["id"]!.GetValue<string>();

        await host.Factory.CreateUserAsync("records-a", _world.CentreA, null, [FormPermissions.Read, FormPermissions.RecordsRead, FormPermissions.RecordsWrite]);
        using var other = await host.Factory.ClientForAsync("records-a");
        await (await other.GetAsync($"/api/records/{recordId}")).ProblemAsync(HttpStatusCode.NotFound);
        var list = await (await other.GetAsync($"/api/records?subjectId={resident.Id}")).ReadAsync(HttpStatusCode.OK);
        Assert.Empty(list["items"]!.AsArray());
        var all = await (await other.GetAsync("/api/records?pageSize=100")).ReadAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(all["items"]!.AsArray(), r => r!["id"]!.GetValue<string>() == recordId);
        var write = await (await other.PostAsync("/api/records", Http.Json(new { formId = "elderly-self-care", subjectId = resident.Id, data }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(write.Errors(), e => e.Path == "/subjectId");
        var evaluate = await (await other.PostAsync("/api/forms/elderly-self-care/evaluate", Http.Json(new { subjectId = resident.Id, data }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(evaluate.Errors(), e => e.Path == "/subjectId");

        // The tester (whole city) reads it, and the read is logged with who read it.
        var read = await (await _client.GetAsync($"/api/records/{recordId}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("tester", read["authorName"]!.GetValue<string>());
        var readers = await host.Factory.WithDatabaseAsync(db => db.AuditLog.Where(a => a.EntityId == recordId && a.Action == "read").Select(a => a.UserName).ToListAsync());
        Assert.Contains("tester", readers);
    }
}

public static class ResidentCases
{
    public static TheoryData<string, string, string> BadIdNumbers => new()
    {
        // 11010519491231002X is valid; change the check character.
        { "110105194912310021", "checksum", "校验位" },
        { "61040219990230123X", "date", "出生日期" },
        { "61040219800101123", "length", "应为18位" },
        { "6104021980010112345", "length", "应为18位" },
        { "", "required", "身份证号" },
        { "99040219800101123X", "region", "行政区划" },
    };
}

public sealed class SqliteResidentApiTests(SqliteHost host) : ResidentApiTests<SqliteHost>(host);

public sealed class PostgreSqlResidentApiTests(PostgreSqlHost host) : ResidentApiTests<PostgreSqlHost>(host);
