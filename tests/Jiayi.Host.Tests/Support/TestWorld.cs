using System.Net.Http.Headers;
using Jiayi.Data;
using Jiayi.Data.Access;
using Jiayi.Data.Organizations;
using Jiayi.Data.Residents;
using Jiayi.Engine.Identity;
using Jiayi.Host.Access;
using Jiayi.Host.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Jiayi.Host.Tests.Support;

/// <summary>
/// An organisation tree to test data scope in, on top of the shipped divisions: two institutions in
/// 秦都区 (one with two teams) and one in 兴平市 (one team).
/// </summary>
public sealed record TestWorld(Organization City, Organization Qindu, Organization CentreA, Organization TeamA1, Organization TeamA2, Organization Xingping, Organization CentreB, Organization TeamB1)
{
    /// <summary>The password every test user gets (it satisfies the default policy).</summary>
    public const string Password = "Test-Passw0rd!";

    public static async Task<TestWorld> CreateAsync(JiayiFactory factory) => await factory.WithDatabaseAsync(async db =>
    {
        var divisions = await db.Organizations.Where(o => o.Code == "6104" || o.Code == "610402" || o.Code == "610481").ToDictionaryAsync(o => o.Code);
        var centreA = Node(db, "T-A", "测试甲卫生院", OrganizationKinds.Institution, divisions["610402"]);
        var teamA1 = Node(db, "T-A1", "甲一团队", OrganizationKinds.Team, centreA);
        var teamA2 = Node(db, "T-A2", "甲二团队", OrganizationKinds.Team, centreA);
        var centreB = Node(db, "T-B", "测试乙卫生院", OrganizationKinds.Institution, divisions["610481"]);
        var teamB1 = Node(db, "T-B1", "乙一团队", OrganizationKinds.Team, centreB);
        await db.SaveChangesAsync();
        return new TestWorld(divisions["6104"], divisions["610402"], centreA, teamA1, teamA2, divisions["610481"], centreB, teamB1);
    });

    private static Organization Node(JiayiDbContext db, string code, string name, string kind, Organization parent)
    {
        var node = new Organization { Code = code, Name = name, Kind = kind, ParentId = parent.Id, Path = parent.Path + code + "/" };
        db.Organizations.Add(node);
        return node;
    }
}

public static class TestUsers
{
    /// <summary>Creates a user with its own role holding exactly <paramref name="permissions"/>.</summary>
    public static async Task<AppUser> CreateUserAsync(this JiayiFactory factory, string userName, Organization org, Organization? team, IEnumerable<string> permissions, bool twoFactorRole = false, string userType = UserTypes.Service)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var db = scope.ServiceProvider.GetRequiredService<JiayiDbContext>();
        var role = new Role { Name = $"角色-{userName}", Permissions = [.. permissions], RequiresTwoFactor = twoFactorRole };
        db.Roles.Add(role);
        await db.SaveChangesAsync();
        var user = new AppUser { UserName = userName, DisplayName = userName, UserType = userType, OrgId = org.Id, TeamId = team?.Id, PasswordChangedAt = DateTime.UtcNow };
        var result = await users.CreateAsync(user, TestWorld.Password);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
        db.UserRoles.Add(new UserRole { UserId = user.Id, RoleId = role.Id });
        await db.SaveChangesAsync();
        return user;
    }

    /// <summary>A client for <c>tester</c> (every permission, the whole city), creating the user on first use.</summary>
    public static async Task<HttpClient> TesterClientAsync(this JiayiFactory factory)
    {
        var exists = await factory.WithDatabaseAsync(db => db.Users.AnyAsync(u => u.UserName == "tester"));
        if (!exists)
        {
            var city = await factory.WithDatabaseAsync(db => db.Organizations.SingleAsync(o => o.Code == "6104"));
            await factory.CreateUserAsync("tester", city, null, AllPermissions);
        }

        return await factory.ClientForAsync("tester");
    }

    /// <summary>An HTTP client carrying the user's bearer token.</summary>
    public static async Task<HttpClient> ClientForAsync(this JiayiFactory factory, string userName, string password = TestWorld.Password)
    {
        var client = factory.CreateClient();
        var response = await client.PostAsync("/api/auth/token", Http.Json(new { username = userName, password }));
        var token = await response.ReadAsync(System.Net.HttpStatusCode.OK);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token["access_token"]!.GetValue<string>());
        return client;
    }

    /// <summary>A resident saved directly (encrypted identifiers included), managed by <paramref name="org"/>.</summary>
    public static async Task<Resident> AddResidentAsync(this JiayiFactory factory, Organization org, string name, string sex, DateOnly birthDate) =>
        (await factory.AddResidentWithIdAsync(org, name, sex, birthDate)).Resident;

    /// <summary>As <see cref="AddResidentAsync"/>, also giving the resident's ID number (e.g. for events from outside systems).</summary>
    public static Task<(Resident Resident, string IdNumber)> AddResidentWithIdAsync(this JiayiFactory factory, Organization org, string name, string sex, DateOnly birthDate) => factory.WithDatabaseAsync(async db =>
    {
        var protector = factory.Services.GetRequiredService<FieldProtector>();
        var first17 = $"610402{birthDate:yyyyMMdd}{Random.Shared.Next(0, 500) * 2 + (sex == "男" ? 1 : 0):000}";
        var id = first17 + ChineseIdNumber.CheckCharacter(first17);
        var resident = Jiayi.Host.Residents.ResidentService.NewResident(protector, name, id, sex, birthDate, org, DateTime.UtcNow);
        db.Residents.Add(resident);
        await db.SaveChangesAsync();
        return (resident, id);
    });

    public static IReadOnlyList<string> AllPermissions => [.. PermissionCatalog.Codes];
}
