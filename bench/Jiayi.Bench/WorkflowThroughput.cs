using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Jiayi.Data;
using Jiayi.Data.Access;
using Jiayi.Data.Contracts;
using Jiayi.Data.Organizations;
using Jiayi.Engine.Identity;
using Jiayi.Host.Access;
using Jiayi.Host.Contracts;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Residents;
using Jiayi.Host.Security;
using Jiayi.Host.Workflows;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Jiayi.Bench;

/// <summary>
/// The `workflow` mode: residents' signing requests through the real <see cref="ContractService"/> (contract,
/// agreement text, workflow instance, history, a work item with its assignees resolved from roles × scope ×
/// approver expression), then the team doctor's 初审 fires and the institution's 审核 fires through
/// <see cref="WorkflowRuntime"/> (state change with optimistic concurrency, history, work items done and created,
/// timers and a notification on 已生效), several at a time, against a fresh database.
/// </summary>
public static class WorkflowThroughput
{
    public static async Task RunAsync(int requests, int parallel, string? postgres)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"jiayi-workflow-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            await MeasureAsync("SQLite", DatabaseProvider.Sqlite, $"Data Source={Path.Combine(folder, "jiayi.db")}", folder, requests, parallel);
            if (!string.IsNullOrWhiteSpace(postgres))
            {
                var name = $"jiayi_bench_{Guid.NewGuid():N}";
                await ExecuteAsync(postgres, $"CREATE DATABASE \"{name}\"");
                try
                {
                    await MeasureAsync("PostgreSQL", DatabaseProvider.PostgreSql, new NpgsqlConnectionStringBuilder(postgres) { Database = name }.ConnectionString, folder, requests, parallel);
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

    private static async Task MeasureAsync(string label, DatabaseProvider provider, string connectionString, string folder, int count, int parallel)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Benchmark", ContentRootPath = folder });
        builder.Configuration["Database:Provider"] = provider.ToString();
        builder.Configuration["ConnectionStrings:Jiayi"] = connectionString;
        builder.Configuration["Definitions:Path"] = Path.Combine(Submissions.Root, "definitions");
        builder.Configuration["Security:EncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        builder.Configuration["Security:HashKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        builder.Configuration["JIAYI_ADMIN_PASSWORD"] = "Bench-Passw0rd!";
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.None);
        builder.AddJiayi();
        await using var app = builder.Build();
        await app.InitializeJiayiAsync();
        var (doctor, admin, residents, package) = await SetUpAsync(app.Services, count);

        var contracts = app.Services.GetRequiredService<ContractService>();
        var runtime = app.Services.GetRequiredService<WorkflowRuntime>();
        var instances = new Guid[count];
        await TimeAsync(label, "居民申请签约 (request → 待初审)", count, parallel, async i =>
            instances[i] = (await contracts.RequestAsync(doctor, new SignInput(residents[i], [package], null, null, null, ContractSources.ResidentApp, null, null, null, null, null), CancellationToken.None)).InstanceId);
        await TimeAsync(label, "初审通过 fire (待初审 → 待审核)", count, parallel, i =>
            runtime.FireAsync(instances[i], new FireRequest("approve", "同意", null, null), doctor, CancellationToken.None));
        await TimeAsync(label, "审核通过 fire (待审核 → 已生效)", count, parallel, i =>
            runtime.FireAsync(instances[i], new FireRequest("approve", null, null, null), admin, CancellationToken.None));

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<JiayiDbContext>>().CreateDbContextAsync();
        var effective = await db.Contracts.CountAsync(c => c.State == ContractStates.Effective);
        var history = await db.WorkflowHistory.CountAsync();
        var items = await db.WorkItems.CountAsync();
        var timers = await db.WorkflowTimers.CountAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label,-10} check: {effective:N0} effective, {history:N0} history rows, {items:N0} work items, {timers:N0} timers"));
    }

    private static async Task TimeAsync(string label, string step, int count, int parallel, Func<int, Task> work)
    {
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, _) => await work(i));
        var seconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label,-10} {step,-36} {count,6:N0} in {seconds,6:F1} s {count / seconds,8:N0} /s  ({parallel} at a time)"));
    }

    /// <summary>A centre with one team, its doctor (家庭医生) and the centre's reviewer (机构管理员), residents of the team, a published 基础包.</summary>
    private static async Task<(AccessInfo Doctor, AccessInfo Admin, Guid[] Residents, Guid Package)> SetUpAsync(IServiceProvider services, int count)
    {
        Organization team;
        Organization centre;
        await using (var db = await services.GetRequiredService<IDbContextFactory<JiayiDbContext>>().CreateDbContextAsync())
        {
            var county = await db.Organizations.SingleAsync(o => o.Code == "610402" && o.Kind == OrganizationKinds.Division);
            centre = new Organization { Code = "BENCH", Name = "基准测试卫生院", Kind = OrganizationKinds.Institution, ParentId = county.Id, Path = county.Path + "BENCH/" };
            team = new Organization { Code = "BENCH-T1", Name = "基准测试团队", Kind = OrganizationKinds.Team, ParentId = centre.Id, Path = centre.Path + "BENCH-T1/" };
            db.Organizations.AddRange(centre, team);
            await db.SaveChangesAsync();
        }

        Guid doctorId;
        Guid adminId;
        await using (var scope = services.CreateAsyncScope())
        {
            var bootstrap = scope.ServiceProvider.GetRequiredService<AccessBootstrap>();
            doctorId = (await bootstrap.CreateUserAsync("bench-doctor", "基准医生", UserTypes.Service, centre.Id, team.Id, AccessBootstrap.DoctorRole, CancellationToken.None)).Id;
            adminId = (await bootstrap.CreateUserAsync("bench-admin", "基准审核员", UserTypes.Service, centre.Id, null, AccessBootstrap.InstitutionAdminRole, CancellationToken.None)).Id;
        }

        var protector = services.GetRequiredService<FieldProtector>();
        var residents = new Guid[count];
        var package = new ServicePackage
        {
            Name = "基准基础包", Kind = PackageKinds.Basic, ValidFrom = new DateOnly(2020, 1, 1), ValidTo = new DateOnly(2099, 12, 31),
            IssuerOrgId = centre.Id, IssuerOrgPath = centre.Path, Published = true,
            Items = [new PackageItem { Order = 1, Name = "高血压患者随访", FormId = "hypertension-followup", TimesPerYear = 4 }],
        };
        await using (var db = await services.GetRequiredService<IDbContextFactory<JiayiDbContext>>().CreateDbContextAsync())
        {
            db.ServicePackages.Add(package);
            for (var i = 0; i < count; i++)
            {
                var birth = new DateOnly(1940, 1, 1).AddDays(i % 20_000);
                var first17 = string.Create(CultureInfo.InvariantCulture, $"610402{birth:yyyyMMdd}{i / 20_000 * 2 + 1:000}");
                var resident = ResidentService.NewResident(protector, $"居民{i:D6}", first17 + ChineseIdNumber.CheckCharacter(first17), "男", birth, team, DateTime.UtcNow);
                residents[i] = resident.Id;
                db.Residents.Add(resident);
            }

            db.AuditBatchSummary = "基准测试数据";
            await db.SaveChangesAsync();
        }

        await using var accessScope = services.CreateAsyncScope();
        var access = accessScope.ServiceProvider.GetRequiredService<AccessService>();
        return ((await access.GetAsync(doctorId, CancellationToken.None))!, (await access.GetAsync(adminId, CancellationToken.None))!, residents, package.Id);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
