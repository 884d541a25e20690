using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Jiayi.Data.BatchImports;
using Jiayi.Engine.Identity;
using Jiayi.Host.Access;
using Jiayi.Host.Residents;
using Jiayi.Host.Security;
using Jiayi.Host.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;

namespace Jiayi.Host.Tests.Api;

/// <summary>Batch import of residents from .xlsx: row checks with Excel row numbers, idempotent re-import, households, limits, scope.</summary>
public abstract class ResidentImportApiTests<THost>(THost host) : IClassFixture<THost>
    where THost : HostFixture
{
    private readonly TestWorld _world = host.World;

    private static readonly string[] Headers = ["姓名", "身份证号", "性别", "出生日期", "联系电话", "管理机构代码", "现住址区划代码", "详细地址", "户主身份证号", "与户主关系", "重点人群"];

    private static int _sequence = Random.Shared.Next(100_000);

    /// <summary>A valid ID number nobody else in this run uses: 秦都区, a birth date stepping through the calendar, odd sequence for men.</summary>
    private static (string Id, DateOnly Birth) NewId(bool male = true)
    {
        var n = Interlocked.Increment(ref _sequence);
        var birth = new DateOnly(1940, 1, 1).AddDays(n % 25_000);
        var first17 = $"610402{birth:yyyyMMdd}{(n / 25_000 % 499 * 2) + (male ? 1 : 0):000}";
        return (first17 + ChineseIdNumber.CheckCharacter(first17), birth);
    }

    private static Dictionary<string, object?> Row(
        string? name, string? id, string? org = "T-A1", string? sex = null, object? birth = null, string? phone = null, string? division = null,
        string? head = null, string? relation = null, string? tags = null) => new()
    {
        ["姓名"] = name,
        ["身份证号"] = id,
        ["性别"] = sex,
        ["出生日期"] = birth,
        ["联系电话"] = phone,
        ["管理机构代码"] = org,
        ["现住址区划代码"] = division,
        ["详细地址"] = null,
        ["户主身份证号"] = head,
        ["与户主关系"] = relation,
        ["重点人群"] = tags,
    };

    private static byte[] Workbook(IEnumerable<Dictionary<string, object?>> rows)
    {
        using var stream = new MemoryStream();
        stream.SaveAs(rows.ToList());
        return stream.ToArray();
    }

    private static MultipartFormDataContent Upload(byte[] content, string fileName = "居民.xlsx")
    {
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(ResidentImportSheet.ContentType);
        return new MultipartFormDataContent { { file, "file", fileName } };
    }

    /// <summary>Uploads and polls the job until it ends (at most 30 s).</summary>
    private static async Task<JsonNode> ImportAsync(HttpClient client, byte[] workbook)
    {
        var accepted = await (await client.PostAsync("/api/residents/imports", Upload(workbook))).ReadAsync(HttpStatusCode.Accepted);
        Assert.Equal("queued", accepted["status"]!.GetValue<string>());
        var id = accepted["id"]!.GetValue<string>();
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var job = await (await client.GetAsync($"/api/residents/imports/{id}")).ReadAsync(HttpStatusCode.OK);
            var status = job["status"]!.GetValue<string>();
            if (status is "completed" or "failed")
            {
                return job;
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"import {id} still {status} after 30 s");
            await Task.Delay(100);
        }
    }

    private static (int Total, int Processed, int Imported, int Skipped, int Failed) Counts(JsonNode job) =>
        (job["total"]!.GetValue<int>(), job["processed"]!.GetValue<int>(), job["imported"]!.GetValue<int>(), job["skipped"]!.GetValue<int>(), job["failed"]!.GetValue<int>());

    private static async Task<List<(int Row, string Column, string Reason)>> ErrorsAsync(HttpClient client, JsonNode job)
    {
        var errors = await (await client.GetAsync($"/api/residents/imports/{job["id"]}/errors?format=json")).ReadAsync(HttpStatusCode.OK);
        return [.. errors.AsArray().Select(e => (e!["row"]!.GetValue<int>(), e["column"]!.GetValue<string>(), e["reason"]!.GetValue<string>()))];
    }

    private Task<int> ResidentsUnderAsync(string path) => host.Factory.WithDatabaseAsync(db => db.Residents.CountAsync(r => r.OrgPath.StartsWith(path)));

    private Task<Data.Residents.Resident?> ResidentAsync(string id) => host.Factory.WithDatabaseAsync(db =>
    {
        var hash = host.Factory.Services.GetRequiredService<FieldProtector>().Hash(id);
        return db.Residents.SingleOrDefaultAsync(r => r.IdNumberHash == hash);
    });

    [Fact]
    public async Task Good_rows_are_imported_bad_ones_reported_by_excel_row_and_column_and_a_second_import_only_skips()
    {
        await host.Factory.CreateUserAsync("import-centre-a", _world.CentreA, null, [ResidentPermissions.Import]);
        var client = await host.Factory.ClientForAsync("import-centre-a");
        var (good1, birth1) = NewId(male: false);
        var (good2, _) = NewId();
        var (good3, _) = NewId();
        var (checksum, _) = NewId();
        var wrongCheck = checksum[..17] + (checksum[17] == '0' ? '1' : '0');
        var impossibleDate = "61040219990230" + "123";
        impossibleDate += ChineseIdNumber.CheckCharacter(impossibleDate);
        var (male, _) = NewId(male: true);
        var (unknownOrg, _) = NewId();
        var (otherScope, _) = NewId();
        var (unknownTag, _) = NewId();
        var rows = new[]
        {
            Row("李秀英", good1, sex: "女", birth: birth1.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), phone: "13912345678", division: "610402", tags: "高血压患者、2型糖尿病患者"), // row 2
            Row("王建国", good2),                                     // row 3
            Row("校验位", wrongCheck),                                // row 4
            Row("日期错", impossibleDate),                            // row 5
            Row("少一位", good3[..17]),                               // row 6
            Row("无机构", unknownOrg, org: "NO-SUCH-ORG"),              // row 7
            Row("越权", otherScope, org: "T-B1"),                     // row 8
            Row("性别错", male, sex: "女"),                           // row 9
            Row("重复", good1),                                       // row 10
            Row("标签错", unknownTag, tags: "高血压患者、高血脂患者"),    // row 11
            Row(null, null, org: null),                               // row 12: blank, not counted
            Row("赵三", good3),                                       // row 13
        };
        var workbook = Workbook(rows);
        var before = await ResidentsUnderAsync(_world.TeamA1.Path);

        var job = await ImportAsync(client, workbook);

        Assert.Equal("completed", job["status"]!.GetValue<string>());
        Assert.Equal((11, 11, 3, 0, 8), Counts(job));
        var errors = await ErrorsAsync(client, job);
        Assert.Equal(
            new (int, string, string)[]
            {
                (4, "身份证号", $"身份证号校验位应为“{checksum[17]}”，实际为“{wrongCheck[17]}”"),
                (5, "身份证号", "身份证号中的出生日期“19990230”不是有效日期"),
                (6, "身份证号", "身份证号应为18位，实际为 17 位"),
                (7, "管理机构代码", "管理机构代码“NO-SUCH-ORG”不存在或不在您的管辖范围内"),
                (8, "管理机构代码", "管理机构代码“T-B1”不存在或不在您的管辖范围内"),
                (9, "性别", "性别“女”与身份证号不符（身份证号显示为男）"),
                (10, "身份证号", "与第 2 行的身份证号重复"),
                (11, "重点人群", "未知的重点人群“高血脂患者”"),
            },
            errors);
        Assert.Equal(before + 3, await ResidentsUnderAsync(_world.TeamA1.Path));
        var stored = await ResidentAsync(good1);
        Assert.NotNull(stored);
        Assert.Equal(("李秀英", "女", birth1, _world.TeamA1.Id, _world.TeamA1.Path), (stored.Name, stored.Sex, stored.BirthDate, stored.OrgId, stored.OrgPath));
        Assert.Equal(["hypertension", "diabetes"], stored.Tags);
        Assert.Equal("139****5678", stored.PhoneMasked);
        Assert.Equal(ChineseIdNumber.Mask(good1), stored.IdNumberMasked);
        Assert.NotNull(stored.AddressDivisionId);
        Assert.Null(stored.HouseholdId);

        // The error report as a workbook: 行号, 列, 原因, in row order.
        var report = await client.GetAsync($"/api/residents/imports/{job["id"]}/errors");
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        Assert.Equal(ResidentImportSheet.ContentType, report.Content.Headers.ContentType?.MediaType);
        using (var stream = new MemoryStream(await report.Content.ReadAsByteArrayAsync()))
        {
            var reportRows = stream.Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
            Assert.Equal(["行号", "列", "原因"], reportRows[0].Keys);
            Assert.Equal([4, 5, 6, 7, 8, 9, 10, 11], reportRows.Select(r => Convert.ToInt32(r["行号"], System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Equal("与第 2 行的身份证号重复", reportRows[6]["原因"]);
        }

        // The same file again creates nothing: the three imported are skipped, the same rows fail the same way.
        var again = await ImportAsync(client, workbook);
        Assert.Equal("completed", again["status"]!.GetValue<string>());
        Assert.Equal((11, 11, 0, 3, 8), Counts(again));
        Assert.Equal(errors, await ErrorsAsync(client, again));
        Assert.Equal(before + 3, await ResidentsUnderAsync(_world.TeamA1.Path));

        // Both jobs are the user's recent imports, newest first; each batch was logged once, not once per resident.
        var mine = await (await client.GetAsync("/api/residents/imports")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal([again["id"]!.GetValue<string>(), job["id"]!.GetValue<string>()], mine.AsArray().Select(j => j!["id"]!.GetValue<string>()));
        var logged = await host.Factory.WithDatabaseAsync(db => db.AuditLog.Where(a => a.Summary.StartsWith("批量导入居民（居民.xlsx）：新增居民")).Select(a => a.Summary).ToListAsync());
        Assert.Contains("批量导入居民（居民.xlsx）：新增居民 3 条", logged);
    }

    [Fact]
    public async Task Members_join_their_heads_household_whether_the_head_comes_first_later_or_is_already_registered()
    {
        var client = host.Client;
        var (head, _) = NewId();
        var (spouse, _) = NewId(male: false);
        var (child, _) = NewId();
        var (stranger, _) = NewId();
        var (registeredHead, _) = NewId();
        var (grandchild, _) = NewId();
        var created = await (await client.PostAsync("/api/residents", Http.Json(new { name = "老户主", idNumber = registeredHead, orgId = _world.TeamA2.Id }))).ReadAsync(HttpStatusCode.Created);
        Assert.Null(created["householdId"]);

        var job = await ImportAsync(client, Workbook(
        [
            Row("配偶", spouse, head: head, relation: "配偶"),            // row 2: before the head, waits for it
            Row("户主", head, division: "610402", relation: "户主"),      // row 3
            Row("子女", child, head: head, relation: "子女"),             // row 4
            Row("无户主", stranger, head: NewId().Id, relation: "子女"),   // row 5: head nowhere
            Row("孙子", grandchild, head: registeredHead, relation: "孙子女"), // row 6: head registered through the API
        ]));

        Assert.Equal((5, 5, 4, 0, 1), Counts(job));
        var error = Assert.Single(await ErrorsAsync(client, job));
        Assert.Equal(5, error.Row);
        Assert.Equal("户主身份证号", error.Column);
        Assert.Matches(@"^户主 610402\*{8}\w{4} 不在本文件中，也未在您的管辖范围内登记$", error.Reason);

        var headResident = await ResidentAsync(head);
        var (spouseResident, childResident) = (await ResidentAsync(spouse), await ResidentAsync(child));
        Assert.NotNull(headResident?.HouseholdId);
        Assert.Equal("户主", headResident.RelationToHead);
        Assert.Equal(headResident.HouseholdId, spouseResident?.HouseholdId);
        Assert.Equal("配偶", spouseResident!.RelationToHead);
        Assert.Equal(headResident.HouseholdId, childResident?.HouseholdId);
        var household = await host.Factory.WithDatabaseAsync(db => db.Households.SingleAsync(h => h.Id == headResident.HouseholdId));
        Assert.Equal((headResident.Id, headResident.AddressDivisionId, _world.TeamA1.Path), (household.HeadResidentId, household.AddressDivisionId, household.OrgPath));
        Assert.Null(await ResidentAsync(stranger));

        // The registered head got a household of their own, which the grandchild joined.
        var older = await ResidentAsync(registeredHead);
        Assert.NotNull(older?.HouseholdId);
        Assert.Equal("户主", older.RelationToHead);
        Assert.Equal(older.HouseholdId, (await ResidentAsync(grandchild))?.HouseholdId);
        var olderHousehold = await host.Factory.WithDatabaseAsync(db => db.Households.SingleAsync(h => h.Id == older.HouseholdId));
        Assert.Equal((older.Id, _world.TeamA2.Path), (olderHousehold.HeadResidentId, olderHousehold.OrgPath));
    }

    [Fact]
    public async Task The_template_has_the_columns_an_example_row_and_a_sheet_of_rules()
    {
        var response = await host.Client.GetAsync("/api/residents/import-template");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("居民导入模板.xlsx", response.Content.Headers.ContentDisposition?.FileNameStar);
        using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(["居民", "说明"], stream.GetSheetNames());
        var example = Assert.Single(stream.Query(useHeaderRow: true, sheetName: "居民").Cast<IDictionary<string, object?>>());
        Assert.Equal(Headers, example.Keys);
        Assert.True(ChineseIdNumber.Parse(example["身份证号"]?.ToString(), new DateOnly(2026, 1, 1)).IsValid);
        Assert.Equal("高血压患者、2型糖尿病患者", example["重点人群"]);
        var rules = stream.Query(useHeaderRow: true, sheetName: "说明").Cast<IDictionary<string, object?>>().ToDictionary(r => r["列"]!.ToString()!, r => r["填写说明"]!.ToString()!);
        Assert.All(Headers, h => Assert.True(rules.ContainsKey(h), h));
        Assert.Contains("孕产妇、残疾人、贫困人口、计划生育特殊家庭、高血压患者、2型糖尿病患者、肺结核患者、严重精神障碍患者", rules["重点人群"], StringComparison.Ordinal);
        Assert.Contains("户主、配偶、子女、父母、孙子女、兄弟姐妹、祖父母、其他", rules["与户主关系"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Needs_a_token_and_the_import_permission()
    {
        using var anonymous = host.Factory.CreateClient();
        await (await anonymous.GetAsync("/api/residents/import-template")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.PostAsync("/api/residents/imports", Upload(Workbook([Row("甲", NewId().Id)])))).ProblemAsync(HttpStatusCode.Unauthorized);

        await host.Factory.CreateUserAsync("import-reader", _world.CentreA, null, [ResidentPermissions.Read, ResidentPermissions.Write]);
        var reader = await host.Factory.ClientForAsync("import-reader");
        await (await reader.GetAsync("/api/residents/import-template")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await reader.PostAsync("/api/residents/imports", Upload(Workbook([Row("甲", NewId().Id)])))).ProblemAsync(HttpStatusCode.Forbidden);
        await (await reader.GetAsync("/api/residents/imports")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Oversized_unreadable_and_wrongly_headed_files_are_refused_before_anything_is_queued()
    {
        var client = host.Client;
        var jobs = await host.Factory.WithDatabaseAsync(db => db.ImportJobs.CountAsync());

        var big = new byte[(20 * 1024 * 1024) + 1];
        var tooLarge = await (await client.PostAsync("/api/residents/imports", Upload(big))).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("20 MB", tooLarge["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var text = await (await client.PostAsync("/api/residents/imports", Upload("姓名,身份证号\n张三,1"u8.ToArray(), "居民.xlsx"))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("不是有效的 Excel 工作簿", text["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var wrongType = await (await client.PostAsync("/api/residents/imports", Upload(Workbook([Row("甲", NewId().Id)]), "居民.csv"))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(".xlsx", wrongType["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        using var stream = new MemoryStream();
        stream.SaveAs(new[] { new Dictionary<string, object?> { ["名字"] = "甲", ["身份证号"] = NewId().Id } });
        var headers = await (await client.PostAsync("/api/residents/imports", Upload(stream.ToArray()))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("未知的列“名字”", headers["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("缺少列：姓名、管理机构代码", headers["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var noFile = await (await client.PostAsync("/api/residents/imports", new MultipartFormDataContent { { new StringContent("x"), "other" } })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("file-required", noFile["code"]!.GetValue<string>());

        Assert.Equal(jobs, await host.Factory.WithDatabaseAsync(db => db.ImportJobs.CountAsync()));
    }

    [Fact]
    public async Task Jobs_are_seen_only_within_the_scope_they_were_made_in()
    {
        await host.Factory.CreateUserAsync("import-a1", _world.CentreA, _world.TeamA1, [ResidentPermissions.Import]);
        await host.Factory.CreateUserAsync("import-b", _world.CentreB, null, [ResidentPermissions.Import]);
        var a1 = await ImportAsync(await host.Factory.ClientForAsync("import-a1"), Workbook([Row("范围", NewId().Id)]));
        Assert.Equal((1, 1, 1, 0, 0), Counts(a1));

        var other = await host.Factory.ClientForAsync("import-b");
        await (await other.GetAsync($"/api/residents/imports/{a1["id"]}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.GetAsync($"/api/residents/imports/{a1["id"]}/errors?format=json")).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.GetAsync($"/api/residents/imports/{Guid.NewGuid()}")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty((await (await other.GetAsync("/api/residents/imports")).ReadAsync(HttpStatusCode.OK)).AsArray());
        // The city-wide tester sees it (its scope contains the job's), though it is not among the tester's own.
        await (await host.Client.GetAsync($"/api/residents/imports/{a1["id"]}")).ReadAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Jobs_left_queued_or_running_by_a_previous_process_are_marked_failed_at_start()
    {
        var job = new ImportJob { Kind = ResidentImport.Kind, FileName = "断电.xlsx", Status = ImportStatus.Running, OrgPath = _world.City.Path };
        await host.Factory.WithDatabaseAsync(async db =>
        {
            db.ImportJobs.Add(job);
            return await db.SaveChangesAsync();
        });

        await host.Factory.Services.GetRequiredService<ResidentImport>().FailInterruptedAsync(CancellationToken.None);

        var after = await (await host.Client.GetAsync($"/api/residents/imports/{job.Id}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("failed", after["status"]!.GetValue<string>());
        Assert.Equal("服务重启，导入中断，请重新导入", after["message"]!.GetValue<string>());
        Assert.NotNull(after["finishedAt"]?.GetValue<DateTime>());
    }
}

public sealed class SqliteResidentImportApiTests(SqliteHost host) : ResidentImportApiTests<SqliteHost>(host);

public sealed class PostgreSqlResidentImportApiTests(PostgreSqlHost host) : ResidentImportApiTests<PostgreSqlHost>(host);
