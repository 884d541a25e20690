using Jiayi.Data.Access;
using Jiayi.Data.BatchImports;
using Jiayi.Data.Contracts;
using Jiayi.Data.Definitions;
using Jiayi.Data.Organizations;
using Jiayi.Data.Parameters;
using Jiayi.Data.Records;
using Jiayi.Data.Residents;
using Jiayi.Data.Workflows;

namespace Jiayi.Host.Audit;

/// <summary>How entities are named in the system log: a stable type code for filtering, a Chinese name, the id and a label.</summary>
public static class AuditNames
{
    public static readonly IReadOnlyDictionary<string, string> Types = new Dictionary<string, string>
    {
        ["resident"] = "居民",
        ["household"] = "家庭",
        ["organization"] = "机构",
        ["team-member"] = "团队成员",
        ["user"] = "用户",
        ["role"] = "角色",
        ["user-role"] = "用户角色",
        ["user-group"] = "用户组",
        ["user-group-member"] = "用户组成员",
        ["user-group-role"] = "用户组角色",
        ["form-record"] = "服务记录",
        ["form-definition"] = "表单定义",
        ["parameter"] = "系统参数",
        ["import"] = "批量导入",
        ["audit"] = "系统日志",
        ["session"] = "登录会话",
        ["user-token"] = "两步验证密钥",
        ["package"] = "服务包",
        ["package-item"] = "服务包项目",
        ["contract"] = "签约",
        ["contract-package"] = "签约服务包",
        ["file"] = "文件",
        ["workflow-definition"] = "流程定义",
        ["workflow-instance"] = "流程实例",
        ["follow-up"] = "随访计划",
        ["enrolment"] = "项目入组",
        ["definition"] = "定义",
        ["his-visit"] = "HIS 就诊",
        ["inbound-rejection"] = "接口纠错",
    };

    public static (string Type, string TypeName, string? Id, string? Name) Of(object entity) => entity switch
    {
        Resident r => ("resident", "居民", r.Id.ToString(), r.Name),
        Household h => ("household", "家庭", h.Id.ToString(), null),
        Organization o => ("organization", OrganizationKinds.Names.GetValueOrDefault(o.Kind, "机构"), o.Id.ToString(), o.Name),
        TeamMember m => ("team-member", "团队成员", m.Id.ToString(), m.Name),
        AppUser u => ("user", "用户", u.Id.ToString(), u.UserName),
        Role r => ("role", "角色", r.Id.ToString(), r.Name),
        UserRole ur => ("user-role", "用户角色", $"{ur.UserId}:{ur.RoleId}", null),
        UserGroup g => ("user-group", "用户组", g.Id.ToString(), g.Name),
        UserGroupMember m => ("user-group-member", "用户组成员", $"{m.GroupId}:{m.UserId}", null),
        UserGroupRole r => ("user-group-role", "用户组角色", $"{r.GroupId}:{r.RoleId}", null),
        FormRecord f => ("form-record", "服务记录", f.Id.ToString(), f.FormId),
        FormDefinitionVersion d => ("form-definition", "表单定义", $"{d.FormId}:{d.Version}", $"{d.Title} 第 {d.Version} 版"),
        SystemParameterValue p => ("parameter", "系统参数", p.Key, p.Key),
        ImportJob j => ("import", "批量导入", j.Id.ToString(), j.FileName),
        ServicePackage p => ("package", "服务包", p.Id.ToString(), p.Name),
        PackageItem i => ("package-item", "服务包项目", i.Id.ToString(), i.Name),
        Contract c => ("contract", "签约", c.Id.ToString(), $"{c.Number} {c.ResidentName}"),
        ContractPackage p => ("contract-package", "签约服务包", $"{p.ContractId}:{p.PackageId}", p.PackageName),
        Jiayi.Data.Files.StoredFile f => ("file", "文件", f.Id.ToString(), $"{f.OwnerType} {f.Kind}"),
        WorkflowDefinitionVersion d => ("workflow-definition", "流程定义", $"{d.WorkflowId}:{d.Version}", $"{d.Title} 第 {d.Version} 版"),
        WorkflowInstance i => ("workflow-instance", "流程实例", i.Id.ToString(), i.Title),
        Jiayi.Data.FollowUps.FollowUp f => ("follow-up", "随访计划", f.Id.ToString(), f.Title),
        Jiayi.Data.Programmes.Enrolment e => ("enrolment", "项目入组", e.Id.ToString(), e.ProgrammeId),
        DefinitionVersion d => ("definition", "定义", $"{d.Kind}:{d.DefinitionId}:{d.Version}", $"{d.Title} 第 {d.Version} 版"),
        Jiayi.Data.Integrations.HisVisit v => ("his-visit", "HIS 就诊", v.Id.ToString(), v.EventId),
        Jiayi.Data.Integrations.InboundRejection r => ("inbound-rejection", "接口纠错", r.Id.ToString(), r.EventId),
        // The authenticator key of two-factor sign-in: its value never reaches the log.
        Microsoft.AspNetCore.Identity.IdentityUserToken<Guid> t => ("user-token", "两步验证密钥", t.UserId.ToString(), null),
        _ => (entity.GetType().Name, entity.GetType().Name, null, null),
    };

    /// <summary>Columns every save touches; listing them would only hide the real change.</summary>
    public static bool IsBookkeeping(string property) => property is "UpdatedAt" or "ConcurrencyStamp" or "SecurityStamp";

    public static string Property(string name) => name switch
    {
        "Name" => "名称",
        "DisplayName" => "姓名",
        "Sex" => "性别",
        "BirthDate" => "出生日期",
        "IdNumberCipher" or "IdNumberHash" or "IdNumberMasked" => "身份证号",
        "PhoneCipher" or "PhoneHash" or "PhoneMasked" => "电话",
        "PhoneNumber" => "电话",
        "AddressDivisionId" or "AddressDetail" or "Address" => "地址",
        "HouseholdId" or "RelationToHead" => "家庭关系",
        "OrgId" or "OrgPath" => "所属机构",
        "TeamId" => "所属团队",
        "Tags" => "重点人群",
        "Permissions" => "权限",
        "PasswordHash" => "密码",
        "IsActive" => "启用状态",
        "UserType" => "用户类型",
        "TwoFactorEnabled" => "两步验证",
        "MustChangePassword" => "下次登录须改密码",
        "PasswordChangedAt" => "密码修改时间",
        "Value" => "取值",
        "Code" => "代码",
        "Kind" => "类型",
        "Level" => "级别",
        "Category" => "机构类型",
        "Beds" => "床位",
        "ContactPerson" or "ContactPhone" => "联系方式",
        "ParentId" or "Path" => "上级单位",
        "Description" => "说明",
        "RequiresTwoFactor" => "需两步验证",
        "Role" => "团队角色",
        "IsLeader" => "团队长",
        "Status" or "State" or "IsOpen" => "状态",
        "Revision" => "版本号",
        "WorkflowVersion" => "流程版本",
        "RenewedById" => "续约",
        "TerminationReason" or "TerminatedOn" => "解约信息",
        "Published" or "PublishedAt" => "发布状态",
        "CompletedAt" => "完成时间",
        "Data" or "Scores" or "Outcomes" => "表单内容",
        _ => name,
    };
}
