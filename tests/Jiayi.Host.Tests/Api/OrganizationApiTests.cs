using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Jiayi.Data.Organizations;
using Jiayi.Host.Access;
using Jiayi.Host.Tests.Support;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;

namespace Jiayi.Host.Tests.Api;

/// <summary>Health departments, institutions, teams and members through the API: the tree's rules, data scope, and the Excel import.</summary>
public abstract class OrganizationApiTests<THost>(THost host) : IClassFixture<THost>
    where THost : HostFixture
{
    private readonly HttpClient _client = host.Client;
    private readonly TestWorld _world = host.World;

    private static int _sequence = Random.Shared.Next(1000);

    private static string NewCode(string prefix = "Z") => $"{prefix}{Interlocked.Increment(ref _sequence)}";

    private static async Task<JsonNode> CreateAsync(HttpClient client, object body, HttpStatusCode expected = HttpStatusCode.Created) =>
        await (await client.PostAsync("/api/organizations", Http.Json(body))).ReadAsync(expected);

    private async Task<JsonNode> InstitutionAsync(Organization parent, string? code = null) =>
        await CreateAsync(_client, new { kind = "institution", code = code ?? NewCode("I"), name = "测试机构", parentId = parent.Id });

    private static string Id(JsonNode node) => node["id"]!.GetValue<string>();

    private Task<int> CountAsync(string code) => host.Factory.WithDatabaseAsync(db => db.Organizations.CountAsync(o => o.Code == code));

    [Fact]
    public async Task Departments_institutions_branches_and_teams_are_created_under_their_parents_and_read_back()
    {
        var departmentCode = NewCode("D");
        var department = await CreateAsync(_client, new { kind = "health-department", code = departmentCode, name = "秦都区卫生健康局", parentId = _world.Qindu.Id, level = "县级", contactPhone = "029-33210001" });
        Assert.Equal($"/61/6104/610402/{departmentCode}/", department["path"]!.GetValue<string>());
        Assert.Equal("卫生部门", department["kindName"]!.GetValue<string>());
        Assert.Equal("秦都区", department["parentName"]!.GetValue<string>());

        var code = NewCode("I");
        var institution = await CreateAsync(_client, new
        {
            kind = "institution", code, name = "  陈杨寨社区卫生服务中心 ", parentId = _world.Qindu.Id, level = "一级", category = "社区卫生服务中心", beds = 30,
            address = "秦都区陈杨寨街道", contactPerson = "王主任", contactPhone = "13912345678",
        });
        Assert.Equal("陈杨寨社区卫生服务中心", institution["name"]!.GetValue<string>());
        Assert.Equal(30, institution["beds"]!.GetValue<int>());
        Assert.Equal("社区卫生服务中心", institution["category"]!.GetValue<string>());
        Assert.Null(institution["members"]);

        var branch = await CreateAsync(_client, new { kind = "institution", code = "B1", name = "陈杨寨分站", parentId = Id(institution), category = "社区卫生服务站" });
        Assert.Equal($"/61/6104/610402/{code}/B1/", branch["path"]!.GetValue<string>());
        var team = await CreateAsync(_client, new { kind = "team", code = "T1", name = "陈杨寨一团队", parentId = Id(institution) });
        Assert.Equal("家庭医生团队", team["kindName"]!.GetValue<string>());

        var read = await (await _client.GetAsync($"/api/organizations/{Id(institution)}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(2, read["childCount"]!.GetValue<int>());
        Assert.Equal("一级", read["level"]!.GetValue<string>());
        var readTeam = await (await _client.GetAsync($"/api/organizations/{Id(team)}")).ReadAsync(HttpStatusCode.OK);
        Assert.Empty(readTeam["members"]!.AsArray());

        // Children of the institution, ordered by path: B1 before T1.
        var children = await (await _client.GetAsync($"/api/organizations?parentId={Id(institution)}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(2, children["total"]!.GetValue<int>());
        Assert.Equal(["B1", "T1"], children["items"]!.AsArray().Select(i => i!["code"]!.GetValue<string>()));
        Assert.All(children["items"]!.AsArray(), i => Assert.Equal("陈杨寨社区卫生服务中心", i!["parentName"]!.GetValue<string>()));

        var teams = await (await _client.GetAsync($"/api/organizations?kind=team&q={Uri.EscapeDataString("陈杨寨一")}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(Id(team), Id(Assert.Single(teams["items"]!.AsArray())!));
    }

    [Fact]
    public async Task Each_kind_needs_the_right_kind_of_parent()
    {
        var institution = await InstitutionAsync(_world.Qindu);
        var department = await CreateAsync(_client, new { kind = "health-department", code = NewCode("D"), name = "卫健局", parentId = _world.Xingping.Id });

        async Task RefusedAsync(string kind, object parentId, string path, string code)
        {
            var problem = await (await _client.PostAsync("/api/organizations", Http.Json(new { kind, code = NewCode(), name = "错误上级", parentId }))).ProblemAsync(HttpStatusCode.BadRequest);
            var error = Assert.Single(problem.Errors());
            Assert.Equal((path, code), (error.Path, error.Code));
        }

        await RefusedAsync("health-department", Id(institution), "/parentId", "parent-kind");
        await RefusedAsync("team", _world.Qindu.Id, "/parentId", "parent-kind");
        await RefusedAsync("team", _world.TeamA1.Id, "/parentId", "parent-kind");
        await RefusedAsync("institution", _world.TeamA1.Id, "/parentId", "parent-kind");
        await RefusedAsync("institution", Id(department), "/parentId", "parent-kind");
        await RefusedAsync("institution", Guid.NewGuid(), "/parentId", "not-found");
        await RefusedAsync("division", _world.Qindu.Id, "/kind", "enum");
        await RefusedAsync("hospital", _world.Qindu.Id, "/kind", "enum");
    }

    [Theory]
    [InlineData("code", "\"\"", "/code", "required")]
    [InlineData("code", "\"a b\"", "/code", "pattern")]
    [InlineData("code", "\"代码\"", "/code", "pattern")]
    [InlineData("code", "\"A23456789012345678901234567890123\"", "/code", "maxLength")]
    [InlineData("name", "\" \"", "/name", "required")]
    [InlineData("name", "\"名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名\"", "/name", "maxLength")]
    [InlineData("beds", "20001", "/beds", "maximum")]
    [InlineData("beds", "-1", "/beds", "minimum")]
    [InlineData("beds", "\"很多\"", "/beds", "type")]
    [InlineData("beds", "1.5", "/beds", "type")]
    [InlineData("level", "\"特级\"", "/level", "enum")]
    [InlineData("category", "\"医院\"", "/category", "enum")]
    [InlineData("contactPhone", "\"12ab\"", "/contactPhone", "format")]
    [InlineData("contactPhone", "\"123456\"", "/contactPhone", "format")]
    [InlineData("parentId", "\"not-a-guid\"", "/parentId", "format")]
    [InlineData("isActive", "false", "/isActive", "unknownField")]
    [InlineData("colour", "\"red\"", "/colour", "unknownField")]
    public async Task Bad_input_is_named_by_field_and_nothing_is_saved(string field, string json, string path, string code)
    {
        var body = new JsonObject { ["kind"] = "institution", ["code"] = NewCode("BAD"), ["name"] = "有误的机构", ["parentId"] = _world.Qindu.Id.ToString() };
        body[field] = JsonNode.Parse(json);
        var before = await host.Factory.WithDatabaseAsync(db => db.Organizations.CountAsync());

        var problem = await (await _client.PostAsync("/api/organizations", Http.Json(body.ToJsonString()))).ProblemAsync(HttpStatusCode.BadRequest);

        var error = Assert.Single(problem.Errors());
        Assert.Equal((path, code), (error.Path, error.Code));
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", error.Message);
        Assert.Equal(before, await host.Factory.WithDatabaseAsync(db => db.Organizations.CountAsync()));
    }

    [Fact]
    public async Task Beds_belong_to_institutions_and_teams_have_no_grade()
    {
        var problem = await (await _client.PostAsync("/api/organizations", Http.Json(new { kind = "team", code = NewCode(), name = "团队", parentId = _world.CentreA.Id, beds = 3, level = "一级" }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["/beds", "/level"], problem.Errors().Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_code_is_unique_among_siblings_only()
    {
        var code = NewCode("DUP");
        await InstitutionAsync(_world.Qindu, code);

        var problem = await (await _client.PostAsync("/api/organizations", Http.Json(new { kind = "institution", code, name = "重复", parentId = _world.Qindu.Id }))).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(("/code", "duplicate"), problem.Errors().Select(e => (e.Path, e.Code)).Single());
        Assert.Equal(1, await CountAsync(code));

        // The same code under another parent is another path.
        await InstitutionAsync(_world.Xingping, code);
        Assert.Equal(2, await CountAsync(code));
    }

    [Fact]
    public async Task Updating_changes_fields_and_status_but_never_kind_or_parent()
    {
        var institution = await InstitutionAsync(_world.Qindu);
        var id = Id(institution);
        var code = institution["code"]!.GetValue<string>();

        var updated = await (await _client.PutAsync($"/api/organizations/{id}", Http.Json(new { code, name = "改名后的卫生院", level = "二级", category = "乡镇卫生院", beds = 80, isActive = false }))).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("改名后的卫生院", updated["name"]!.GetValue<string>());
        Assert.Equal(80, updated["beds"]!.GetValue<int>());
        Assert.False(updated["isActive"]!.GetValue<bool>());
        var read = await (await _client.GetAsync($"/api/organizations/{id}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("二级", read["level"]!.GetValue<string>());
        Assert.False(read["isActive"]!.GetValue<bool>());

        // Absent isActive leaves it as it is; absent optional fields are cleared (the body replaces the node).
        var again = await (await _client.PutAsync($"/api/organizations/{id}", Http.Json(new { code, name = "改名后的卫生院" }))).ReadAsync(HttpStatusCode.OK);
        Assert.False(again["isActive"]!.GetValue<bool>());
        Assert.Null(again["beds"]);

        // Kind and parent may be sent back unchanged, not changed.
        await (await _client.PutAsync($"/api/organizations/{id}", Http.Json(new { kind = "institution", parentId = _world.Qindu.Id, code, name = "原样" }))).ReadAsync(HttpStatusCode.OK);
        var problem = await (await _client.PutAsync($"/api/organizations/{id}", Http.Json(new { kind = "team", parentId = _world.Xingping.Id, code, name = "换上级" }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal([("/kind", "immutable"), ("/parentId", "immutable")], problem.Errors().Select(e => (e.Path, e.Code)));
        var name = (await (await _client.GetAsync($"/api/organizations/{id}")).ReadAsync(HttpStatusCode.OK))["name"]!.GetValue<string>();
        Assert.Equal("原样", name);

        // Divisions come from the reference data.
        await (await _client.PutAsync($"/api/organizations/{_world.Qindu.Id}", Http.Json(new { code = "610402", name = "秦都" }))).ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_code_changes_only_while_nothing_hangs_on_the_path()
    {
        var leaf = await InstitutionAsync(_world.Qindu);
        var newCode = NewCode("NEW");
        var renamed = await (await _client.PutAsync($"/api/organizations/{Id(leaf)}", Http.Json(new { code = newCode, name = "改代码" }))).ReadAsync(HttpStatusCode.OK);
        Assert.Equal($"{_world.Qindu.Path}{newCode}/", renamed["path"]!.GetValue<string>());

        var sibling = await InstitutionAsync(_world.Qindu);
        var taken = await (await _client.PutAsync($"/api/organizations/{Id(sibling)}", Http.Json(new { code = newCode, name = "撞代码" }))).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("/code", taken.Errors().Single().Path);

        var parent = await InstitutionAsync(_world.Qindu);
        await CreateAsync(_client, new { kind = "team", code = "T1", name = "团队", parentId = Id(parent) });
        var locked = await (await _client.PutAsync($"/api/organizations/{Id(parent)}", Http.Json(new { code = NewCode(), name = "改代码" }))).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("code-locked", locked["code"]!.GetValue<string>());
        Assert.Contains("1 个下级节点", locked["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        // The name still changes when the code stays.
        await (await _client.PutAsync($"/api/organizations/{Id(parent)}", Http.Json(new { code = parent["code"]!.GetValue<string>(), name = "只改名" }))).ReadAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Only_nodes_nothing_depends_on_are_deleted_and_the_reason_is_named()
    {
        var institution = await InstitutionAsync(_world.Qindu);
        var team = await CreateAsync(_client, new { kind = "team", code = "T1", name = "待删团队", parentId = Id(institution) });
        await (await _client.PostAsync($"/api/organizations/{Id(team)}/members", Http.Json(new { name = "成员", role = "护士" }))).ReadAsync(HttpStatusCode.Created);

        var withChild = await (await _client.DeleteAsync($"/api/organizations/{Id(institution)}")).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("1 个下级节点", withChild["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        // A team with members (but no accounts or residents) goes, with its member list.
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/api/organizations/{Id(team)}")).StatusCode);
        await (await _client.GetAsync($"/api/organizations/{Id(team)}")).ProblemAsync(HttpStatusCode.NotFound);
        var teamId = Guid.Parse(Id(team));
        Assert.False(await host.Factory.WithDatabaseAsync(db => db.TeamMembers.AnyAsync(m => m.TeamId == teamId)));

        var node = await host.Factory.WithDatabaseAsync(db => db.Organizations.SingleAsync(o => o.Id == Guid.Parse(Id(institution))));
        await host.Factory.AddResidentAsync(node, "删除测试", "男", new DateOnly(1960, 5, 1));
        var withResident = await (await _client.DeleteAsync($"/api/organizations/{Id(institution)}")).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("1 名居民", withResident["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var staffed = await InstitutionAsync(_world.Qindu);
        var staffedNode = await host.Factory.WithDatabaseAsync(db => db.Organizations.SingleAsync(o => o.Id == Guid.Parse(Id(staffed))));
        await host.Factory.CreateUserAsync($"staff-{NewCode()}", staffedNode, null, []);
        var withUser = await (await _client.DeleteAsync($"/api/organizations/{Id(staffed)}")).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("1 个用户账号", withUser["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        await (await _client.DeleteAsync($"/api/organizations/{_world.Xingping.Id}")).ProblemAsync(HttpStatusCode.Conflict);
        await (await _client.DeleteAsync($"/api/organizations/{Guid.NewGuid()}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_team_has_at_most_one_leader()
    {
        var institution = await InstitutionAsync(_world.Qindu);
        var team = await CreateAsync(_client, new { kind = "team", code = "T1", name = "队长测试团队", parentId = Id(institution) });
        var members = $"/api/organizations/{Id(team)}/members";

        var wang = await (await _client.PostAsync(members, Http.Json(new { name = "王医生", role = "家庭医生", isLeader = true, phone = "13800001234" }))).ReadAsync(HttpStatusCode.Created);
        Assert.True(wang["isLeader"]!.GetValue<bool>());
        var li = await (await _client.PostAsync(members, Http.Json(new { name = "李护士", role = "护士", isLeader = true }))).ReadAsync(HttpStatusCode.Created);

        async Task<string[]> LeadersAsync() =>
            [.. (await (await _client.GetAsync(members)).ReadAsync(HttpStatusCode.OK)).AsArray().Where(m => m!["isLeader"]!.GetValue<bool>()).Select(m => m!["name"]!.GetValue<string>())];

        Assert.Equal(["李护士"], await LeadersAsync());

        // Back to 王: 李 steps down in the same save; a change without isLeader keeps it.
        await (await _client.PutAsync($"{members}/{Id(wang)}", Http.Json(new { name = "王医生", role = "家庭医生", isLeader = true }))).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(["王医生"], await LeadersAsync());
        var renamed = await (await _client.PutAsync($"{members}/{Id(wang)}", Http.Json(new { name = "王大夫", role = "家庭医生" }))).ReadAsync(HttpStatusCode.OK);
        Assert.True(renamed["isLeader"]!.GetValue<bool>());
        Assert.Null(renamed["phone"]);

        // The team's detail lists its members, the leader first.
        var detail = await (await _client.GetAsync($"/api/organizations/{Id(team)}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(["王大夫", "李护士"], detail["members"]!.AsArray().Select(m => m!["name"]!.GetValue<string>()));

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"{members}/{Id(li)}")).StatusCode);
        await (await _client.DeleteAsync($"{members}/{Id(li)}")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Single((await (await _client.GetAsync(members)).ReadAsync(HttpStatusCode.OK)).AsArray());
    }

    [Fact]
    public async Task Bad_members_are_named_by_field_and_only_teams_have_members()
    {
        var members = $"/api/organizations/{_world.TeamA2.Id}/members";
        var problem = await (await _client.PostAsync(members, Http.Json(new { name = "", role = "院长", phone = "abc", userId = Guid.NewGuid(), isLeader = "yes" }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["/isLeader"], problem.Errors().Select(e => e.Path));
        problem = await (await _client.PostAsync(members, Http.Json(new { name = "", role = "院长", phone = "abc", userId = Guid.NewGuid() }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["/name", "/phone", "/role", "/userId"], problem.Errors().Select(e => e.Path).Order(StringComparer.Ordinal));

        await (await _client.GetAsync($"/api/organizations/{_world.CentreA.Id}/members")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _client.PostAsync($"/api/organizations/{_world.CentreA.Id}/members", Http.Json(new { name = "某人", role = "护士" }))).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_centre_user_sees_and_changes_only_its_own_subtree()
    {
        var userName = $"org-admin-{NewCode()}";
        await host.Factory.CreateUserAsync(userName, _world.CentreA, null, [OrganizationPermissions.Read, OrganizationPermissions.Write, OrganizationPermissions.Import]);
        using var admin = await host.Factory.ClientForAsync(userName);
        var otherUser = await host.Factory.CreateUserAsync($"b-doctor-{NewCode()}", _world.CentreB, _world.TeamB1, []);

        foreach (var outside in new[] { _world.CentreB.Id, _world.TeamB1.Id, _world.Xingping.Id, _world.Qindu.Id })
        {
            await (await admin.GetAsync($"/api/organizations/{outside}")).ProblemAsync(HttpStatusCode.NotFound);
            await (await admin.PutAsync($"/api/organizations/{outside}", Http.Json(new { code = "X", name = "越权" }))).ProblemAsync(HttpStatusCode.NotFound);
            await (await admin.DeleteAsync($"/api/organizations/{outside}")).ProblemAsync(HttpStatusCode.NotFound);
            await (await admin.GetAsync($"/api/organizations/tree?rootId={outside}")).ProblemAsync(HttpStatusCode.NotFound);
        }

        await (await admin.GetAsync($"/api/organizations/{_world.TeamB1.Id}/members")).ProblemAsync(HttpStatusCode.NotFound);
        await (await admin.PostAsync($"/api/organizations/{_world.TeamB1.Id}/members", Http.Json(new { name = "越权", role = "护士" }))).ProblemAsync(HttpStatusCode.NotFound);
        var outsideParent = await (await admin.PostAsync("/api/organizations", Http.Json(new { kind = "team", code = NewCode(), name = "越权团队", parentId = _world.CentreB.Id }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(("/parentId", "not-found"), outsideParent.Errors().Select(e => (e.Path, e.Code)).Single());
        var outsideUser = await (await admin.PostAsync($"/api/organizations/{_world.TeamA1.Id}/members", Http.Json(new { name = "乙医生", role = "家庭医生", userId = otherUser.Id }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(("/userId", "not-found"), outsideUser.Errors().Select(e => (e.Path, e.Code)).Single());

        // Inside its own centre it works, members may be linked to its own users (once per team).
        var team = await CreateAsync(admin, new { kind = "team", code = NewCode("TA"), name = "甲三团队", parentId = _world.CentreA.Id });
        var ownUser = await host.Factory.CreateUserAsync($"a-doctor-{NewCode()}", _world.CentreA, _world.TeamA1, []);
        var linked = await (await admin.PostAsync($"/api/organizations/{Id(team)}/members", Http.Json(new { name = "甲医生", role = "家庭医生", userId = ownUser.Id }))).ReadAsync(HttpStatusCode.Created);
        Assert.Equal(ownUser.DisplayName, linked["userName"]!.GetValue<string>());
        var twice = await (await admin.PostAsync($"/api/organizations/{Id(team)}/members", Http.Json(new { name = "甲医生", role = "护士", userId = ownUser.Id }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(("/userId", "duplicate"), twice.Errors().Select(e => (e.Path, e.Code)).Single());

        var list = await (await admin.GetAsync("/api/organizations?pageSize=100")).ReadAsync(HttpStatusCode.OK);
        var paths = list["items"]!.AsArray().Select(i => i!["path"]!.GetValue<string>()).ToList();
        Assert.Equal(list["total"]!.GetValue<int>(), paths.Count);
        Assert.All(paths, p => Assert.StartsWith("/61/6104/610402/T-A/", p, StringComparison.Ordinal));
        Assert.Contains(_world.TeamA1.Path, paths);
        Assert.Contains(team["path"]!.GetValue<string>(), paths);

        var tree = await (await admin.GetAsync("/api/organizations/tree")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(_world.CentreA.Id.ToString(), Id(tree));
        var treeIds = Flatten(tree).Select(n => Guid.Parse(Id(n))).ToList();
        var treePaths = await host.Factory.WithDatabaseAsync(db => db.Organizations.Where(o => treeIds.Contains(o.Id)).Select(o => o.Path).ToListAsync());
        Assert.Equal(treeIds.Count, treePaths.Count);
        Assert.All(treePaths, p => Assert.StartsWith("/61/6104/610402/T-A/", p, StringComparison.Ordinal));
        Assert.Contains(_world.TeamA2.Id.ToString(), Flatten(tree).Select(Id));
    }

    [Fact]
    public async Task The_tree_nests_divisions_institutions_and_teams_from_the_scope_node()
    {
        var tree = await (await _client.GetAsync("/api/organizations/tree")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(("6104", "division"), (tree["code"]!.GetValue<string>(), tree["kind"]!.GetValue<string>()));
        var qindu = tree["children"]!.AsArray().Single(c => c!["code"]!.GetValue<string>() == "610402")!;
        var centre = qindu["children"]!.AsArray().Single(c => c!["code"]!.GetValue<string>() == "T-A")!;
        Assert.Equal("institution", centre["kind"]!.GetValue<string>());
        Assert.Equal(["T-A1", "T-A2"], centre["children"]!.AsArray().Select(c => c!["code"]!.GetValue<string>()).Where(c => c.StartsWith("T-A", StringComparison.Ordinal)));
        Assert.DoesNotContain(Flatten(tree), n => n["code"]!.GetValue<string>() == "61");

        var sub = await (await _client.GetAsync($"/api/organizations/tree?rootId={_world.Xingping.Id}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(["610481", "T-B", "T-B1"], Flatten(sub).Select(n => n["code"]!.GetValue<string>()).Where(c => c is "610481" || c.StartsWith("T-B", StringComparison.Ordinal)));
        await (await _client.GetAsync("/api/organizations/tree?rootId=nope")).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Permissions_and_sign_in_are_required()
    {
        using var anonymous = host.Factory.CreateClient();
        await (await anonymous.GetAsync("/api/organizations")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.PostAsync("/api/organizations", Http.Json(new { kind = "team" }))).ProblemAsync(HttpStatusCode.Unauthorized);

        var userName = $"org-reader-{NewCode()}";
        await host.Factory.CreateUserAsync(userName, _world.CentreA, null, [OrganizationPermissions.Read]);
        using var reader = await host.Factory.ClientForAsync(userName);
        await (await reader.GetAsync($"/api/organizations/{_world.CentreA.Id}")).ReadAsync(HttpStatusCode.OK);
        await (await reader.PostAsync("/api/organizations", Http.Json(new { kind = "team", code = NewCode(), name = "无权", parentId = _world.CentreA.Id }))).ProblemAsync(HttpStatusCode.Forbidden);
        await (await reader.PostAsync($"/api/organizations/{_world.TeamA1.Id}/members", Http.Json(new { name = "无权", role = "护士" }))).ProblemAsync(HttpStatusCode.Forbidden);
        await (await reader.GetAsync("/api/organizations/import-template")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await reader.PostAsync("/api/organizations/import", Upload(Sheet([Row("A1", "甲", "610402")]), "x.xlsx"))).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Bad_list_parameters_are_named()
    {
        var problem = await (await _client.GetAsync("/api/organizations?kind=hospital&parentId=x&page=0&sort=name")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["/kind", "/page", "/parentId", "/sort"], problem.Errors().Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    // ---- import ----

    private static Dictionary<string, object?> Row(string code, string name, string parent, object? beds = null, string? category = "村卫生室", string? phone = null) => new()
    {
        ["机构代码"] = code,
        ["机构名称"] = name,
        ["上级代码"] = parent,
        ["机构类型"] = category,
        ["机构级别"] = "未定级",
        ["床位数"] = beds,
        ["地址"] = null,
        ["联系人"] = null,
        ["联系电话"] = phone,
    };

    private static byte[] Sheet(IEnumerable<Dictionary<string, object?>> rows)
    {
        using var stream = new MemoryStream();
        stream.SaveAs(rows);
        return stream.ToArray();
    }

    private static MultipartFormDataContent Upload(byte[] content, string fileName)
    {
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        return new MultipartFormDataContent { { file, "file", fileName } };
    }

    [Fact]
    public async Task Institutions_are_imported_once_with_errors_by_row_and_column()
    {
        var prefix = NewCode("IMP");
        var rows = new[]
        {
            Row($"{prefix}-1", "导入一号卫生院", "610402", beds: 40, category: "乡镇卫生院", phone: "13900001111"),
            Row($"{prefix}-2", "导入一号分院", $"{prefix}-1"),
            Row($"{prefix}-3", "上级不存在", "999999"),
            Row($"{prefix}-4", "床位有误", "610402", beds: "很多"),
            Row($"{prefix}-5", "", "610402"),
            Row($"{prefix}-6", "导入兴平卫生室", "610481", beds: 0),
        };
        var fileName = $"{prefix}.xlsx";
        var first = await (await _client.PostAsync("/api/organizations/import", Upload(Sheet(rows), fileName))).ReadAsync(HttpStatusCode.OK);

        Assert.Equal(3, first["imported"]!.GetValue<int>());
        Assert.Equal(0, first["skipped"]!.GetValue<int>());
        var errors = first["errors"]!.AsArray().Select(e => (e!["row"]!.GetValue<int>(), e["column"]!.GetValue<string>())).ToList();
        Assert.Equal([(4, "上级代码"), (5, "床位数"), (6, "机构名称")], errors);
        Assert.Contains("999999", first["errors"]![0]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);

        var imported = await host.Factory.WithDatabaseAsync(db => db.Organizations.Where(o => o.Code.StartsWith(prefix)).OrderBy(o => o.Code).ToListAsync());
        Assert.Equal([$"{prefix}-1", $"{prefix}-2", $"{prefix}-6"], imported.Select(o => o.Code));
        Assert.Equal($"/61/6104/610402/{prefix}-1/{prefix}-2/", imported[1].Path);
        Assert.Equal(imported[0].Id, imported[1].ParentId);
        Assert.Equal((40, "乡镇卫生院", "13900001111"), (imported[0].Beds!.Value, imported[0].Category, imported[0].ContactPhone));
        Assert.All(imported, o => Assert.Equal(OrganizationKinds.Institution, o.Kind));

        // One log entry for the batch, none per institution.
        var summary = $"批量导入医疗机构（{fileName}）";
        var logged = await host.Factory.WithDatabaseAsync(db => db.AuditLog.Where(a => a.Summary.StartsWith(summary)).Select(a => a.Summary).ToListAsync());
        Assert.Equal($"{summary}：新增医疗机构 3 条", Assert.Single(logged));
        var ids = imported.Select(o => o.Id.ToString()).ToList();
        Assert.False(await host.Factory.WithDatabaseAsync(db => db.AuditLog.AnyAsync(a => a.EntityId != null && ids.Contains(a.EntityId))));

        var second = await (await _client.PostAsync("/api/organizations/import", Upload(Sheet(rows), fileName))).ReadAsync(HttpStatusCode.OK);
        Assert.Equal((0, 3), (second["imported"]!.GetValue<int>(), second["skipped"]!.GetValue<int>()));
        Assert.Equal(errors, second["errors"]!.AsArray().Select(e => (e!["row"]!.GetValue<int>(), e["column"]!.GetValue<string>())));
        Assert.Equal(3, await host.Factory.WithDatabaseAsync(db => db.Organizations.CountAsync(o => o.Code.StartsWith(prefix))));
    }

    [Fact]
    public async Task Import_rows_follow_the_same_rules_as_the_api_and_reach_only_the_callers_scope()
    {
        var prefix = NewCode("RUL");
        var rows = new[]
        {
            Row($"{prefix}-B", "后面的上级", "610402"),
            Row($"{prefix}-A", "引用后面的行", $"{prefix}-C"),
            Row($"{prefix}-C", "写在后面的上级", "610402"),
            Row($"{prefix}-C", "同一文件重复", "610402"),
            Row("代 码", "代码有误", "610402", category: "大医院", phone: "12"),
            Row($"{prefix}-T", "团队不能作上级", "T-A1"),
        };
        var result = await (await _client.PostAsync("/api/organizations/import", Upload(Sheet(rows), "rules.xlsx"))).ReadAsync(HttpStatusCode.OK);

        Assert.Equal(2, result["imported"]!.GetValue<int>());
        Assert.Equal(
            [(3, "上级代码"), (5, "机构代码"), (6, "机构代码"), (6, "机构类型"), (6, "联系电话"), (7, "上级代码")],
            result["errors"]!.AsArray().Select(e => (e!["row"]!.GetValue<int>(), e["column"]!.GetValue<string>())));

        // A centre's administrator can hang branches under the centre, not under the district.
        var userName = $"importer-{NewCode()}";
        await host.Factory.CreateUserAsync(userName, _world.CentreA, null, [OrganizationPermissions.Import]);
        using var importer = await host.Factory.ClientForAsync(userName);
        var scoped = await (await importer.PostAsync("/api/organizations/import", Upload(Sheet([Row($"{prefix}-X", "甲分院", "T-A"), Row($"{prefix}-Y", "区里的", "610402"), Row($"{prefix}-Z", "乙分院", "T-B")]), "scoped.xlsx"))).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(1, scoped["imported"]!.GetValue<int>());
        Assert.Equal([3, 4], scoped["errors"]!.AsArray().Select(e => e!["row"]!.GetValue<int>()));
        Assert.Equal("/61/6104/610402/T-A/" + prefix + "-X/", await host.Factory.WithDatabaseAsync(db => db.Organizations.Where(o => o.Code == prefix + "-X").Select(o => o.Path).SingleAsync()));
    }

    [Fact]
    public async Task The_template_has_the_chinese_headers_and_an_example_that_imports()
    {
        var response = await _client.GetAsync("/api/organizations/import-template");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.MediaType()?.MediaType);
        Assert.Equal("医疗机构导入模板.xlsx", response.Content.Headers.ContentDisposition?.FileNameStar);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        using (var stream = new MemoryStream(bytes))
        {
            Assert.Equal(["机构代码", "机构名称", "上级代码", "机构类型", "机构级别", "床位数", "地址", "联系人", "联系电话"], stream.GetColumns(useHeaderRow: true));
        }

        using (var stream = new MemoryStream(bytes))
        {
            Assert.Single(stream.Query(useHeaderRow: true));
        }

        var imported = await (await _client.PostAsync("/api/organizations/import", Upload(bytes, "模板.xlsx"))).ReadAsync(HttpStatusCode.OK);
        Assert.Equal((1, 0), (imported["imported"]!.GetValue<int>(), imported["errors"]!.AsArray().Count));
    }

    [Fact]
    public async Task Files_that_are_not_xlsx_too_large_or_missing_are_refused_with_a_reason()
    {
        var notExcel = await (await _client.PostAsync("/api/organizations/import", Upload("机构代码,机构名称\nA,B"u8.ToArray(), "orgs.xlsx"))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("not-xlsx", notExcel["code"]!.GetValue<string>());
        Assert.Contains(".xlsx", notExcel["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var csv = await (await _client.PostAsync("/api/organizations/import", Upload(Sheet([Row("A1", "甲", "610402")]), "orgs.csv"))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("not-xlsx", csv["code"]!.GetValue<string>());

        // A zip that is no workbook.
        using (var zip = new MemoryStream())
        {
            using (var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
            {
                using var entry = archive.CreateEntry("readme.txt").Open();
                entry.Write("hello"u8);
            }

            await (await _client.PostAsync("/api/organizations/import", Upload(zip.ToArray(), "zip.xlsx"))).ProblemAsync(HttpStatusCode.BadRequest);
        }

        var wrongHeaders = Sheet([new Dictionary<string, object?> { ["机构代码"] = "A", ["名称"] = "甲", ["上级代码"] = "610402" }]);
        var headers = await (await _client.PostAsync("/api/organizations/import", Upload(wrongHeaders, "headers.xlsx"))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("bad-columns", headers["code"]!.GetValue<string>());
        Assert.Contains("机构名称", headers["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        await (await _client.PostAsync("/api/organizations/import", Upload(new byte[(5 * 1024 * 1024) + 1], "big.xlsx"))).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        await (await _client.PostAsync("/api/organizations/import", new MultipartFormDataContent { { new StringContent("x"), "other" } })).ProblemAsync(HttpStatusCode.BadRequest);
        await (await _client.PostAsync("/api/organizations/import", Http.Json(new { file = "x" }))).ProblemAsync(HttpStatusCode.BadRequest);
    }

    private static IEnumerable<JsonNode> Flatten(JsonNode node) =>
        [node, .. node["children"]!.AsArray().SelectMany(c => Flatten(c!))];
}

public sealed class SqliteOrganizationApiTests(SqliteHost host) : OrganizationApiTests<SqliteHost>(host);

public sealed class PostgreSqlOrganizationApiTests(PostgreSqlHost host) : OrganizationApiTests<PostgreSqlHost>(host);
