using Jiayi.Data.Access;
using Jiayi.Data.Contracts;
using Jiayi.Data.Organizations;
using Jiayi.Host.Access;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Jiayi.Host.Tests.Support;

/// <summary>What signing tests need: packages, users holding the roles the signing workflows name, a signature image.</summary>
public static class Signing
{
    /// <summary>A real 2×2 PNG (what a canvas gives, only smaller).</summary>
    public const string SignaturePng = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAC0lEQVR4nGNgQAYAAA4AAamRc7EAAAAASUVORK5CYII=";

    public static Task<ServicePackage> AddPackageAsync(this JiayiFactory factory, Organization issuer, string name, string kind = PackageKinds.Basic, bool published = true, DateOnly? validFrom = null, DateOnly? validTo = null, decimal price = 0m) =>
        factory.WithDatabaseAsync(async db =>
        {
            var package = new ServicePackage
            {
                Name = name,
                Kind = kind,
                Price = price,
                ValidFrom = validFrom ?? new DateOnly(2020, 1, 1),
                ValidTo = validTo ?? new DateOnly(2099, 12, 31),
                IssuerOrgId = issuer.Id,
                IssuerOrgPath = issuer.Path,
                Published = published,
                Items = [new PackageItem { Order = 1, Name = "高血压患者随访", FormId = "hypertension-followup", TimesPerYear = 4 }],
            };
            db.ServicePackages.Add(package);
            await db.SaveChangesAsync();
            return package;
        });

    /// <summary>A user with the named built-in role (what workflow definitions name) and their own permission role.</summary>
    public static async Task<AppUser> CreateStaffAsync(this JiayiFactory factory, string userName, Organization org, Organization? team, string roleName, IEnumerable<string> permissions, bool leader = false)
    {
        var user = await factory.CreateUserAsync(userName, org, team, permissions);
        await factory.WithDatabaseAsync(async db =>
        {
            var role = await db.Roles.SingleAsync(r => r.Name == roleName);
            db.UserRoles.Add(new UserRole { UserId = user.Id, RoleId = role.Id });
            if (team is not null)
            {
                db.TeamMembers.Add(new TeamMember { TeamId = team.Id, UserId = user.Id, Name = userName, Role = "家庭医生", IsLeader = leader });
            }

            return await db.SaveChangesAsync();
        });
        return user;
    }

    public static async Task<AccessInfo> AccessOfAsync(this JiayiFactory factory, Guid userId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<AccessService>().GetAsync(userId, CancellationToken.None))!;
    }

    public static readonly string[] DoctorPermissions =
    [
        ContractPermissions.Read, ContractPermissions.Sign, ContractPermissions.Request, ContractPermissions.PackagesRead,
        WorkflowPermissions.Read, ResidentPermissions.Read,
    ];
}
