using System.Collections.Frozen;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Jiayi.Data;
using Jiayi.Data.BatchImports;
using Jiayi.Data.Organizations;
using Jiayi.Engine.Identity;
using Jiayi.Host.Access;
using Jiayi.Host.Audit;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Residents;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MiniExcelLibs;
using Npgsql;

namespace Jiayi.Bench;

/// <summary>
/// The `import` mode: a generated workbook of valid residents (households of four, phones, addresses, key
/// populations) run through the real <see cref="ResidentImport"/> service against a fresh database, first import
/// and re-import (every row skipped). SQLite always; PostgreSQL too when a server connection is given
/// (argument or JIAYI_TEST_PG), in a throwaway database.
/// </summary>
public static class ImportThroughput
{
    private static readonly string[] Relations = ["户主", "配偶", "子女", "子女"];

    public static async Task RunAsync(int rows, string? postgres)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"jiayi-import-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var workbook = Path.Combine(folder, "residents.xlsx");
            var watch = Stopwatch.StartNew();
            Generate(workbook, rows);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generated {rows:N0} rows in {watch.Elapsed.TotalSeconds:F1} s ({new FileInfo(workbook).Length / 1024.0 / 1024.0:F1} MB)"));

            await MeasureAsync("SQLite", DatabaseProvider.Sqlite, $"Data Source={Path.Combine(folder, "jiayi.db")}", folder, workbook);
            if (!string.IsNullOrWhiteSpace(postgres))
            {
                var name = $"jiayi_bench_{Guid.NewGuid():N}";
                await ExecuteAsync(postgres, $"CREATE DATABASE \"{name}\"");
                try
                {
                    await MeasureAsync("PostgreSQL", DatabaseProvider.PostgreSql, new NpgsqlConnectionStringBuilder(postgres) { Database = name }.ConnectionString, folder, workbook);
                }
                finally
                {
                    NpgsqlConnection.ClearAllPools();
                    await ExecuteAsync(postgres, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task MeasureAsync(string label, DatabaseProvider provider, string connectionString, string folder, string workbook)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Benchmark", ContentRootPath = folder });
        builder.Configuration["Database:Provider"] = provider.ToString();
        builder.Configuration["ConnectionStrings:Jiayi"] = connectionString;
        builder.Configuration["Definitions:Path"] = Path.Combine(Submissions.Root, "definitions");
        builder.Configuration["Security:EncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        builder.Configuration["Security:HashKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        builder.Configuration["JIAYI_ADMIN_PASSWORD"] = "Bench-Passw0rd!";
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // The migration-history probe of a brand-new PostgreSQL database logs a failed command: expected, not news.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.None);
        builder.AddJiayi();
        await using var app = builder.Build();
        await app.InitializeJiayiAsync();
        var scope = await AddTeamsAsync(app.Services);

        // The hosted worker is not started: the queued job is run here, in the foreground, to time it.
        var imports = app.Services.GetRequiredService<ResidentImport>();
        var access = new AccessInfo
        {
            UserId = Guid.NewGuid(), UserName = "bench", DisplayName = "bench", UserType = "operations", OrgId = Guid.NewGuid(), OrgName = "咸阳市",
            OrgPath = scope, ScopePath = scope, Permissions = FrozenSet.ToFrozenSet([ResidentPermissions.Import]), RequiresTwoFactor = false,
        };
        foreach (var round in new[] { "first import", "re-import" })
        {
            await using var content = File.OpenRead(workbook);
            var queued = await imports.SubmitAsync(access, "residents.xlsx", content, CancellationToken.None);
            var watch = Stopwatch.StartNew();
            await imports.RunAsync(new QueuedImport(queued.Id, AuditActor.System), CancellationToken.None);
            var seconds = watch.Elapsed.TotalSeconds;
            var job = await imports.GetAsync(access, queued.Id, CancellationToken.None);
            if (job.Status != ImportStatus.Completed)
            {
                throw new InvalidOperationException($"{label} {round}: {job.Status} {job.Message}");
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label,-10} {round,-12} {job.Total,8:N0} rows {seconds,7:F1} s {job.Total / seconds,9:N0} rows/s  (imported {job.Imported:N0}, skipped {job.Skipped:N0}, failed {job.Failed:N0})"));
        }
    }

    /// <summary>An institution with four teams under 秦都区, coded BENCH-T1 … BENCH-T4; returns the city's path (the importer's scope).</summary>
    private static async Task<string> AddTeamsAsync(IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<JiayiDbContext>>().CreateDbContextAsync();
        var county = await db.Organizations.SingleAsync(o => o.Code == "610402" && o.Kind == OrganizationKinds.Division);
        var city = await db.Organizations.SingleAsync(o => o.Code == "6104" && o.Kind == OrganizationKinds.Division);
        var centre = new Organization { Code = "BENCH", Name = "基准测试卫生院", Kind = OrganizationKinds.Institution, ParentId = county.Id, Path = county.Path + "BENCH/" };
        db.Organizations.Add(centre);
        for (var t = 1; t <= 4; t++)
        {
            db.Organizations.Add(new Organization { Code = $"BENCH-T{t}", Name = $"基准测试{t}团队", Kind = OrganizationKinds.Team, ParentId = centre.Id, Path = $"{centre.Path}BENCH-T{t}/" });
        }

        await db.SaveChangesAsync();
        return city.Path;
    }

    /// <summary>Writes the workbook as a stream of rows: households of four (head first), every ID number valid and distinct.</summary>
    private static void Generate(string path, int count)
    {
        using var file = File.Create(path);
        file.SaveAs(Rows(count));
    }

    private static IEnumerable<Dictionary<string, object?>> Rows(int count)
    {
        string? head = null;
        for (var i = 0; i < count; i++)
        {
            var birth = new DateOnly(1940, 1, 1).AddDays(i % 25_000);
            var male = i % 2 == 0;
            var first17 = string.Create(CultureInfo.InvariantCulture, $"610402{birth:yyyyMMdd}{(i / 25_000 * 2) + (male ? 1 : 0):000}");
            var id = first17 + ChineseIdNumber.CheckCharacter(first17);
            var relation = Relations[i % 4];
            head = relation == "户主" ? id : head;
            yield return new Dictionary<string, object?>
            {
                ["姓名"] = $"居民{i:D6}",
                ["身份证号"] = id,
                ["性别"] = male ? "男" : "女",
                ["出生日期"] = birth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["联系电话"] = string.Create(CultureInfo.InvariantCulture, $"139{i:D8}"),
                ["管理机构代码"] = $"BENCH-T{(i / 4 % 4) + 1}",
                ["现住址区划代码"] = "610402",
                ["详细地址"] = $"{(i / 400) + 1}组{(i / 4 % 100) + 1}号",
                ["户主身份证号"] = relation == "户主" ? null : head,
                ["与户主关系"] = relation,
                ["重点人群"] = (i % 5, i % 7) switch { (0, 0) => "高血压患者、2型糖尿病患者", (0, _) => "高血压患者", (_, 0) => "2型糖尿病患者", _ => null },
            };
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
