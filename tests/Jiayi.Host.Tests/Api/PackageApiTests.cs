using System.Net;
using System.Text.Json.Nodes;
using Jiayi.Data.Contracts;
using Jiayi.Data.Organizations;
using Jiayi.Host.Access;
using Jiayi.Host.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Tests.Api;

/// <summary>Service packages through the API: the field rules, publishing, who sees and who manages which package, live signed counts.</summary>
public abstract class PackageApiTests<THost>(THost host) : IClassFixture<THost>
    where THost : HostFixture
{
    private readonly HttpClient _client = host.Client;
    private readonly TestWorld _world = host.World;

    private static int _sequence = Random.Shared.Next(1000);

    private static string NewName(string prefix = "包") => $"{prefix}{Interlocked.Increment(ref _sequence)}";

    /// <summary>A valid body: issued by CentreA (the tester sits on the city division, which cannot issue), valid 2026 to 2099, three items.</summary>
    private JsonObject Body(string? name = null) => new()
    {
        ["name"] = name ?? NewName(),
        ["kind"] = "基础包",
        ["description"] = "老年人和慢病患者的基础服务",
        ["targetPopulations"] = new JsonArray("老年人", "高血压患者"),
        ["price"] = 120.5m,
        ["subsidy"] = 100m,
        ["validFrom"] = "2026-01-01",
        ["validTo"] = "2099-12-31",
        ["issuerOrgId"] = _world.CentreA.Id.ToString(),
        ["items"] = new JsonArray(
            new JsonObject { ["name"] = "高血压随访", ["formId"] = "hypertension-followup", ["timesPerYear"] = 4, ["price"] = 40m, ["subsidy"] = 40m },
            new JsonObject { ["name"] = "上门服务", ["serviceType"] = "上门服务", ["timesPerYear"] = 2, ["price"] = 50.5m },
            new JsonObject { ["name"] = "健康咨询", ["timesPerYear"] = 12 }),
    };

    private static async Task<JsonNode> CreateAsync(HttpClient client, JsonObject body, HttpStatusCode expected = HttpStatusCode.Created) =>
        await (await client.PostAsync("/api/packages", Http.Json(body.ToJsonString()))).ReadAsync(expected);

    private static string Id(JsonNode node) => node["id"]!.GetValue<string>();

    private Task<int> PackageCountAsync() => host.Factory.WithDatabaseAsync(db => db.ServicePackages.CountAsync());

    private static async Task<List<string>> NamesAsync(HttpClient client, string query)
    {
        var page = await (await client.GetAsync($"/api/packages?{query}")).ReadAsync(HttpStatusCode.OK);
        return [.. page["items"]!.AsArray().Select(i => i!["name"]!.GetValue<string>())];
    }

    private static string Q(string prefix) => "q=" + Uri.EscapeDataString(prefix);

    private async Task<JsonNode> HealthDepartmentAsync(Organization parent) =>
        await (await _client.PostAsync("/api/organizations", Http.Json(new { kind = "health-department", code = NewName("WJ"), name = "测试卫生健康委员会", parentId = parent.Id }))).ReadAsync(HttpStatusCode.Created);

    [Fact]
    public async Task A_package_is_created_read_changed_and_deleted()
    {
        var name = NewName("家庭医生基础包");
        var body = Body("  " + name + " ");
        body["agreementTemplate"] = "甲方：{{ resident.name }}，服务包：{{ package.name }}";
        var response = await _client.PostAsync("/api/packages", Http.Json(body.ToJsonString()));
        var created = await response.ReadAsync(HttpStatusCode.Created);
        var id = Id(created);
        Assert.Equal($"/api/packages/{id}", response.Headers.Location?.OriginalString);

        Assert.Equal(name, created["name"]!.GetValue<string>());
        Assert.Equal("基础包", created["kind"]!.GetValue<string>());
        Assert.Equal("老年人和慢病患者的基础服务", created["description"]!.GetValue<string>());
        Assert.Equal(["老年人", "高血压患者"], created["targetPopulations"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(120.5m, created["price"]!.GetValue<decimal>());
        Assert.Equal(100m, created["subsidy"]!.GetValue<decimal>());
        Assert.Equal("2026-01-01", created["validFrom"]!.GetValue<string>());
        Assert.Equal("2099-12-31", created["validTo"]!.GetValue<string>());
        Assert.Equal("2026-01-01 至 2099-12-31", created["validity"]!.GetValue<string>());
        Assert.False(created["expired"]!.GetValue<bool>());
        Assert.False(created["published"]!.GetValue<bool>());
        Assert.Null(created["publishedAt"]);
        Assert.Equal(_world.CentreA.Id.ToString(), created["issuer"]!["id"]!.GetValue<string>());
        Assert.Equal("测试甲卫生院", created["issuer"]!["name"]!.GetValue<string>());
        Assert.Equal(3, created["itemCount"]!.GetValue<int>());
        Assert.Equal(0, created["signedCount"]!.GetValue<int>());
        Assert.Equal("甲方：{{ resident.name }}，服务包：{{ package.name }}", created["agreementTemplate"]!.GetValue<string>());

        var items = created["items"]!.AsArray();
        Assert.Equal([1, 2, 3], items.Select(i => i!["order"]!.GetValue<int>()));
        Assert.Equal(["高血压随访", "上门服务", "健康咨询"], items.Select(i => i!["name"]!.GetValue<string>()));
        Assert.Equal("hypertension-followup", items[0]!["formId"]!.GetValue<string>());
        Assert.Null(items[0]!["serviceType"]);
        Assert.Equal(4, items[0]!["timesPerYear"]!.GetValue<int>());
        Assert.Equal((40m, 40m), (items[0]!["price"]!.GetValue<decimal>(), items[0]!["subsidy"]!.GetValue<decimal>()));
        Assert.Equal("上门服务", items[1]!["serviceType"]!.GetValue<string>());
        Assert.Equal((50.5m, 0m), (items[1]!["price"]!.GetValue<decimal>(), items[1]!["subsidy"]!.GetValue<decimal>()));
        Assert.Equal((12, 0m), (items[2]!["timesPerYear"]!.GetValue<int>(), items[2]!["price"]!.GetValue<decimal>()));

        var read = await (await _client.GetAsync($"/api/packages/{id}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal((name, 120.5m, 100m, "2026-01-01 至 2099-12-31"), (read["name"]!.GetValue<string>(), read["price"]!.GetValue<decimal>(), read["subsidy"]!.GetValue<decimal>(), read["validity"]!.GetValue<string>()));
        Assert.Equal(items.Select(i => (Id(i!), i!["name"]!.GetValue<string>(), i["price"]!.GetValue<decimal>())), read["items"]!.AsArray().Select(i => (Id(i!), i!["name"]!.GetValue<string>(), i["price"]!.GetValue<decimal>())));
        Assert.Equal(created["agreementTemplate"]!.GetValue<string>(), read["agreementTemplate"]!.GetValue<string>());

        var listed = Assert.Single((await (await _client.GetAsync($"/api/packages?{Q(name)}")).ReadAsync(HttpStatusCode.OK))["items"]!.AsArray())!;
        Assert.Equal((id, 3, 0), (Id(listed), listed["itemCount"]!.GetValue<int>(), listed["signedCount"]!.GetValue<int>()));
        Assert.Equal("测试甲卫生院", listed["issuer"]!["name"]!.GetValue<string>());
        Assert.Null(listed["items"]);

        // A change replaces every field and the items; no issuer keeps the issuer.
        var change = Body(name + "（修订）");
        change.Remove("issuerOrgId");
        change["kind"] = "个性化包";
        change["price"] = 300m;
        change["subsidy"] = 0m;
        change["targetPopulations"] = new JsonArray("一般人群");
        change["validTo"] = "2026-12-31";
        change["items"] = new JsonArray(new JsonObject { ["name"] = "中医体质辨识", ["formId"] = "elderly-tcm-constitution", ["timesPerYear"] = 1, ["price"] = 300m });
        var changed = await (await _client.PutAsync($"/api/packages/{id}", Http.Json(change.ToJsonString()))).ReadAsync(HttpStatusCode.OK);
        Assert.Equal((name + "（修订）", "个性化包", 300m, 0m), (changed["name"]!.GetValue<string>(), changed["kind"]!.GetValue<string>(), changed["price"]!.GetValue<decimal>(), changed["subsidy"]!.GetValue<decimal>()));
        Assert.Equal("2026-01-01 至 2026-12-31", changed["validity"]!.GetValue<string>());
        Assert.Equal(["一般人群"], changed["targetPopulations"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal("测试甲卫生院", changed["issuer"]!["name"]!.GetValue<string>());
        Assert.Null(changed["agreementTemplate"]);
        var item = Assert.Single(changed["items"]!.AsArray())!;
        Assert.Equal(("中医体质辨识", 1, 1), (item["name"]!.GetValue<string>(), item["order"]!.GetValue<int>(), changed["itemCount"]!.GetValue<int>()));
        Assert.DoesNotContain(Id(item), items.Select(i => Id(i!)));
        var packageId = Guid.Parse(id);
        Assert.Equal(1, await host.Factory.WithDatabaseAsync(db => db.PackageItems.CountAsync(i => i.PackageId == packageId)));

        (await _client.DeleteAsync($"/api/packages/{id}")).EnsureSuccessStatusCode();
        await (await _client.GetAsync($"/api/packages/{id}")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, await host.Factory.WithDatabaseAsync(db => db.PackageItems.CountAsync(i => i.PackageId == packageId)));
    }

    [Theory]
    [InlineData("name", "\"  \"", "/name", "required")]
    [InlineData("name", null, "/name", "required")]
    [InlineData("kind", "\"套餐\"", "/kind", "enum")]
    [InlineData("kind", null, "/kind", "required")]
    [InlineData("price", null, "/price", "required")]
    [InlineData("price", "-0.01", "/price", "minimum")]
    [InlineData("price", "100000.01", "/price", "maximum")]
    [InlineData("price", "120.555", "/price", "decimals")]
    [InlineData("price", "\"120\"", "/price", "type")]
    [InlineData("subsidy", "120.51", "/subsidy", "maximum")]
    [InlineData("subsidy", "0.001", "/subsidy", "decimals")]
    [InlineData("validFrom", "\"2026-02-30\"", "/validFrom", "format")]
    [InlineData("validFrom", null, "/validFrom", "required")]
    [InlineData("validTo", "\"2025-12-31\"", "/validTo", "minimum")]
    [InlineData("targetPopulations", "[\"外来人口\"]", "/targetPopulations/0", "enum")]
    [InlineData("targetPopulations", "[\"老年人\", \"老年人\"]", "/targetPopulations/1", "uniqueItems")]
    [InlineData("targetPopulations", "[\"老年人\", 3]", "/targetPopulations/1", "type")]
    [InlineData("issuerOrgId", "\"not-a-guid\"", "/issuerOrgId", "format")]
    [InlineData("agreementTemplate", "\"{{ resident.nickname }}\"", "/agreementTemplate", "template")]
    [InlineData("agreementTemplate", "\"{{ if }}\"", "/agreementTemplate", "template")]
    [InlineData("items", "[]", "/items", "minItems")]
    [InlineData("items", null, "/items", "required")]
    [InlineData("items", "{}", "/items", "type")]
    [InlineData("items/0", "\"高血压随访\"", "/items/0", "type")]
    [InlineData("items/2/timesPerYear", "366", "/items/2/timesPerYear", "maximum")]
    [InlineData("items/2/timesPerYear", "-1", "/items/2/timesPerYear", "minimum")]
    [InlineData("items/2/timesPerYear", null, "/items/2/timesPerYear", "required")]
    [InlineData("items/2/timesPerYear", "1.5", "/items/2/timesPerYear", "type")]
    [InlineData("items/1/name", "\"高血压随访\"", "/items/1/name", "uniqueItems")]
    [InlineData("items/1/name", "\"\"", "/items/1/name", "required")]
    [InlineData("items/0/formId", "\"no-such-form\"", "/items/0/formId", "not-found")]
    [InlineData("items/0/subsidy", "40.01", "/items/0/subsidy", "maximum")]
    [InlineData("items/2/subsidy", "1", "/items/2/subsidy", "maximum")]
    [InlineData("items/1/price", "0.005", "/items/1/price", "decimals")]
    [InlineData("items/1/price", "100001", "/items/1/price", "maximum")]
    [InlineData("items/1/colour", "\"red\"", "/items/1/colour", "unknownField")]
    [InlineData("colour", "\"red\"", "/colour", "unknownField")]
    public async Task Bad_input_is_named_by_path_and_nothing_is_saved(string field, string? json, string path, string code)
    {
        var body = Body();
        Set(body, field, json is null ? null : JsonNode.Parse(json));
        var before = await PackageCountAsync();

        var problem = await (await _client.PostAsync("/api/packages", Http.Json(body.ToJsonString()))).ProblemAsync(HttpStatusCode.BadRequest);

        var error = Assert.Single(problem.Errors());
        Assert.Equal((path, code), (error.Path, error.Code));
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", error.Message);
        Assert.Equal(before, await PackageCountAsync());
    }

    /// <summary>Sets (or with null removes) the value at a JSON pointer like <c>items/2/timesPerYear</c>.</summary>
    private static void Set(JsonObject body, string field, JsonNode? value)
    {
        var parts = field.Split('/');
        JsonNode parent = body;
        foreach (var part in parts[..^1])
        {
            parent = int.TryParse(part, out var index) ? parent[index]! : parent[part]!;
        }

        var last = parts[^1];
        if (int.TryParse(last, out var at))
        {
            parent.AsArray()[at] = value;
        }
        else if (value is null)
        {
            parent.AsObject().Remove(last);
        }
        else
        {
            parent[last] = value;
        }
    }

    [Fact]
    public async Task Lengths_are_limited_and_every_problem_is_reported_at_once()
    {
        var body = Body(new string('名', 101));
        body["description"] = new string('述', 1001);
        body["agreementTemplate"] = new string('协', 20001);
        body["items"]![0]!["name"] = new string('项', 101);
        body["items"]![1]!["serviceType"] = new string('类', 65);
        var before = await PackageCountAsync();

        var problem = await (await _client.PostAsync("/api/packages", Http.Json(body.ToJsonString()))).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(
            [("/agreementTemplate", "maxLength"), ("/description", "maxLength"), ("/items/0/name", "maxLength"), ("/items/1/serviceType", "maxLength"), ("/name", "maxLength")],
            problem.Errors().Select(e => (e.Path, e.Code)).OrderBy(e => e.Path, StringComparer.Ordinal));
        Assert.Equal(before, await PackageCountAsync());
    }

    [Fact]
    public async Task A_package_has_at_most_fifty_items()
    {
        var body = Body();
        body["items"] = new JsonArray([.. Enumerable.Range(1, 51).Select(i => (JsonNode)new JsonObject { ["name"] = $"服务{i}", ["timesPerYear"] = 1 })]);
        var problem = await (await _client.PostAsync("/api/packages", Http.Json(body.ToJsonString()))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(("/items", "maxItems"), problem.Errors().Select(e => (e.Path, e.Code)).Single());

        body["items"]!.AsArray().RemoveAt(50);
        var created = await CreateAsync(_client, body);
        Assert.Equal(50, created["itemCount"]!.GetValue<int>());
        Assert.Equal("服务50", created["items"]![49]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_issuer_defaults_to_the_callers_institution_and_must_issue_within_the_scope()
    {
        await host.Factory.CreateUserAsync("pkg-centre-a", _world.CentreA, null, [ContractPermissions.PackagesRead, ContractPermissions.PackagesWrite]);
        using var centreA = await host.Factory.ClientForAsync("pkg-centre-a");
        var body = Body();
        body.Remove("issuerOrgId");
        var created = await CreateAsync(centreA, body);
        Assert.Equal(_world.CentreA.Id.ToString(), created["issuer"]!["id"]!.GetValue<string>());

        // The tester sits on the city division: a division does not issue packages.
        var division = await (await _client.PostAsync("/api/packages", Http.Json(body.ToJsonString()))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(("/issuerOrgId", "issuer-kind"), division.Errors().Select(e => (e.Path, e.Code)).Single());
        Assert.Contains("咸阳市", division.Errors().Single().Message, StringComparison.Ordinal);

        body["issuerOrgId"] = _world.TeamA1.Id.ToString();
        var team = await (await _client.PostAsync("/api/packages", Http.Json(body.ToJsonString()))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(("/issuerOrgId", "issuer-kind"), team.Errors().Select(e => (e.Path, e.Code)).Single());

        // Another institution's id reads exactly like an unknown one.
        body["issuerOrgId"] = _world.CentreB.Id.ToString();
        var other = (await (await centreA.PostAsync("/api/packages", Http.Json(body.ToJsonString()))).ProblemAsync(HttpStatusCode.BadRequest)).Errors().Single();
        body["issuerOrgId"] = Guid.NewGuid().ToString();
        var unknown = (await (await centreA.PostAsync("/api/packages", Http.Json(body.ToJsonString()))).ProblemAsync(HttpStatusCode.BadRequest)).Errors().Single();
        Assert.Equal(("/issuerOrgId", "not-found"), (other.Path, other.Code));
        Assert.Equal(unknown, other);
    }

    [Fact]
    public async Task A_published_package_is_neither_changed_nor_deleted_until_unpublished()
    {
        var created = await CreateAsync(_client, Body());
        var id = Id(created);

        var published = await (await _client.PostAsync($"/api/packages/{id}/publish", null)).ReadAsync(HttpStatusCode.OK);
        Assert.True(published["published"]!.GetValue<bool>());
        var publishedAt = (await (await _client.GetAsync($"/api/packages/{id}")).ReadAsync(HttpStatusCode.OK))["publishedAt"]!.GetValue<DateTime>();
        Assert.InRange(publishedAt, DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(1));
        var again = await (await _client.PostAsync($"/api/packages/{id}/publish", null)).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(publishedAt, again["publishedAt"]!.GetValue<DateTime>());

        var change = Body("不应保存的名称");
        var edit = await (await _client.PutAsync($"/api/packages/{id}", Http.Json(change.ToJsonString()))).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("package-published", edit["code"]!.GetValue<string>());
        Assert.Contains("停用后才能修改", edit["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var delete = await (await _client.DeleteAsync($"/api/packages/{id}")).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("package-published", delete["code"]!.GetValue<string>());
        var unchanged = await (await _client.GetAsync($"/api/packages/{id}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(created["name"]!.GetValue<string>(), unchanged["name"]!.GetValue<string>());

        var unpublished = await (await _client.PostAsync($"/api/packages/{id}/unpublish", null)).ReadAsync(HttpStatusCode.OK);
        Assert.False(unpublished["published"]!.GetValue<bool>());
        Assert.Null(unpublished["publishedAt"]);
        await (await _client.PostAsync($"/api/packages/{id}/unpublish", null)).ReadAsync(HttpStatusCode.OK);
        var changed = await (await _client.PutAsync($"/api/packages/{id}", Http.Json(change.ToJsonString()))).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("不应保存的名称", changed["name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/api/packages/{id}")).StatusCode);
    }

    [Fact]
    public async Task An_expired_package_cannot_be_published()
    {
        var body = Body();
        body["validFrom"] = "2020-01-01";
        body["validTo"] = "2020-12-31";
        var created = await CreateAsync(_client, body);
        Assert.True(created["expired"]!.GetValue<bool>());

        var problem = await (await _client.PostAsync($"/api/packages/{Id(created)}/publish", null)).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("package-expired", problem["code"]!.GetValue<string>());
        Assert.Contains("2020-12-31", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var read = await (await _client.GetAsync($"/api/packages/{Id(created)}")).ReadAsync(HttpStatusCode.OK);
        Assert.False(read["published"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Publishing_makes_a_package_signable_and_unpublishing_withdraws_it()
    {
        var prefix = NewName("可签");
        var current = await CreateAsync(_client, Body(prefix + "A"));
        var future = Body(prefix + "B");
        future["validFrom"] = "2098-01-01";
        var later = await CreateAsync(_client, future);
        await CreateAsync(_client, Body(prefix + "C"));

        Assert.Empty(await NamesAsync(_client, $"published=true&{Q(prefix)}"));
        Assert.Equal([prefix + "A", prefix + "B", prefix + "C"], await NamesAsync(_client, $"published=false&{Q(prefix)}"));

        await (await _client.PostAsync($"/api/packages/{Id(current)}/publish", null)).ReadAsync(HttpStatusCode.OK);
        await (await _client.PostAsync($"/api/packages/{Id(later)}/publish", null)).ReadAsync(HttpStatusCode.OK);

        // Only the one within its validity today can be signed; published ones come first in the full list.
        Assert.Equal([prefix + "A"], await NamesAsync(_client, $"published=true&{Q(prefix)}"));
        Assert.Equal([prefix + "C"], await NamesAsync(_client, $"published=false&{Q(prefix)}"));
        Assert.Equal([prefix + "A", prefix + "B", prefix + "C"], await NamesAsync(_client, Q(prefix)));

        await (await _client.PostAsync($"/api/packages/{Id(current)}/unpublish", null)).ReadAsync(HttpStatusCode.OK);
        Assert.Empty(await NamesAsync(_client, $"published=true&{Q(prefix)}"));
        Assert.Equal([prefix + "B", prefix + "A", prefix + "C"], await NamesAsync(_client, Q(prefix)));

        var personal = Body(prefix + "D");
        personal["kind"] = "个性化包";
        await CreateAsync(_client, personal);
        Assert.Equal([prefix + "D"], await NamesAsync(_client, $"kind={Uri.EscapeDataString("个性化包")}&{Q(prefix)}"));
        var paged = await (await _client.GetAsync($"/api/packages?{Q(prefix)}&page=2&pageSize=3")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(4, paged["total"]!.GetValue<int>());
        Assert.Equal(prefix + "D", Assert.Single(paged["items"]!.AsArray())!["name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("published=yes", "/published")]
    [InlineData("kind=%E5%A5%97%E9%A4%90", "/kind")]
    [InlineData("pageSize=101", "/pageSize")]
    [InlineData("state=open", "/state")]
    public async Task Bad_list_filters_are_400(string query, string path)
    {
        var problem = await (await _client.GetAsync($"/api/packages?{query}")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(path, problem.Errors().Single().Path);
    }

    [Fact]
    public async Task A_team_sees_its_institutions_and_the_citys_packages_but_not_another_institutions()
    {
        var prefix = NewName("范围");
        var cityDepartment = await HealthDepartmentAsync(_world.City);
        var city = Body(prefix + "A市级");
        city["issuerOrgId"] = Id(cityDepartment);
        var cityPackage = await CreateAsync(_client, city);
        var centreA = await CreateAsync(_client, Body(prefix + "B甲院"));
        var other = Body(prefix + "C乙院");
        other["issuerOrgId"] = _world.CentreB.Id.ToString();
        var centreB = await CreateAsync(_client, other);
        foreach (var package in new[] { cityPackage, centreA, centreB })
        {
            await (await _client.PostAsync($"/api/packages/{Id(package)}/publish", null)).ReadAsync(HttpStatusCode.OK);
        }

        // A draft stays with those who manage it.
        var draft = await CreateAsync(_client, Body(prefix + "D甲院草稿"));

        await host.Factory.CreateUserAsync("pkg-team-a1", _world.CentreA, _world.TeamA1, [ContractPermissions.PackagesRead]);
        using var team = await host.Factory.ClientForAsync("pkg-team-a1");
        Assert.Equal([prefix + "A市级", prefix + "B甲院"], await NamesAsync(team, Q(prefix)));
        Assert.Equal([prefix + "A市级", prefix + "B甲院"], await NamesAsync(team, $"published=true&{Q(prefix)}"));
        var read = await (await team.GetAsync($"/api/packages/{Id(cityPackage)}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(("测试卫生健康委员会", Id(cityDepartment)), (read["issuer"]!["name"]!.GetValue<string>(), read["issuer"]!["id"]!.GetValue<string>()));
        await (await team.GetAsync($"/api/packages/{Id(centreA)}")).ReadAsync(HttpStatusCode.OK);
        await (await team.GetAsync($"/api/packages/{Id(draft)}")).ProblemAsync(HttpStatusCode.NotFound);
        var hidden = await (await team.GetAsync($"/api/packages/{Id(centreB)}")).ProblemAsync(HttpStatusCode.NotFound);
        var unknown = await (await team.GetAsync($"/api/packages/{Guid.NewGuid()}")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(unknown["code"]!.GetValue<string>(), hidden["code"]!.GetValue<string>());

        // 兴平's team sees the city's package and its own institution's only.
        await host.Factory.CreateUserAsync("pkg-team-b1", _world.CentreB, _world.TeamB1, [ContractPermissions.PackagesRead]);
        using var teamB = await host.Factory.ClientForAsync("pkg-team-b1");
        Assert.Equal([prefix + "A市级", prefix + "C乙院"], await NamesAsync(teamB, Q(prefix)));

        // The institution's own accounts see its draft; the city's draft would not reach them either.
        await host.Factory.CreateUserAsync("pkg-centre-reader", _world.CentreA, null, [ContractPermissions.PackagesRead]);
        using var centre = await host.Factory.ClientForAsync("pkg-centre-reader");
        Assert.Equal([prefix + "A市级", prefix + "B甲院", prefix + "D甲院草稿"], await NamesAsync(centre, Q(prefix)));
        await (await _client.PostAsync($"/api/packages/{Id(cityPackage)}/unpublish", null)).ReadAsync(HttpStatusCode.OK);
        Assert.Equal([prefix + "B甲院", prefix + "D甲院草稿"], await NamesAsync(centre, Q(prefix)));
        Assert.Equal([prefix + "B甲院", prefix + "C乙院", prefix + "A市级", prefix + "D甲院草稿"], await NamesAsync(_client, Q(prefix)));
    }

    [Fact]
    public async Task Packages_are_managed_only_inside_the_scope()
    {
        var cityDepartment = await HealthDepartmentAsync(_world.City);
        var city = Body();
        city["issuerOrgId"] = Id(cityDepartment);
        var cityPackage = Id(await CreateAsync(_client, city));
        await (await _client.PostAsync($"/api/packages/{cityPackage}/publish", null)).ReadAsync(HttpStatusCode.OK);
        var other = Body();
        other["issuerOrgId"] = _world.CentreB.Id.ToString();
        var centreB = Id(await CreateAsync(_client, other));
        var centreA = Id(await CreateAsync(_client, Body()));

        await host.Factory.CreateUserAsync("pkg-manager-a", _world.CentreA, null, [ContractPermissions.PackagesRead, ContractPermissions.PackagesWrite, ContractPermissions.PackagesPublish]);
        using var manager = await host.Factory.ClientForAsync("pkg-manager-a");
        var change = Body("范围外修改");
        change.Remove("issuerOrgId");
        foreach (var id in new[] { centreB, cityPackage })
        {
            await (await manager.PutAsync($"/api/packages/{id}", Http.Json(change.ToJsonString()))).ProblemAsync(HttpStatusCode.NotFound);
            await (await manager.DeleteAsync($"/api/packages/{id}")).ProblemAsync(HttpStatusCode.NotFound);
            await (await manager.PostAsync($"/api/packages/{id}/publish", null)).ProblemAsync(HttpStatusCode.NotFound);
            await (await manager.PostAsync($"/api/packages/{id}/unpublish", null)).ProblemAsync(HttpStatusCode.NotFound);
        }

        // The city's package is visible below the city, though not managed there.
        await (await manager.GetAsync($"/api/packages/{cityPackage}")).ReadAsync(HttpStatusCode.OK);
        await (await manager.GetAsync($"/api/packages/{centreB}")).ProblemAsync(HttpStatusCode.NotFound);
        var mine = await (await manager.PutAsync($"/api/packages/{centreA}", Http.Json(change.ToJsonString()))).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("范围外修改", mine["name"]!.GetValue<string>());
        await (await manager.PostAsync($"/api/packages/{centreA}/publish", null)).ReadAsync(HttpStatusCode.OK);

        // Nothing changed out of scope.
        var names = await host.Factory.WithDatabaseAsync(db => db.ServicePackages.Where(p => p.Name == "范围外修改").Select(p => p.Id).ToListAsync());
        Assert.Equal([Guid.Parse(centreA)], names);
    }

    [Fact]
    public async Task Each_endpoint_needs_its_permission_and_a_token()
    {
        var id = Id(await CreateAsync(_client, Body()));
        var json = Body().ToJsonString();

        using var anonymous = host.Factory.CreateClient();
        await (await anonymous.GetAsync("/api/packages")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.GetAsync($"/api/packages/{id}")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.PostAsync("/api/packages", Http.Json(json))).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.PutAsync($"/api/packages/{id}", Http.Json(json))).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.DeleteAsync($"/api/packages/{id}")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.PostAsync($"/api/packages/{id}/publish", null)).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.PostAsync($"/api/packages/{id}/unpublish", null)).ProblemAsync(HttpStatusCode.Unauthorized);

        await host.Factory.CreateUserAsync("pkg-none", _world.CentreA, null, [ResidentPermissions.Read]);
        using var none = await host.Factory.ClientForAsync("pkg-none");
        var denied = await (await none.GetAsync("/api/packages")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("查看服务包", denied["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await (await none.GetAsync($"/api/packages/{id}")).ProblemAsync(HttpStatusCode.Forbidden);

        await host.Factory.CreateUserAsync("pkg-reader", _world.CentreA, null, [ContractPermissions.PackagesRead]);
        using var reader = await host.Factory.ClientForAsync("pkg-reader");
        await (await reader.GetAsync($"/api/packages/{id}")).ReadAsync(HttpStatusCode.OK);
        await (await reader.PostAsync("/api/packages", Http.Json(json))).ProblemAsync(HttpStatusCode.Forbidden);
        await (await reader.PutAsync($"/api/packages/{id}", Http.Json(json))).ProblemAsync(HttpStatusCode.Forbidden);
        await (await reader.DeleteAsync($"/api/packages/{id}")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await reader.PostAsync($"/api/packages/{id}/publish", null)).ProblemAsync(HttpStatusCode.Forbidden);
        await (await reader.PostAsync($"/api/packages/{id}/unpublish", null)).ProblemAsync(HttpStatusCode.Forbidden);

        await host.Factory.CreateUserAsync("pkg-writer", _world.CentreA, null, [ContractPermissions.PackagesRead, ContractPermissions.PackagesWrite]);
        using var writer = await host.Factory.ClientForAsync("pkg-writer");
        var publish = await (await writer.PostAsync($"/api/packages/{id}/publish", null)).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("发布和停用服务包", publish["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await (await writer.PostAsync($"/api/packages/{id}/unpublish", null)).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Signed_count_is_the_live_number_of_effective_contracts_in_scope()
    {
        var name = NewName("签约数");
        var package = await CreateAsync(_client, Body(name));
        var packageId = Guid.Parse(Id(package));
        await (await _client.PostAsync($"/api/packages/{packageId}/publish", null)).ReadAsync(HttpStatusCode.OK);
        await host.Factory.WithDatabaseAsync(async db =>
        {
            db.Contracts.AddRange(
                Contract(_world.TeamA1, ContractStates.Effective, packageId, name),
                Contract(_world.TeamA2, ContractStates.Effective, packageId, name),
                Contract(_world.TeamA1, "first_review", packageId, name),
                Contract(_world.TeamA1, ContractStates.Expired, packageId, name));
            return await db.SaveChangesAsync();
        });

        var read = await (await _client.GetAsync($"/api/packages/{packageId}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(2, read["signedCount"]!.GetValue<int>());
        var listed = Assert.Single((await (await _client.GetAsync($"/api/packages?{Q(name)}")).ReadAsync(HttpStatusCode.OK))["items"]!.AsArray())!;
        Assert.Equal(2, listed["signedCount"]!.GetValue<int>());

        // A team counts its own signings only.
        await host.Factory.CreateUserAsync("pkg-count-a1", _world.CentreA, _world.TeamA1, [ContractPermissions.PackagesRead]);
        using var team = await host.Factory.ClientForAsync("pkg-count-a1");
        Assert.Equal(1, (await (await team.GetAsync($"/api/packages/{packageId}")).ReadAsync(HttpStatusCode.OK))["signedCount"]!.GetValue<int>());

        // Unpublishing leaves the contracts alone; a package in use is never deleted.
        await (await _client.PostAsync($"/api/packages/{packageId}/unpublish", null)).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(2, (await (await _client.GetAsync($"/api/packages/{packageId}")).ReadAsync(HttpStatusCode.OK))["signedCount"]!.GetValue<int>());
        var inUse = await (await _client.DeleteAsync($"/api/packages/{packageId}")).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("package-in-use", inUse["code"]!.GetValue<string>());
        Assert.Contains("已有签约使用", inUse["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(4, await host.Factory.WithDatabaseAsync(db => db.ContractPackages.CountAsync(cp => cp.PackageId == packageId)));
    }

    private static int _contractSequence = Random.Shared.Next(100_000);

    private Contract Contract(Organization team, string state, Guid packageId, string packageName) => new()
    {
        Number = $"QY-TEST-{Interlocked.Increment(ref _contractSequence)}",
        ResidentId = Guid.NewGuid(),
        ResidentName = "测试居民",
        TeamId = team.Id,
        TeamName = team.Name,
        InstitutionId = _world.CentreA.Id,
        InstitutionName = _world.CentreA.Name,
        OrgPath = team.Path,
        DoctorName = "测试医生",
        StartDate = new DateOnly(2026, 1, 1),
        EndDate = new DateOnly(2026, 12, 31),
        Status = state,
        State = state,
        Source = ContractSources.Web,
        AgreementText = "协议",
        WorkflowId = "contract-signing",
        Packages = [new ContractPackage { PackageId = packageId, PackageName = packageName, Kind = PackageKinds.Basic, Price = 120.5m }],
    };
}

public sealed class SqlitePackageApiTests(SqliteHost host) : PackageApiTests<SqliteHost>(host);

public sealed class PostgreSqlPackageApiTests(PostgreSqlHost host) : PackageApiTests<PostgreSqlHost>(host);
