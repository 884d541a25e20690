using Jiayi.Data;
using Jiayi.Data.Contracts;
using Jiayi.Data.Organizations;
using Jiayi.Host.Access;
using Jiayi.Host.Contracts;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Demo;

/// <summary>
/// Demo signing data for the demo doctor's team (马庄家庭医生一团队), made through the real services and
/// workflows: a published 基础包 and 个性化包 (and an unpublished draft), contracts in every status, and
/// residents' requests waiting in the demo doctor's inbox (待初审) and the centre administrator's (待审核).
/// </summary>
public sealed class SigningDemo(
    IDbContextFactory<JiayiDbContext> databases, AccessService access, ContractService contracts, WorkflowRuntime workflows, WorkflowTimerJob timers, Clock clock)
{
    /// <summary>A 1×1 white PNG: the demo's on-screen signatures.</summary>
    private const string Signature = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==";

    public async Task SeedAsync(Guid doctorId, Guid adminId, Organization team, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(team);
        var today = clock.Today;
        List<Guid> residents;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            var institution = await db.Organizations.SingleAsync(o => o.Id == team.ParentId, cancellationToken);
            db.ServicePackages.Add(Package("基本公共卫生服务包", PackageKinds.Basic, 0m, 0m, institution, true, today,
                "国家基本公共卫生服务项目，免费提供。",
                ["一般人群", "老年人", "高血压患者", "2型糖尿病患者"],
                ("建立和管理居民健康档案", "personal-basic-info", null, 1), ("高血压患者随访", "hypertension-followup", null, 4), ("2型糖尿病患者随访", "diabetes-followup", null, 4),
                ("老年人生活自理能力评估", "elderly-self-care", null, 1), ("老年人中医药健康管理", "elderly-tcm-constitution", null, 1),
                ("年度健康体检", "health-exam", null, 1), ("基层门诊诊疗", null, "门诊", 4)));
            db.ServicePackages.Add(Package("慢病管理个性化包", PackageKinds.Personalised, 120m, 60m, institution, true, today,
                "高血压、糖尿病患者的上门随访、血糖监测与用药指导。",
                ["高血压患者", "2型糖尿病患者"],
                ("上门随访", null, "上门服务", 2), ("指尖血糖监测", null, "检验", 12), ("用药指导", null, "健康指导", 4), ("慢病门诊复诊", null, "高血压门诊复诊", 4)));
            db.ServicePackages.Add(Package("老年人家庭病床包（草稿）", PackageKinds.Personalised, 300m, 100m, institution, false, today,
                "尚未发布：家庭病床建床评估、每周上门查床。", ["老年人"], ("家庭病床查床", null, "上门服务", 52)));
            await db.SaveChangesAsync(cancellationToken);
            residents = await db.Residents.Where(r => r.OrgId == team.Id).OrderBy(r => r.Id).Select(r => r.Id).Take(60).ToListAsync(cancellationToken);
        }

        List<Guid> packages;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            // The 基础包 first: every demo contract has it, some add the 个性化包.
            packages = await db.ServicePackages.Where(p => p.Published).OrderBy(p => p.Kind == PackageKinds.Basic ? 0 : 1).Select(p => p.Id).ToListAsync(cancellationToken);
        }

        var doctor = (await access.GetAsync(doctorId, cancellationToken))!;
        var admin = (await access.GetAsync(adminId, cancellationToken))!;
        var basic = packages[..1];
        var index = 0;
        SignInput Input(IReadOnlyList<Guid> ids, DateOnly? start = null) =>
            new(residents[index++], ids, team.Id, null, start, ContractSources.Web, new ImageInput("image/png", Convert.FromBase64String(Signature)), null, 34.33, 108.70, null);

        // Signed on the spot today, with the personalised package for some.
        for (var i = 0; i < 16; i++)
        {
            await contracts.SignAsync(doctor, Input(i % 3 == 0 ? packages : basic), cancellationToken);
        }

        // Signed on paper last year: ending within the reminder window (renewal reminders), or already ended (expire at the next sweep).
        for (var i = 0; i < 6; i++)
        {
            await contracts.BackfillAsync(doctor, Input(basic, today.AddMonths(-12).AddDays(10 + i * 3)), cancellationToken);
        }

        for (var i = 0; i < 2; i++)
        {
            await contracts.BackfillAsync(doctor, Input(basic, today.AddMonths(-13).AddDays(-i)), cancellationToken);
        }

        // Terminated.
        for (var i = 0; i < 2; i++)
        {
            var signed = await contracts.SignAsync(doctor, Input(basic), cancellationToken);
            await workflows.FireAsync(signed.InstanceId, new FireRequest("terminate", "居民迁往外地", Data(i == 0 ? "02" : "04", today), null), doctor, cancellationToken);
        }

        // Residents' requests in every review state.
        var requests = new List<SignResult>();
        for (var i = 0; i < 10; i++)
        {
            requests.Add(await contracts.RequestAsync(doctor, Input(i % 2 == 0 ? basic : packages) with { Source = ContractSources.ResidentApp, Signature = null, Latitude = null, Longitude = null }, cancellationToken));
        }

        await workflows.FireAsync(requests[0].InstanceId, new FireRequest("approve", "信息完整，同意", null, null), doctor, cancellationToken);
        await workflows.FireAsync(requests[1].InstanceId, new FireRequest("approve", null, null, null), doctor, cancellationToken);
        await workflows.FireAsync(requests[2].InstanceId, new FireRequest("approve", null, null, null), doctor, cancellationToken);
        await workflows.FireAsync(requests[2].InstanceId, new FireRequest("approve", "审核通过", null, null), admin, cancellationToken);
        await workflows.FireAsync(requests[3].InstanceId, new FireRequest("reject", "居民不在本团队服务范围内，请向户籍所在地团队申请", null, null), doctor, cancellationToken);
        await workflows.FireAsync(requests[4].InstanceId, new FireRequest("send_back", "请补充联系电话后重新提交", null, null), doctor, cancellationToken);

        // The contracts entered from last year's paper are past their reminder day or their end: let their
        // timers fire now (as the minute's sweep would), so that the demo opens with reminders and 已过期.
        await timers.RunDueAsync(cancellationToken);
    }

    private static System.Text.Json.JsonElement Data(string reason, DateOnly day) =>
        System.Text.Json.JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["terminate_date"] = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ["reason"] = reason });

    private static ServicePackage Package(string name, string kind, decimal price, decimal subsidy, Organization issuer, bool published, DateOnly today, string description, List<string> populations, params (string Name, string? FormId, string? ServiceType, int Times)[] items) => new()
    {
        Name = name,
        Kind = kind,
        Description = description,
        TargetPopulations = populations,
        Price = price,
        Subsidy = subsidy,
        ValidFrom = new DateOnly(today.Year, 1, 1),
        ValidTo = new DateOnly(today.Year + 1, 12, 31),
        IssuerOrgId = issuer.Id,
        IssuerOrgPath = issuer.Path,
        Published = published,
        PublishedAt = published ? DateTime.UtcNow : null,
        Items = [.. items.Select((item, i) => new PackageItem { Order = i + 1, Name = item.Name, FormId = item.FormId, ServiceType = item.ServiceType, TimesPerYear = item.Times })],
    };
}
