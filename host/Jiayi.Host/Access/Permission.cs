namespace Jiayi.Host.Access;

/// <summary>One permission: a stable code stored in roles, a Chinese name, and the feature it belongs to.</summary>
public sealed record PermissionInfo(string Code, string Name, string Feature);

/// <summary>
/// Every permission of the platform, gathered from the features that declare them. A role holds codes
/// from this catalogue; an unknown code is refused when a role is saved.
/// </summary>
public static class PermissionCatalog
{
    public static IReadOnlyList<PermissionInfo> All { get; } =
    [
        .. FormPermissions.All,
        .. ResidentPermissions.All,
        .. OrganizationPermissions.All,
        .. AccessPermissions.All,
        .. ParameterPermissions.All,
        .. AuditPermissions.All,
        .. ContractPermissions.All,
        .. WorkflowPermissions.All,
        .. ProgrammePermissions.All,
        .. IntegrationPermissions.All,
    ];

    public static IReadOnlySet<string> Codes { get; } = All.Select(p => p.Code).ToHashSet(StringComparer.Ordinal);

    public static string NameOf(string code) => All.FirstOrDefault(p => p.Code == code)?.Name ?? code;
}

public static class FormPermissions
{
    public const string Read = "forms.read";
    public const string RecordsRead = "records.read";
    public const string RecordsWrite = "records.write";
    public const string Definitions = "definitions.read";

    public static readonly PermissionInfo[] All =
    [
        new(Read, "查看表单", "公共卫生服务"),
        new(RecordsRead, "查看服务记录", "公共卫生服务"),
        new(RecordsWrite, "填写服务记录", "公共卫生服务"),
        new(Definitions, "查看表单定义与版本", "配置中心"),
    ];
}

public static class ResidentPermissions
{
    public const string Read = "residents.read";
    public const string Write = "residents.write";
    public const string Delete = "residents.delete";
    public const string Import = "residents.import";
    public const string ViewSensitive = "residents.view-sensitive";

    public static readonly PermissionInfo[] All =
    [
        new(Read, "查看居民信息", "居民信息"),
        new(Write, "新增和修改居民", "居民信息"),
        new(Delete, "删除居民", "居民信息"),
        new(Import, "批量导入居民", "居民信息"),
        new(ViewSensitive, "查看完整身份证号和电话", "居民信息"),
    ];
}

public static class OrganizationPermissions
{
    public const string Read = "organizations.read";
    public const string Write = "organizations.write";
    public const string Import = "organizations.import";

    public static readonly PermissionInfo[] All =
    [
        new(Read, "查看机构、部门与团队", "机构与团队"),
        new(Write, "维护机构、部门与团队", "机构与团队"),
        new(Import, "批量导入医疗机构", "机构与团队"),
    ];
}

public static class AccessPermissions
{
    public const string UsersRead = "users.read";
    public const string UsersWrite = "users.write";
    public const string RolesWrite = "roles.write";

    public static readonly PermissionInfo[] All =
    [
        new(UsersRead, "查看用户", "用户与权限"),
        new(UsersWrite, "维护用户、用户组，重置密码", "用户与权限"),
        new(RolesWrite, "维护角色与权限", "用户与权限"),
    ];
}

public static class ParameterPermissions
{
    public const string Read = "parameters.read";
    public const string Write = "parameters.write";

    public static readonly PermissionInfo[] All =
    [
        new(Read, "查看系统参数", "系统参数"),
        new(Write, "修改系统参数", "系统参数"),
    ];
}

public static class AuditPermissions
{
    public const string Read = "audit.read";
    public const string Export = "audit.export";
    public const string Verify = "audit.verify";

    public static readonly PermissionInfo[] All =
    [
        new(Read, "查看系统日志", "系统日志"),
        new(Export, "导出系统日志", "系统日志"),
        new(Verify, "校验日志链", "系统日志"),
    ];
}

public static class ContractPermissions
{
    public const string PackagesRead = "packages.read";
    public const string PackagesWrite = "packages.write";
    public const string PackagesPublish = "packages.publish";
    public const string Read = "contracts.read";
    public const string Sign = "contracts.sign";
    public const string Request = "contracts.request";
    public const string Log = "contracts.log";

    public static readonly PermissionInfo[] All =
    [
        new(PackagesRead, "查看服务包", "签约管理"),
        new(PackagesWrite, "新增和修改服务包", "签约管理"),
        new(PackagesPublish, "发布和停用服务包", "签约管理"),
        new(Read, "查看签约", "签约管理"),
        new(Sign, "办理签约（医生端签约）", "签约管理"),
        new(Request, "提交签约申请（居民端）", "签约管理"),
        new(Log, "查看签约人员日志", "签约管理"),
    ];
}

public static class WorkflowPermissions
{
    public const string Read = "workflows.read";
    public const string Migrate = "workflows.migrate";

    public static readonly PermissionInfo[] All =
    [
        new(Read, "查看流程定义与实例", "配置中心"),
        new(Migrate, "迁移流程实例到新版本", "配置中心"),
    ];
}

public static class ProgrammePermissions
{
    public const string Read = "followups.read";
    public const string Enrol = "enrolments.write";
    public const string RemoteLookup = "records.remote-lookup";

    public static readonly PermissionInfo[] All =
    [
        new(Read, "查看管理项目、随访计划与待随访", "公共卫生服务"),
        new(Enrol, "管理项目入组、登记与结案", "公共卫生服务"),
        new(RemoteLookup, "远程查档（跨辖区调阅健康档案）", "健康档案"),
    ];
}

public static class IntegrationPermissions
{
    public const string Read = "integrations.read";
    public const string Manage = "integrations.manage";

    public static readonly PermissionInfo[] All =
    [
        new(Read, "查看接口接收记录与纠错队列", "接口对接"),
        new(Manage, "处理纠错队列（修正重提、作废）", "接口对接"),
    ];
}
