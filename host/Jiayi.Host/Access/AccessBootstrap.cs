using System.Security.Cryptography;
using System.Text.Json;
using Jiayi.Data;
using Jiayi.Data.Access;
using Jiayi.Data.Organizations;
using Jiayi.Engine.Definitions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Access;

/// <summary>
/// What a new installation needs before anyone can sign in: the administrative divisions from
/// definitions/reference, the built-in roles, and — when there is no user at all — the administrator
/// <c>admin</c>, whose password is <c>JIAYI_ADMIN_PASSWORD</c> when set, else a random one printed once.
/// </summary>
public sealed partial class AccessBootstrap(JiayiDbContext db, UserManager<AppUser> users, IConfiguration configuration, ILogger<AccessBootstrap> logger)
{
    public const string AdministratorRole = "系统管理员";
    public const string OperationsRole = "运维管理员";
    public const string SupervisorRole = "监管人员";
    public const string DoctorRole = "家庭医生";
    public const string InstitutionAdminRole = "机构管理员";

    /// <summary>Adds the divisions of the reference file that are not in the tree yet; renames and removals are left to administrators.</summary>
    public async Task EnsureDivisionsAsync(string definitionsPath, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(definitionsPath, "reference");
        string[] files = Directory.Exists(folder) ? [.. Directory.GetFiles(folder, "divisions-*.json").Order(StringComparer.Ordinal)] : [];
        foreach (var file in files)
        {
            var source = $"definitions/reference/{Path.GetFileName(file)}";
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(file, cancellationToken));
            var errors = DefinitionSchema.Divisions.Check(document.RootElement, source);
            if (errors.Count > 0)
            {
                throw new DefinitionException(errors);
            }

            var existing = await db.Organizations.Select(o => o.Path).ToHashSetAsync(StringComparer.Ordinal, cancellationToken);
            Add(document.RootElement, null, "/", existing);
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    private void Add(JsonElement node, Organization? parent, string parentPath, HashSet<string> existing)
    {
        var code = node.GetProperty("code").GetString()!;
        var path = parentPath + code + "/";
        var organization = db.Organizations.Local.FirstOrDefault(o => o.Path == path);
        if (organization is null && !existing.Contains(path))
        {
            organization = new Organization
            {
                Code = code,
                Name = node.GetProperty("name").GetString()!,
                Kind = OrganizationKinds.Division,
                Level = node.GetProperty("level").GetString(),
                ParentId = parent?.Id,
                Path = path,
                IsActive = !(node.TryGetProperty("inactive", out var inactive) && inactive.GetBoolean()),
            };
            db.Organizations.Add(organization);
        }

        organization ??= db.Organizations.Single(o => o.Path == path);
        if (node.TryGetProperty("children", out var children))
        {
            foreach (var child in children.EnumerateArray())
            {
                Add(child, organization, path, existing);
            }
        }
    }

    /// <summary>The built-in roles (created once; afterwards they are data that administrators edit).</summary>
    public async Task EnsureRolesAsync(CancellationToken cancellationToken)
    {
        var names = await db.Roles.Select(r => r.Name).ToListAsync(cancellationToken);
        foreach (var role in BuiltInRoles().Where(r => !names.Contains(r.Name)))
        {
            db.Roles.Add(role);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    public static IEnumerable<Role> BuiltInRoles()
    {
        yield return new Role
        {
            Name = AdministratorRole,
            Description = "全部权限；须两步验证",
            Permissions = [.. PermissionCatalog.Codes.Order(StringComparer.Ordinal)],
            RequiresTwoFactor = true,
            IsSystem = true,
        };
        yield return new Role
        {
            Name = OperationsRole,
            Description = "运维：用户、角色、参数、日志与机构维护；须两步验证",
            Permissions =
            [
                AccessPermissions.UsersRead, AccessPermissions.UsersWrite, AccessPermissions.RolesWrite,
                ParameterPermissions.Read, ParameterPermissions.Write,
                AuditPermissions.Read, AuditPermissions.Export, AuditPermissions.Verify,
                OrganizationPermissions.Read, OrganizationPermissions.Write, OrganizationPermissions.Import,
                FormPermissions.Definitions, FormPermissions.Read, WorkflowPermissions.Read, WorkflowPermissions.Migrate,
                IntegrationPermissions.Read, IntegrationPermissions.Manage,
            ],
            RequiresTwoFactor = true,
        };
        yield return new Role
        {
            Name = SupervisorRole,
            Description = "卫生健康行政部门的监管人员：查看辖区数据与日志",
            Permissions =
            [
                FormPermissions.Read, FormPermissions.RecordsRead, FormPermissions.Definitions,
                ResidentPermissions.Read, OrganizationPermissions.Read, AccessPermissions.UsersRead,
                ParameterPermissions.Read, AuditPermissions.Read, AuditPermissions.Export,
                ContractPermissions.PackagesRead, ContractPermissions.Read, ContractPermissions.Log, WorkflowPermissions.Read,
                ProgrammePermissions.Read, ProgrammePermissions.RemoteLookup,
            ],
        };
        yield return new Role
        {
            Name = DoctorRole,
            Description = "家庭医生团队成员：管理本团队的居民，填写服务记录",
            Permissions =
            [
                FormPermissions.Read, FormPermissions.RecordsRead, FormPermissions.RecordsWrite,
                ResidentPermissions.Read, ResidentPermissions.Write, ResidentPermissions.Import, ResidentPermissions.ViewSensitive,
                OrganizationPermissions.Read,
                ContractPermissions.PackagesRead, ContractPermissions.Read, ContractPermissions.Sign, ContractPermissions.Request, WorkflowPermissions.Read,
                ProgrammePermissions.Read, ProgrammePermissions.Enrol, ProgrammePermissions.RemoteLookup,
            ],
        };
        yield return new Role
        {
            Name = InstitutionAdminRole,
            Description = "医疗机构管理员：维护本机构的团队、人员与居民",
            Permissions =
            [
                FormPermissions.Read, FormPermissions.RecordsRead, FormPermissions.RecordsWrite,
                ResidentPermissions.Read, ResidentPermissions.Write, ResidentPermissions.Delete, ResidentPermissions.Import, ResidentPermissions.ViewSensitive,
                OrganizationPermissions.Read, OrganizationPermissions.Write,
                AccessPermissions.UsersRead, AccessPermissions.UsersWrite, AuditPermissions.Read,
                ContractPermissions.PackagesRead, ContractPermissions.PackagesWrite, ContractPermissions.PackagesPublish,
                ContractPermissions.Read, ContractPermissions.Sign, ContractPermissions.Request, ContractPermissions.Log, WorkflowPermissions.Read,
                ProgrammePermissions.Read, ProgrammePermissions.Enrol, ProgrammePermissions.RemoteLookup, IntegrationPermissions.Read, IntegrationPermissions.Manage,
            ],
        };
    }

    /// <summary>Creates <c>admin</c> when the installation has no user yet.</summary>
    public async Task EnsureAdministratorAsync(CancellationToken cancellationToken)
    {
        if (await users.Users.AnyAsync(cancellationToken))
        {
            return;
        }

        var root = await db.Organizations.OrderBy(o => o.Path.Length).FirstAsync(cancellationToken);
        await CreateUserAsync("admin", "系统管理员", UserTypes.Operations, root.Id, null, AdministratorRole, cancellationToken);
    }

    /// <summary>Creates a user with the configured or a random password (printed once) and one role.</summary>
    public async Task<AppUser> CreateUserAsync(string userName, string displayName, string userType, Guid orgId, Guid? teamId, string roleName, CancellationToken cancellationToken)
    {
        var configured = configuration["JIAYI_ADMIN_PASSWORD"];
        var password = string.IsNullOrEmpty(configured) ? RandomPassword() : configured;
        var user = new AppUser
        {
            UserName = userName,
            DisplayName = displayName,
            UserType = userType,
            OrgId = orgId,
            TeamId = teamId,
            PasswordChangedAt = DateTime.UtcNow,
            MustChangePassword = string.IsNullOrEmpty(configured),
        };
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Cannot create {userName}: {string.Join("; ", result.Errors.Select(e => e.Description))} (JIAYI_ADMIN_PASSWORD must satisfy the password policy)");
        }

        var role = await db.Roles.SingleAsync(r => r.Name == roleName, cancellationToken);
        db.UserRoles.Add(new UserRole { UserId = user.Id, RoleId = role.Id });
        await db.SaveChangesAsync(cancellationToken);
        if (string.IsNullOrEmpty(configured))
        {
            // Printed once, to the console only (never to the log files): the first sign-in must change it.
            Console.WriteLine($"已创建账号 {userName}（{displayName}），初始密码：{password}　—— 只显示这一次，首次登录须修改。");
        }

        LogCreated(logger, userName);
        return user;
    }

    /// <summary>16 characters from all four classes, so that any password policy up to 16 characters accepts it.</summary>
    public static string RandomPassword()
    {
        const string upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
        const string lower = "abcdefghijkmnopqrstuvwxyz";
        const string digits = "23456789";
        const string symbols = "!@#$%^&*-_=+";
        var all = upper + lower + digits + symbols;
        var chars = new char[16];
        chars[0] = upper[RandomNumberGenerator.GetInt32(upper.Length)];
        chars[1] = lower[RandomNumberGenerator.GetInt32(lower.Length)];
        chars[2] = digits[RandomNumberGenerator.GetInt32(digits.Length)];
        chars[3] = symbols[RandomNumberGenerator.GetInt32(symbols.Length)];
        for (var i = 4; i < chars.Length; i++)
        {
            chars[i] = all[RandomNumberGenerator.GetInt32(all.Length)];
        }

        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created user {UserName}")]
    private static partial void LogCreated(ILogger logger, string userName);
}
