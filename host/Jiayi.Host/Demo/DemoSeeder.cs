using System.Globalization;
using System.Text.Json;
using Jiayi.Data;
using Jiayi.Data.Access;
using Jiayi.Data.Organizations;
using Jiayi.Data.Residents;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Identity;
using Jiayi.Host.Access;
using Jiayi.Host.Forms;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Records;
using Jiayi.Host.Residents;
using Jiayi.Host.Security;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Demo;

/// <summary>
/// First-run demo data (Demo:Enabled): in Xianyang's 秦都区 and 兴平市 (real county codes), townships and
/// villages, the health bureaus, a city hospital, township health centres and village clinics, family-doctor
/// teams, 1,000 synthetic residents in households with valid ID numbers and key-population tags, follow-up
/// records saved through the engine, service packages and contracts in every status (<see cref="SigningDemo"/>),
/// and the demo accounts demo-county, demo-doctor, demo-centre and demo-ops.
/// Township and village codes and institution codes are illustrative, not official. Runs once: it does
/// nothing when any institution exists.
/// </summary>
public sealed partial class DemoSeeder(
    JiayiDbContext db, AccessBootstrap bootstrap, RecordService records, FormCatalog catalog, FieldProtector protector, SigningDemo signing, ProgrammeDemo programmes, Clock clock, ILogger<DemoSeeder> logger)
{
    public const int ResidentCount = 1000;

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶", "阎"];
    private static readonly string[] MaleNames = ["建国", "志强", "德明", "永福", "长林", "海涛", "建华", "振华", "文斌", "明亮", "国庆", "建军", "新民", "卫东", "小军", "宏伟", "鹏", "浩然", "子轩", "宇航", "俊杰", "博文", "天佑", "晨阳", "嘉豪", "军", "勇", "斌", "磊", "涛"];
    private static readonly string[] FemaleNames = ["秀英", "桂兰", "玉梅", "淑珍", "凤英", "桂芳", "春花", "秀兰", "丽娟", "小红", "翠萍", "玉兰", "红霞", "艳", "静", "丽", "敏", "婷", "雪", "欣怡", "梓涵", "雨萱", "诗琪", "佳怡", "思雨", "芳", "娜", "霞", "燕", "萍"];

    private sealed record Area(string DivisionCode, string Name, string Level, string[] Villages);

    private sealed record Centre(string Code, string Name, string Category, string Level, int Beds, string TownshipCode, string[] Teams);

    private static readonly Area[] Townships =
    [
        new("610402009", "双照街道", "乡", ["双照村", "东阳村", "西张村"]),
        new("610402010", "马庄街道", "乡", ["马庄村", "北上召村", "南上召村"]),
        new("610402011", "渭滨街道", "乡", ["滨河社区", "西阳村"]),
        new("610481004", "西吴街道", "乡", ["西吴村", "黄山村"]),
    ];

    private static readonly Centre[] Centres =
    [
        new("H610402009", "秦都区双照街道社区卫生服务中心", "社区卫生服务中心", "一级", 30, "610402009", ["双照家庭医生一团队", "双照家庭医生二团队"]),
        new("H610402010", "秦都区马庄街道卫生院", "乡镇卫生院", "一级", 40, "610402010", ["马庄家庭医生一团队", "马庄家庭医生二团队"]),
        new("H610402011", "秦都区渭滨街道社区卫生服务中心", "社区卫生服务中心", "一级", 20, "610402011", ["渭滨家庭医生团队"]),
        new("H610481004", "兴平市西吴街道卫生院", "乡镇卫生院", "一级", 35, "610481004", ["西吴家庭医生团队"]),
    ];

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        if (await db.Organizations.AnyAsync(o => o.Kind == OrganizationKinds.Institution, cancellationToken))
        {
            return;
        }

        var random = new Random(20261126);
        var divisions = await db.Organizations.Where(o => o.Kind == OrganizationKinds.Division).ToDictionaryAsync(o => o.Code, cancellationToken);
        var city = divisions["6104"];
        var qindu = divisions["610402"];
        var xingping = divisions["610481"];

        // Health bureaus and the city hospital.
        db.Organizations.Add(Node("WJW6104", "咸阳市卫生健康委员会", OrganizationKinds.HealthDepartment, city, level: "市级", category: "卫生健康行政部门", address: "咸阳市秦都区人民西路"));
        db.Organizations.Add(Node("WJJ610402", "秦都区卫生健康局", OrganizationKinds.HealthDepartment, qindu, level: "县级", category: "卫生健康行政部门", address: "咸阳市秦都区"));
        db.Organizations.Add(Node("WJJ610481", "兴平市卫生健康局", OrganizationKinds.HealthDepartment, xingping, level: "县级", category: "卫生健康行政部门", address: "兴平市"));
        var hospital = Node("H6104001", "咸阳市中心医院", OrganizationKinds.Institution, qindu, level: "三级", category: "综合医院", beds: 1900, address: "咸阳市秦都区");
        db.Organizations.Add(hospital);

        var villages = new Dictionary<string, List<Organization>>();
        foreach (var area in Townships)
        {
            var county = divisions[area.DivisionCode[..6]];
            var township = Node(area.DivisionCode, area.Name, OrganizationKinds.Division, county, level: area.Level);
            db.Organizations.Add(township);
            divisions[township.Code] = township;
            villages[area.DivisionCode] = [];
            for (var v = 0; v < area.Villages.Length; v++)
            {
                var name = area.Villages[v];
                var village = Node($"{area.DivisionCode}{(name.EndsWith("社区", StringComparison.Ordinal) ? "0" : "2")}{v + 1:00}", name, OrganizationKinds.Division, township, level: "村");
                db.Organizations.Add(village);
                villages[area.DivisionCode].Add(village);
                var community = name.EndsWith("社区", StringComparison.Ordinal);
                db.Organizations.Add(Node($"C{village.Code}", community ? $"{name}卫生服务站" : $"{name}卫生室", OrganizationKinds.Institution, village,
                    level: "未定级", category: community ? "社区卫生服务站" : "村卫生室", address: $"{county.Name}{area.Name}{name}"));
            }
        }

        var teams = new List<(Organization Team, Centre Centre)>();
        foreach (var centre in Centres)
        {
            var township = divisions[centre.TownshipCode];
            var institution = Node(centre.Code, centre.Name, OrganizationKinds.Institution, township, level: centre.Level, category: centre.Category, beds: centre.Beds,
                address: $"{divisions[centre.TownshipCode[..6]].Name}{township.Name}", contactPerson: "办公室", contactPhone: "029-3321" + centre.Code[^4..]);
            db.Organizations.Add(institution);
            for (var t = 0; t < centre.Teams.Length; t++)
            {
                var team = Node($"{centre.Code}T{t + 1:00}", centre.Teams[t], OrganizationKinds.Team, institution, category: "家庭医生团队");
                db.Organizations.Add(team);
                teams.Add((team, centre));
                AddMembers(team, random);
            }
        }

        await db.SaveChangesAsync(cancellationToken);

        var doctorTeam = teams.First(t => t.Centre.Code == "H610402010").Team;
        var doctor = await bootstrap.CreateUserAsync("demo-doctor", "刘建华", UserTypes.Service, doctorTeam.ParentId!.Value, doctorTeam.Id, AccessBootstrap.DoctorRole, cancellationToken);
        var leader = await db.TeamMembers.FirstAsync(m => m.TeamId == doctorTeam.Id && m.IsLeader, cancellationToken);
        leader.UserId = doctor.Id;
        leader.Name = doctor.DisplayName;
        var centreAdmin = await bootstrap.CreateUserAsync("demo-centre", "马庄街道卫生院签约审核员", UserTypes.Service, doctorTeam.ParentId!.Value, null, AccessBootstrap.InstitutionAdminRole, cancellationToken);
        await bootstrap.CreateUserAsync("demo-county", "秦都区卫健局监管员", UserTypes.Supervisor, qindu.Id, null, AccessBootstrap.SupervisorRole, cancellationToken);
        await bootstrap.CreateUserAsync("demo-ops", "咸阳市平台运维", UserTypes.Operations, city.Id, null, AccessBootstrap.OperationsRole, cancellationToken);

        var residents = CreateResidents(random, teams, villages, divisions);
        db.AuditBatchSummary = "生成演示数据";
        await db.SaveChangesAsync(cancellationToken);

        await programmes.EnrolTaggedAsync(residents, cancellationToken);
        var saved = await SeedRecordsAsync(residents.Where(r => r.OrgId == doctorTeam.Id).ToList(), cancellationToken);
        await signing.SeedAsync(doctor.Id, centreAdmin.Id, doctorTeam, cancellationToken);
        await programmes.FinishAsync(doctorTeam.Id, cancellationToken);
        LogSeeded(logger, db.Organizations.Local.Count, residents.Count, saved);
    }

    private void AddMembers(Organization team, Random random)
    {
        string[] roles = ["家庭医生", "护士", "公共卫生人员", "专科医生", "其他"];
        for (var i = 0; i < roles.Length; i++)
        {
            var male = random.Next(2) == 0;
            db.TeamMembers.Add(new TeamMember
            {
                TeamId = team.Id,
                Name = Surnames[random.Next(Surnames.Length)] + (male ? MaleNames : FemaleNames)[random.Next(MaleNames.Length)],
                Role = roles[i],
                IsLeader = i == 0,
                Phone = Phone(random),
            });
        }
    }

    /// <summary>Households of one to five people: a head, often a spouse, children and grandchildren, with valid and unique ID numbers.</summary>
    private List<Resident> CreateResidents(Random random, List<(Organization Team, Centre Centre)> teams, Dictionary<string, List<Organization>> villages, Dictionary<string, Organization> divisions)
    {
        var today = clock.Today;
        var residents = new List<Resident>(ResidentCount);
        var usedIds = new HashSet<string>(StringComparer.Ordinal);
        while (residents.Count < ResidentCount)
        {
            // The demo doctor's team gets a larger share, so that its lists are full.
            var (team, centre) = random.Next(10) < 3 ? teams.First(t => t.Centre.Code == "H610402010") : teams[random.Next(teams.Count)];
            var village = villages[centre.TownshipCode][random.Next(villages[centre.TownshipCode].Count)];
            var surname = Surnames[random.Next(Surnames.Length)];
            var household = new Household
            {
                AddressDivisionId = village.Id,
                AddressDetail = $"{random.Next(1, 12)}组{random.Next(1, 60)}号",
                OrgId = team.Id,
                OrgPath = team.Path,
            };
            db.Households.Add(household);

            var headAge = 28 + random.Next(60);
            var headMale = random.Next(10) < 7;
            var members = new List<(string Relation, int Age, bool Male, string Surname)> { ("户主", headAge, headMale, surname) };
            if (random.Next(10) < 8)
            {
                members.Add(("配偶", Math.Max(20, headAge + random.Next(-4, 5)), !headMale, Surnames[random.Next(Surnames.Length)]));
            }

            var childAge = headAge - 24 - random.Next(6);
            for (var c = random.Next(3); c > 0 && childAge >= 0; c--, childAge -= 2 + random.Next(4))
            {
                members.Add(("子女", childAge, random.Next(2) == 0, surname));
            }

            if (headAge > 55 && random.Next(3) == 0)
            {
                members.Add(("孙子女", random.Next(7), random.Next(2) == 0, surname));
            }

            foreach (var (relation, age, male, memberSurname) in members)
            {
                if (residents.Count == ResidentCount)
                {
                    break;
                }

                var birth = today.AddYears(-age).AddDays(-random.Next(1, 365));
                var region = age > 40 && random.Next(8) == 0 ? "610427" : centre.TownshipCode[..6];
                var idNumber = IdNumber(region, birth, male, random, usedIds);
                var phone = age >= 16 ? Phone(random) : null;
                var name = memberSurname + (male ? MaleNames : FemaleNames)[random.Next(MaleNames.Length)];
                var resident = ResidentService.NewResident(protector, name, idNumber, male ? ChineseIdNumber.Male : ChineseIdNumber.Female, birth, team, clock.UtcNow);
                ResidentService.SetPhone(resident, phone, protector);
                resident.AddressDivisionId = household.AddressDivisionId;
                resident.AddressDetail = household.AddressDetail;
                resident.HouseholdId = household.Id;
                resident.RelationToHead = relation;
                resident.Tags = Tags(age, male, random);
                if (relation == "户主")
                {
                    household.HeadResidentId = resident.Id;
                }

                residents.Add(resident);
                db.Residents.Add(resident);
            }
        }

        return residents;
    }

    /// <summary>Recorded key-population tags at roughly the rates a township sees (age-based ones are derived, never stored).</summary>
    private static List<string> Tags(int age, bool male, Random random)
    {
        var tags = new List<string>();
        if (age >= 35 && random.Next(100) < (age >= 60 ? 45 : 20))
        {
            tags.Add("hypertension");
        }

        if (age >= 40 && random.Next(100) < 12)
        {
            tags.Add("diabetes");
        }

        if (!male && age is >= 22 and <= 38 && random.Next(100) < 15)
        {
            tags.Add("maternal");
        }

        if (random.Next(100) < 3)
        {
            tags.Add("disabled");
        }

        if (random.Next(100) < 4)
        {
            tags.Add("poverty");
        }

        if (age >= 15 && random.Next(1000) < 8)
        {
            tags.Add("tuberculosis");
        }

        if (age >= 18 && random.Next(1000) < 10)
        {
            tags.Add("mental");
        }

        if (age >= 50 && random.Next(1000) < 10)
        {
            tags.Add("special-family");
        }

        return tags;
    }

    /// <summary>A valid, unused 18-digit ID number: region, birth date, a sequence whose last digit gives the sex, the check character.</summary>
    private static string IdNumber(string region, DateOnly birth, bool male, Random random, HashSet<string> used)
    {
        while (true)
        {
            var sequence = random.Next(0, 500) * 2 + (male ? 1 : 0);
            var first17 = $"{region}{birth:yyyyMMdd}{sequence:000}";
            var id = first17 + ChineseIdNumber.CheckCharacter(first17);
            if (used.Add(id))
            {
                return id;
            }
        }
    }

    private static string Phone(Random random) =>
        string.Create(CultureInfo.InvariantCulture, $"1{"3578"[random.Next(4)]}{random.Next(0, 10)}{random.Next(10_000_000, 100_000_000)}");

    /// <summary>Follow-up records for the demo doctor's residents with chronic conditions and the elderly.</summary>
    private async Task<int> SeedRecordsAsync(List<Resident> residents, CancellationToken cancellationToken)
    {
        var today = clock.Today;
        var saved = 0;
        var hypertensive = residents.Where(r => r.Tags.Contains("hypertension")).Take(30).ToList();
        foreach (var (resident, index) in hypertensive.Select((r, i) => (r, i)))
        {
            foreach (var visit in HypertensionVisits(index, today))
            {
                await SaveAsync("hypertension-followup", resident, visit, cancellationToken);
                saved++;
            }
        }

        foreach (var (resident, index) in residents.Where(r => r.Tags.Contains("diabetes")).Take(15).Select((r, i) => (r, i)))
        {
            await SaveAsync("diabetes-followup", resident, DiabetesVisit(index, today), cancellationToken);
            saved++;
        }

        foreach (var (resident, index) in residents.Where(r => Engine.Expressions.Functions.Age(r.BirthDate, today) >= 65).Take(20).Select((r, i) => (r, i)))
        {
            await SaveAsync("elderly-self-care", resident, SelfCare(index, today), cancellationToken);
            saved++;
        }

        return saved;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo data seeded: {Organizations} organisations, {Residents} residents, {Records} records")]
    private static partial void LogSeeded(ILogger logger, int organizations, int residents, int records);

    private static Organization Node(string code, string name, string kind, Organization parent, string? level = null, string? category = null, int? beds = null,
        string? address = null, string? contactPerson = null, string? contactPhone = null) => new()
    {
        Code = code,
        Name = name,
        Kind = kind,
        Level = level,
        Category = category,
        Beds = beds,
        Address = address,
        ContactPerson = contactPerson,
        ContactPhone = contactPhone,
        ParentId = parent.Id,
        Path = parent.Path + code + "/",
    };

    /// <summary>Saves a record the way a doctor does: the engine's suggestions (此次随访分类, 下次随访日期) are accepted.</summary>
    private async Task SaveAsync(string formId, Resident resident, Dictionary<string, object> data, CancellationToken cancellationToken)
    {
        var form = await catalog.GetLatestAsync(formId, cancellationToken) ?? throw new InvalidOperationException($"Demo form {formId} is not published.");
        var answers = JsonSerializer.SerializeToNode(data)!.AsObject();
        var result = form.Evaluate(JsonSerializer.SerializeToElement(answers), await records.ContextAsync(null, form, resident.Id, cancellationToken));
        foreach (var (field, value) in result.Suggestions)
        {
            answers.TryAdd(field.Key, JsonValues.ToNode(value));
        }

        await records.CreateAsync(null, new NewRecord(formId, JsonSerializer.SerializeToElement(answers), resident.Id), cancellationToken);
    }

    private static IEnumerable<Dictionary<string, object>> HypertensionVisits(int index, DateOnly today)
    {
        // Quarterly visits over the last year, blood pressure drifting down as treatment takes hold.
        for (var quarter = 3; quarter >= 0; quarter--)
        {
            var date = today.AddDays(-(quarter * 91) - 3 - index);
            var sbp = 128 + ((index * 7 + quarter * 5) % 30);
            var dbp = 76 + ((index * 3 + quarter * 4) % 18);
            var controlled = sbp < 140 && dbp < 90;
            yield return new Dictionary<string, object>
            {
                ["visit_date"] = Iso(date),
                ["visit_method"] = quarter % 3 == 0 ? 2 : 1,
                ["symptoms"] = controlled ? new[] { 1 } : new[] { 2 },
                ["sbp"] = sbp,
                ["dbp"] = dbp,
                ["height"] = 158 + (index % 5) * 4,
                ["weight"] = 58.5m + index,
                ["heart_rate"] = 68 + index % 12,
                ["smoking_per_day"] = index % 4 == 0 ? 5 : 0,
                ["med_compliance"] = 1,
                ["adverse_reaction"] = 1,
                ["meds"] = new[] { new Dictionary<string, object> { ["drug_name"] = "苯磺酸氨氯地平片", ["times_per_day"] = 1, ["dose_per_time"] = "5mg" } },
                ["doctor_sign"] = "刘医生",
            };
        }
    }

    private static Dictionary<string, object> DiabetesVisit(int index, DateOnly today)
    {
        var date = today.AddDays(-10 - index);
        var fbg = 6.2m + index % 4 * 0.6m;
        return new Dictionary<string, object>
        {
            ["visit_date"] = Iso(date),
            ["visit_method"] = 1,
            ["symptoms"] = new[] { 1 },
            ["sbp"] = 132,
            ["dbp"] = 82,
            ["fbg"] = fbg,
            ["adverse_reaction"] = 1,
        };
    }

    private static Dictionary<string, object> SelfCare(int index, DateOnly today) => new()
    {
        ["assess_date"] = Iso(today.AddDays(-20 - index)),
        ["eating"] = 1,
        ["grooming"] = 1 + index % 2,
        ["dressing"] = 1,
        ["toileting"] = 1 + index % 3,
        ["activity"] = 2,
    };

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
