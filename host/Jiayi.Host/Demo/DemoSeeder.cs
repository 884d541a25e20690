using System.Text.Json;
using Jiayi.Data;
using Jiayi.Data.Organizations;
using Jiayi.Data.Residents;
using Jiayi.Engine.Forms;
using Jiayi.Host.Forms;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Records;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Demo;

/// <summary>
/// First-run demo data (Demo:Enabled): Xianyang's 秦都区, a township health centre with a family-doctor
/// team, twenty residents and follow-up records saved through the same engine as real ones, so that a
/// newcomer sees a working system. Runs once: it does nothing when any organisation exists.
/// </summary>
public sealed partial class DemoSeeder(JiayiDbContext db, RecordService records, FormCatalog catalog, Clock clock, ILogger<DemoSeeder> logger)
{
    private static readonly (string Name, string Sex, int Age)[] People =
    [
        ("王建国", "男", 72), ("李秀英", "女", 68), ("张桂兰", "女", 75), ("刘志强", "男", 58), ("陈玉梅", "女", 63),
        ("杨德明", "男", 81), ("赵淑珍", "女", 66), ("黄永福", "男", 70), ("周凤英", "女", 54), ("吴长林", "男", 47),
        ("徐桂芳", "女", 69), ("孙海涛", "男", 39), ("马春花", "女", 44), ("朱建华", "男", 65), ("胡秀兰", "女", 77),
        ("郭振华", "男", 61), ("何丽娟", "女", 35), ("高文斌", "男", 52), ("林小红", "女", 29), ("罗明亮", "男", 67),
    ];

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        if (await db.Organizations.AnyAsync(cancellationToken))
        {
            return;
        }

        var province = Node("61", "陕西省", OrganizationKinds.Division, null);
        var city = Node("6104", "咸阳市", OrganizationKinds.Division, province);
        var district = Node("610402", "秦都区", OrganizationKinds.Division, city);
        var street = Node("610402005", "双照街道", OrganizationKinds.Division, district);
        var centre = Node("610402005001", "秦都区双照街道社区卫生服务中心", OrganizationKinds.Institution, street);
        var team = Node("610402005001T01", "双照家庭医生团队一", OrganizationKinds.Team, centre);
        db.Organizations.AddRange(province, city, district, street, centre, team);

        var today = clock.Today;
        var residents = People.Select((p, i) => new Resident
        {
            Name = p.Name,
            Sex = p.Sex,
            BirthDate = today.AddYears(-p.Age).AddDays(-(37 * (i + 1) % 300)),
            OrgId = team.Id,
            OrgPath = team.Path,
        }).ToList();
        db.Residents.AddRange(residents);
        await db.SaveChangesAsync(cancellationToken);

        var saved = 0;
        foreach (var (resident, index) in residents.Select((r, i) => (r, i)))
        {
            var age = People[index].Age;
            if (index % 2 == 0)
            {
                foreach (var visit in HypertensionVisits(index, today))
                {
                    await SaveAsync("hypertension-followup", resident, visit, cancellationToken);
                    saved++;
                }
            }

            if (index % 5 == 1)
            {
                await SaveAsync("diabetes-followup", resident, DiabetesVisit(index, today), cancellationToken);
                saved++;
            }

            if (age >= 65 && index % 3 == 0)
            {
                await SaveAsync("elderly-self-care", resident, SelfCare(index, today), cancellationToken);
                saved++;
            }
        }

        LogSeeded(logger, residents.Count, saved);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo data seeded: 6 organisations, {Residents} residents, {Records} records")]
    private static partial void LogSeeded(ILogger logger, int residents, int records);

    private static Organization Node(string code, string name, string kind, Organization? parent) => new()
    {
        Code = code,
        Name = name,
        Kind = kind,
        ParentId = parent?.Id,
        Path = (parent?.Path ?? "/") + code + "/",
    };

    /// <summary>Saves a record the way a doctor does: the engine's suggestions (此次随访分类, 下次随访日期) are accepted.</summary>
    private async Task SaveAsync(string formId, Resident resident, Dictionary<string, object> data, CancellationToken cancellationToken)
    {
        var form = await catalog.GetLatestAsync(formId, cancellationToken) ?? throw new InvalidOperationException($"Demo form {formId} is not published.");
        var answers = JsonSerializer.SerializeToNode(data)!.AsObject();
        var result = form.Evaluate(JsonSerializer.SerializeToElement(answers), await records.ContextAsync(resident.Id, cancellationToken));
        foreach (var (field, value) in result.Suggestions)
        {
            answers.TryAdd(field.Key, JsonValues.ToNode(value));
        }

        await records.CreateAsync(new NewRecord(formId, JsonSerializer.SerializeToElement(answers), resident.Id), cancellationToken);
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
