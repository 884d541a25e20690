using System.Net;
using System.Text.Json.Nodes;
using Jiayi.Data.Access;
using Jiayi.Host.Access;
using Jiayi.Host.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Tests.Api;

/// <summary>Users, roles and groups through the API: data scope, no privilege escalation, changes that apply at once, password policy and lockout from parameters.</summary>
public abstract class AccessApiTests<THost>(THost host) : IClassFixture<THost>
    where THost : HostFixture
{
    private readonly HttpClient _client = host.Client;
    private readonly JiayiFactory _factory = host.Factory;
    private readonly TestWorld _world = host.World;

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private Task<HttpResponseMessage> TokenAsync(string userName, string password) =>
        _factory.CreateClient().PostAsync("/api/auth/token", Http.Json(new { username = userName, password }));

    private async Task<string> RoleIdAsync(string name)
    {
        var roles = await (await _client.GetAsync("/api/roles")).ReadAsync(HttpStatusCode.OK);
        return roles.AsArray().Single(r => r!["name"]!.GetValue<string>() == name)!["id"]!.GetValue<string>();
    }

    private async Task<string> CreateRoleAsync(string[] permissions, bool requiresTwoFactor = false)
    {
        var role = await (await _client.PostAsync("/api/roles", Http.Json(new { name = Unique("角色"), permissions, requiresTwoFactor }))).ReadAsync(HttpStatusCode.Created);
        return role["id"]!.GetValue<string>();
    }

    private async Task SetParameterAsync(string key, int value)
    {
        await (await _client.PutAsync($"/api/parameters/{key}", Http.Json(new { value }))).ReadAsync(HttpStatusCode.OK);
        // Other nodes follow within SystemParameters.CacheFor; wait until the value is what every check reads.
        var until = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            var groups = await (await _client.GetAsync("/api/parameters")).ReadAsync(HttpStatusCode.OK);
            var current = groups.AsArray().SelectMany(g => g!["parameters"]!.AsArray()).Single(p => p!["key"]!.GetValue<string>() == key)!["value"]!.GetValue<int>();
            if (current == value)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < until, $"{key} is still {current}, expected {value}");
            await Task.Delay(100);
        }
    }

    private static bool HasUser(JsonNode page, Guid id) => page["items"]!.AsArray().Any(u => u!["id"]!.GetValue<string>() == id.ToString());

    // ---- users and scope ----

    [Fact]
    public async Task A_user_admin_sees_and_creates_users_only_in_their_own_subtree()
    {
        var adminName = Unique("ua");
        await _factory.CreateUserAsync(adminName, _world.CentreA, null, [AccessPermissions.UsersRead, AccessPermissions.UsersWrite]);
        var inA = await _factory.CreateUserAsync(Unique("ua-a"), _world.CentreA, _world.TeamA1, [FormPermissions.Read]);
        var inB = await _factory.CreateUserAsync(Unique("ua-b"), _world.CentreB, null, [FormPermissions.Read]);
        var admin = await _factory.ClientForAsync(adminName);

        var page = await (await admin.GetAsync("/api/users?pageSize=100")).ReadAsync(HttpStatusCode.OK);
        Assert.True(HasUser(page, inA.Id));
        Assert.False(HasUser(page, inB.Id));
        Assert.All(page["items"]!.AsArray(), u => Assert.Equal(_world.CentreA.Id.ToString(), u!["orgId"]!.GetValue<string>()));
        var city = await (await _client.GetAsync("/api/users?pageSize=100&q=ua-")).ReadAsync(HttpStatusCode.OK);
        Assert.True(HasUser(city, inA.Id) && HasUser(city, inB.Id));

        var detail = await (await admin.GetAsync($"/api/users/{inA.Id}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("甲一团队", detail["teamName"]!.GetValue<string>());
        Assert.Equal("测试甲卫生院", detail["orgName"]!.GetValue<string>());
        Assert.Equal("服务用户", detail["userTypeName"]!.GetValue<string>());
        Assert.Equal($"角色-{inA.UserName}", Assert.Single(detail["roles"]!.AsArray())!["name"]!.GetValue<string>());
        Assert.False(detail["lockedOut"]!.GetValue<bool>());
        await (await admin.GetAsync($"/api/users/{inB.Id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await admin.GetAsync($"/api/users?orgId={_world.CentreB.Id}")).ProblemAsync(HttpStatusCode.BadRequest);

        var grantable = await CreateRoleAsync([AccessPermissions.UsersRead]);
        var atB = await (await admin.PostAsync("/api/users", Http.Json(new { userName = Unique("ub"), displayName = "乙", userType = "service", orgId = _world.CentreB.Id, roleIds = new[] { grantable } })))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(atB.Errors(), e => e.Path == "/orgId");

        var beyond = await CreateRoleAsync([ResidentPermissions.Read]);
        var escalation = await (await admin.PostAsync("/api/users", Http.Json(new { userName = Unique("ux"), displayName = "越权", userType = "service", orgId = _world.CentreA.Id, roleIds = new[] { beyond } })))
            .ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("grant-exceeds-own", escalation["code"]!.GetValue<string>());
        Assert.Contains("查看居民信息", escalation["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var userName = Unique("new");
        var response = await admin.PostAsync("/api/users", Http.Json(new { userName, displayName = "新用户", userType = "service", orgId = _world.CentreA.Id, teamId = _world.TeamA2.Id, roleIds = new[] { grantable } }));
        var created = await response.ReadAsync(HttpStatusCode.Created);
        var user = created["user"]!;
        Assert.Equal($"/api/users/{user["id"]!.GetValue<string>()}", response.Headers.Location?.OriginalString);
        Assert.True(user["mustChangePassword"]!.GetValue<bool>());
        Assert.Equal("甲二团队", user["teamName"]!.GetValue<string>());
        var initial = created["initialPassword"]!.GetValue<string>();
        Assert.Equal(16, initial.Length);
        var first = await (await TokenAsync(userName, initial)).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("password-change-required", first["code"]!.GetValue<string>());
        // Shown once: the user's detail never carries a password.
        var again = await (await admin.GetAsync($"/api/users/{user["id"]!.GetValue<string>()}")).ReadAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(initial, again.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creating_a_user_checks_every_field_and_refuses_a_taken_name()
    {
        var bad = await (await _client.PostAsync("/api/users", Http.Json(new { userName = "a b", displayName = "", userType = "doctor", orgId = _world.TeamA1.Id, roleIds = new[] { Guid.NewGuid().ToString(), "x" } })))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(bad.Errors(), e => e.Path == "/roleIds/1");
        var paths = (await (await _client.PostAsync("/api/users", Http.Json(new { userName = "a b", displayName = "", userType = "doctor", orgId = _world.TeamA1.Id, roleIds = new[] { Guid.NewGuid() } })))
            .ProblemAsync(HttpStatusCode.BadRequest)).Errors().Select(e => e.Path).ToList();
        Assert.Equal(["/userName", "/displayName", "/userType", "/orgId", "/roleIds/0"], paths);

        var wrongTeam = await (await _client.PostAsync("/api/users", Http.Json(new { userName = Unique("t"), displayName = "团队错", userType = "service", orgId = _world.CentreA.Id, teamId = _world.TeamB1.Id, roleIds = Array.Empty<string>() })))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("/teamId", Assert.Single(wrongTeam.Errors()).Path);

        var existing = await _factory.CreateUserAsync(Unique("dup"), _world.CentreA, null, []);
        var taken = await (await _client.PostAsync("/api/users", Http.Json(new { userName = existing.UserName!.ToUpperInvariant(), displayName = "重名", userType = "service", orgId = _world.CentreA.Id, roleIds = Array.Empty<string>() })))
            .ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("duplicate-user-name", taken["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Nobody_disables_or_demotes_themself_or_manages_someone_who_can_do_more()
    {
        var adminName = Unique("self");
        var admin = await _factory.CreateUserAsync(adminName, _world.CentreA, null, [AccessPermissions.UsersRead, AccessPermissions.UsersWrite]);
        var client = await _factory.ClientForAsync(adminName);
        var roleId = await RoleIdAsync($"角色-{adminName}");
        var body = new { displayName = "自己", userType = "service", orgId = _world.CentreA.Id, roleIds = new[] { roleId }, isActive = false };

        var disable = await (await client.PutAsync($"/api/users/{admin.Id}", Http.Json(body))).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("self-disable", disable["code"]!.GetValue<string>());
        var demote = await (await client.PutAsync($"/api/users/{admin.Id}", Http.Json(body with { roleIds = Array.Empty<string>(), isActive = true }))).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("self-demote", demote["code"]!.GetValue<string>());
        var renamed = await (await client.PutAsync($"/api/users/{admin.Id}", Http.Json(body with { displayName = "新名字", isActive = true }))).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("新名字", renamed["displayName"]!.GetValue<string>());

        var doctor = await _factory.CreateUserAsync(Unique("doc"), _world.CentreA, null, [ResidentPermissions.Read]);
        var outranked = await (await client.PostAsync($"/api/users/{doctor.Id}/reset-password", null)).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("user-outranks", outranked["code"]!.GetValue<string>());
    }

    // ---- changes apply at the next request ----

    [Fact]
    public async Task A_role_change_applies_to_the_same_token_at_its_next_request()
    {
        var name = Unique("rc");
        await _factory.CreateUserAsync(name, _world.CentreA, null, [FormPermissions.Read]);
        var client = await _factory.ClientForAsync(name);
        await (await client.GetAsync("/api/residents")).ProblemAsync(HttpStatusCode.Forbidden);

        var roleId = await RoleIdAsync($"角色-{name}");
        var role = await (await _client.PutAsync($"/api/roles/{roleId}", Http.Json(new { name = $"角色-{name}", permissions = new[] { FormPermissions.Read, ResidentPermissions.Read } })))
            .ReadAsync(HttpStatusCode.OK);
        Assert.Contains("查看居民信息", role["permissionNames"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(1, role["userCount"]!.GetValue<int>());

        await (await client.GetAsync("/api/residents")).ReadAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Disabling_a_user_ends_their_token_at_once()
    {
        var name = Unique("off");
        var user = await _factory.CreateUserAsync(name, _world.CentreA, null, [FormPermissions.Read]);
        var client = await _factory.ClientForAsync(name);
        await (await client.GetAsync("/api/auth/me")).ReadAsync(HttpStatusCode.OK);

        var roleId = await RoleIdAsync($"角色-{name}");
        var updated = await (await _client.PutAsync($"/api/users/{user.Id}", Http.Json(new { displayName = name, userType = "service", orgId = _world.CentreA.Id, roleIds = new[] { roleId }, isActive = false })))
            .ReadAsync(HttpStatusCode.OK);
        Assert.False(updated["isActive"]!.GetValue<bool>());

        await (await client.GetAsync("/api/auth/me")).ProblemAsync(HttpStatusCode.Unauthorized);
        var login = await (await TokenAsync(name, TestWorld.Password)).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("disabled", login["code"]!.GetValue<string>());
    }

    // ---- passwords, lockout, two-factor ----

    [Fact]
    public async Task A_given_password_must_satisfy_the_policy_of_the_system_parameters()
    {
        var roleIds = Array.Empty<string>();
        var weak = await (await _client.PostAsync("/api/users", Http.Json(new { userName = Unique("pw"), displayName = "弱", userType = "service", orgId = _world.CentreA.Id, roleIds, password = "abc" })))
            .ProblemAsync(HttpStatusCode.BadRequest);
        var reasons = weak.Errors().Where(e => e.Path == "/password").Select(e => e.Message).ToList();
        Assert.Contains("密码至少 8 位", reasons);
        Assert.Contains("密码须包含大写字母、小写字母、数字、符号中的至少 3 类", reasons);

        try
        {
            await SetParameterAsync("password.min_length", 12);
            var ten = await (await _client.PostAsync("/api/users", Http.Json(new { userName = Unique("pw"), displayName = "十位", userType = "service", orgId = _world.CentreA.Id, roleIds, password = "Ab1!cd2@Ef" })))
                .ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal(("/password", "密码至少 12 位"), ten.Errors().Select(e => (e.Path, e.Message)).Single());

            var userName = Unique("pw");
            var twelve = await (await _client.PostAsync("/api/users", Http.Json(new { userName, displayName = "十二位", userType = "service", orgId = _world.CentreA.Id, roleIds, password = "Ab1!cd2@Ef3#" })))
                .ReadAsync(HttpStatusCode.Created);
            Assert.Null(twelve["initialPassword"]);
            Assert.False(twelve["user"]!["mustChangePassword"]!.GetValue<bool>());
            await (await TokenAsync(userName, "Ab1!cd2@Ef3#")).ReadAsync(HttpStatusCode.OK);
        }
        finally
        {
            await SetParameterAsync("password.min_length", 8);
        }
    }

    [Fact]
    public async Task Accounts_lock_after_the_configured_failures_until_an_administrator_unlocks_them()
    {
        var name = Unique("lock");
        var user = await _factory.CreateUserAsync(name, _world.CentreA, null, [FormPermissions.Read]);
        try
        {
            await SetParameterAsync("lockout.max_failures", 3);
            var first = await (await TokenAsync(name, "wrong-1")).ProblemAsync(HttpStatusCode.Unauthorized);
            Assert.Contains("再错 2 次", first["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            await (await TokenAsync(name, "wrong-2")).ProblemAsync(HttpStatusCode.Unauthorized);
            var third = await (await TokenAsync(name, "wrong-3")).ProblemAsync(HttpStatusCode.Locked);
            Assert.Contains("锁定", third["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            var right = await (await TokenAsync(name, TestWorld.Password)).ProblemAsync(HttpStatusCode.Locked);
            Assert.Equal("locked-out", right["code"]!.GetValue<string>());
            Assert.True((await (await _client.GetAsync($"/api/users/{user.Id}")).ReadAsync(HttpStatusCode.OK))["lockedOut"]!.GetValue<bool>());

            var unlocked = await (await _client.PostAsync($"/api/users/{user.Id}/unlock", null)).ReadAsync(HttpStatusCode.OK);
            Assert.False(unlocked["lockedOut"]!.GetValue<bool>());
            await (await TokenAsync(name, TestWorld.Password)).ReadAsync(HttpStatusCode.OK);
            var log = await (await _client.GetAsync($"/api/audit?entityType=user&entityId={user.Id}")).ReadAsync(HttpStatusCode.OK);
            Assert.Contains(log["items"]!.AsArray(), e => e!["summary"]!.GetValue<string>() == $"解除用户“{name}”的登录锁定");
        }
        finally
        {
            await SetParameterAsync("lockout.max_failures", 5);
        }
    }

    [Fact]
    public async Task A_reset_password_replaces_the_old_one_and_must_be_changed_at_sign_in()
    {
        var name = Unique("reset");
        var user = await _factory.CreateUserAsync(name, _world.CentreA, null, [FormPermissions.Read]);
        var client = await _factory.ClientForAsync(name);

        var reset = await (await _client.PostAsync($"/api/users/{user.Id}/reset-password", null)).ReadAsync(HttpStatusCode.OK);
        var password = reset["password"]!.GetValue<string>();
        Assert.Equal(16, password.Length);

        await (await client.GetAsync("/api/auth/me")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await TokenAsync(name, TestWorld.Password)).ProblemAsync(HttpStatusCode.Unauthorized);
        var fresh = await (await TokenAsync(name, password)).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("password-change-required", fresh["code"]!.GetValue<string>());
        Assert.True((await (await _client.GetAsync($"/api/users/{user.Id}")).ReadAsync(HttpStatusCode.OK))["mustChangePassword"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_role_requiring_two_factor_stops_token_sign_in_until_an_authenticator_is_bound()
    {
        var roleId = await CreateRoleAsync([FormPermissions.Read], requiresTwoFactor: true);
        var userName = Unique("tfa");
        var created = await (await _client.PostAsync("/api/users", Http.Json(new { userName, displayName = "两步", userType = "operations", orgId = _world.CentreA.Id, roleIds = new[] { roleId }, password = TestWorld.Password })))
            .ReadAsync(HttpStatusCode.Created);
        var id = Guid.Parse(created["user"]!["id"]!.GetValue<string>());
        var setup = await (await TokenAsync(userName, TestWorld.Password)).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("two-factor-setup-required", setup["code"]!.GetValue<string>());

        // Once bound, sign-in asks for the code; an administrator's reset makes the user bind again.
        await _factory.WithDatabaseAsync(db => db.Users.Where(u => u.Id == id).ExecuteUpdateAsync(s => s.SetProperty(u => u.TwoFactorEnabled, true)));
        var code = await (await TokenAsync(userName, TestWorld.Password)).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("two-factor-required", code["code"]!.GetValue<string>());
        var reset = await (await _client.PostAsync($"/api/users/{id}/reset-two-factor", null)).ReadAsync(HttpStatusCode.OK);
        Assert.False(reset["twoFactorEnabled"]!.GetValue<bool>());
        var again = await (await TokenAsync(userName, TestWorld.Password)).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("two-factor-setup-required", again["code"]!.GetValue<string>());
    }

    // ---- roles ----

    [Fact]
    public async Task Roles_hold_catalogue_permissions_and_built_in_or_assigned_roles_are_not_deleted()
    {
        var catalogue = await (await _client.GetAsync("/api/permissions")).ReadAsync(HttpStatusCode.OK);
        var residents = catalogue.AsArray().Single(f => f!["feature"]!.GetValue<string>() == "居民信息")!;
        Assert.Contains(residents["permissions"]!.AsArray(), p => p!["code"]!.GetValue<string>() == ResidentPermissions.Read && p["name"]!.GetValue<string>() == "查看居民信息");

        var unknown = await (await _client.PostAsync("/api/roles", Http.Json(new { name = Unique("角色"), permissions = new[] { FormPermissions.Read, "records.burn" } }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("/permissions/1", Assert.Single(unknown.Errors()).Path);

        var name = Unique("角色");
        var created = await (await _client.PostAsync("/api/roles", Http.Json(new { name, description = "测试", permissions = new[] { FormPermissions.Read } }))).ReadAsync(HttpStatusCode.Created);
        var roleId = created["id"]!.GetValue<string>();
        Assert.Equal(["查看表单"], created["permissionNames"]!.AsArray().Select(p => p!.GetValue<string>()));
        var duplicate = await (await _client.PostAsync("/api/roles", Http.Json(new { name, permissions = Array.Empty<string>() }))).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("duplicate-role-name", duplicate["code"]!.GetValue<string>());

        var roles = await (await _client.GetAsync("/api/roles")).ReadAsync(HttpStatusCode.OK);
        var administrator = roles.AsArray().Single(r => r!["name"]!.GetValue<string>() == AccessBootstrap.AdministratorRole)!;
        Assert.True(administrator["isSystem"]!.GetValue<bool>());
        var system = await (await _client.DeleteAsync($"/api/roles/{administrator["id"]!.GetValue<string>()}")).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("system-role", system["code"]!.GetValue<string>());
        var rename = await (await _client.PutAsync($"/api/roles/{administrator["id"]!.GetValue<string>()}", Http.Json(new { name = "超级管理员", permissions = new[] { FormPermissions.Read } }))).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("system-role-name", rename["code"]!.GetValue<string>());

        var holder = await (await _client.PostAsync("/api/users", Http.Json(new { userName = Unique("holder"), displayName = "持有者", userType = "service", orgId = _world.CentreA.Id, roleIds = new[] { roleId } }))).ReadAsync(HttpStatusCode.Created);
        var inUse = await (await _client.DeleteAsync($"/api/roles/{roleId}")).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("role-in-use", inUse["code"]!.GetValue<string>());
        var holderId = holder["user"]!["id"]!.GetValue<string>();
        await (await _client.PutAsync($"/api/users/{holderId}", Http.Json(new { displayName = "持有者", userType = "service", orgId = _world.CentreA.Id, roleIds = Array.Empty<string>() }))).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/api/roles/{roleId}")).StatusCode);
        await (await _client.DeleteAsync($"/api/roles/{roleId}")).ProblemAsync(HttpStatusCode.NotFound);

        var userAdmin = Unique("noroles");
        await _factory.CreateUserAsync(userAdmin, _world.CentreA, null, [AccessPermissions.UsersRead, AccessPermissions.UsersWrite]);
        var client = await _factory.ClientForAsync(userAdmin);
        await (await client.PostAsync("/api/roles", Http.Json(new { name = Unique("角色"), permissions = Array.Empty<string>() }))).ProblemAsync(HttpStatusCode.Forbidden);
    }

    // ---- groups ----

    [Fact]
    public async Task A_group_gives_its_roles_to_its_members_in_scope()
    {
        var name = Unique("member");
        var member = await _factory.CreateUserAsync(name, _world.CentreA, null, [FormPermissions.Read]);
        var client = await _factory.ClientForAsync(name);
        await (await client.GetAsync("/api/residents")).ProblemAsync(HttpStatusCode.Forbidden);

        var readers = await CreateRoleAsync([ResidentPermissions.Read]);
        var groupName = Unique("组");
        var group = await (await _client.PostAsync("/api/user-groups", Http.Json(new { name = groupName, roleIds = new[] { readers }, userIds = new[] { member.Id } }))).ReadAsync(HttpStatusCode.Created);
        var groupId = group["id"]!.GetValue<string>();
        Assert.Equal(name, Assert.Single(group["members"]!.AsArray())!["userName"]!.GetValue<string>());
        await (await client.GetAsync("/api/residents")).ReadAsync(HttpStatusCode.OK);
        var detail = await (await _client.GetAsync($"/api/users/{member.Id}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(groupName, Assert.Single(detail["groups"]!.AsArray())!["name"]!.GetValue<string>());

        // A user admin of 乙 may not add members from 甲, nor hand out permissions through a group.
        var adminName = Unique("gadmin");
        await _factory.CreateUserAsync(adminName, _world.CentreB, null, [AccessPermissions.UsersRead, AccessPermissions.UsersWrite]);
        var adminB = await _factory.ClientForAsync(adminName);
        var outside = await (await adminB.PostAsync("/api/user-groups", Http.Json(new { name = Unique("组"), roleIds = Array.Empty<string>(), userIds = new[] { member.Id } }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("/userIds/0", Assert.Single(outside.Errors()).Path);
        var local = await _factory.CreateUserAsync(Unique("local"), _world.CentreB, null, []);
        await (await adminB.PostAsync("/api/user-groups", Http.Json(new { name = Unique("组"), roleIds = new[] { readers }, userIds = new[] { local.Id } }))).ProblemAsync(HttpStatusCode.Forbidden);
        var seen = (await (await adminB.GetAsync("/api/user-groups")).ReadAsync(HttpStatusCode.OK)).AsArray().Single(g => g!["id"]!.GetValue<string>() == groupId)!;
        Assert.Empty(seen["members"]!.AsArray());
        Assert.Equal(1, seen["memberCount"]!.GetValue<int>());
        await (await adminB.DeleteAsync($"/api/user-groups/{groupId}")).ProblemAsync(HttpStatusCode.Forbidden);

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/api/user-groups/{groupId}")).StatusCode);
        await (await client.GetAsync("/api/residents")).ProblemAsync(HttpStatusCode.Forbidden);
    }
}

public sealed class SqliteAccessApiTests(SqliteHost host) : AccessApiTests<SqliteHost>(host);

public sealed class PostgreSqlAccessApiTests(PostgreSqlHost host) : AccessApiTests<PostgreSqlHost>(host);
