using System.Text.Json.Nodes;
using Jiayi.Data;
using Jiayi.Data.Contracts;
using Jiayi.Data.Integrations;
using Jiayi.Data.Programmes;
using Jiayi.Data.Residents;
using Jiayi.Host.Integrations;
using Jiayi.Host.Programmes;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Demo;

/// <summary>
/// Demo programmes: residents tagged with a chronic condition are enrolled in its programme (started 400 days ago,
/// before the demo records), age programmes are filled by birth date, and some signed residents of the demo team
/// have HIS outpatient visits — so due lists, plans and fulfilment show real work from the first page.
/// </summary>
public sealed class ProgrammeDemo(IDbContextFactory<JiayiDbContext> databases, ProgrammeCatalog programmes, EnrolmentService enrolments, Infrastructure.Clock clock)
{
    /// <summary>Enrols tagged residents before their records are saved.</summary>
    public async Task EnrolTaggedAsync(IEnumerable<Resident> residents, CancellationToken cancellationToken)
    {
        var start = clock.Today.AddDays(-400);
        // A tag is enrolled in the manual programme that names it as its population (definitions/programmes).
        var programmeOfTag = (await programmes.ListAsync(cancellationToken)).Where(p => !p.ByAge && p.Definition.Population is not null)
            .ToDictionary(p => p.Definition.Population!, p => p.Id, StringComparer.Ordinal);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        foreach (var resident in residents)
        {
            foreach (var tag in resident.Tags.Where(programmeOfTag.ContainsKey))
            {
                db.Enrolments.Add(new Enrolment
                {
                    ResidentId = resident.Id,
                    ProgrammeId = programmeOfTag[tag],
                    StartedOn = start < resident.BirthDate ? resident.BirthDate : start,
                    Source = EnrolmentSources.Manual,
                    OrgPath = resident.OrgPath,
                    CreatedAt = clock.UtcNow,
                    UpdatedAt = clock.UtcNow,
                });
            }
        }

        db.AuditBatchSummary = "生成演示数据：管理项目入组";
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Age programmes by birth date, and HIS outpatient visits for signed residents of the demo team.</summary>
    public async Task FinishAsync(Guid teamId, CancellationToken cancellationToken)
    {
        await enrolments.SyncAgeAsync(null, cancellationToken);
        var today = clock.Today;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var signed = await db.Contracts.AsNoTracking().Where(c => c.TeamId == teamId && c.State == ContractStates.Effective)
            .OrderBy(c => c.Number).Take(12).Select(c => new { c.ResidentId, c.OrgPath, c.StartDate, c.Number }).ToListAsync(cancellationToken);
        var index = 0;
        foreach (var contract in signed)
        {
            var tags = await db.Residents.Where(r => r.Id == contract.ResidentId).Select(r => r.Tags).SingleAsync(cancellationToken);
            var hypertensive = tags.Contains("hypertension");
            for (var n = 0; n <= index % 3; n++)
            {
                var day = today.AddDays(-7 - (n * 45) - index);
                if (day < contract.StartDate)
                {
                    continue;
                }

                var diagnoses = hypertensive
                    ? new JsonArray(new JsonObject { ["code"] = "I10", ["name"] = "原发性高血压" })
                    : new JsonArray(new JsonObject { ["code"] = "J06.9", ["name"] = "急性上呼吸道感染" });
                var prescriptions = hypertensive
                    ? new JsonArray(new JsonObject { ["drug"] = "硝苯地平缓释片", ["spec"] = "20mg", ["dose"] = "20mg", ["frequency"] = "每日2次", ["days"] = 30, ["quantity"] = 60 })
                    : new JsonArray(new JsonObject { ["drug"] = "复方氨酚烷胺片", ["spec"] = "12片", ["dose"] = "1片", ["frequency"] = "每日2次", ["days"] = 3, ["quantity"] = 6 });
                db.HisVisits.Add(new HisVisit
                {
                    EventId = $"DEMO-{contract.Number}-{n + 1}",
                    ResidentId = contract.ResidentId,
                    Kind = HisIntake.Outpatient,
                    VisitDate = day,
                    InstitutionCode = "H610402010",
                    InstitutionName = "秦都区马庄街道卫生院",
                    Department = "全科门诊",
                    DoctorName = "刘建华",
                    Diagnoses = diagnoses.ToJsonString(),
                    Prescriptions = prescriptions.ToJsonString(),
                    OrgPath = contract.OrgPath,
                    ReceivedAt = clock.UtcNow,
                });
            }

            index++;
        }

        db.AuditBatchSummary = "生成演示数据：HIS 就诊";
        await db.SaveChangesAsync(cancellationToken);
    }
}
