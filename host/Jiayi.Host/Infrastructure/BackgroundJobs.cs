using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.Storage.SQLite;
using Jiayi.Data;
using Jiayi.Host.Workflows;
using Microsoft.Data.Sqlite;

namespace Jiayi.Host.Infrastructure;

/// <summary>
/// Background jobs on Hangfire: SQLite storage (a file beside the database) on the embedded default,
/// PostgreSQL storage (schema <c>hangfire</c> in the same database) on PostgreSQL, where several host
/// processes share the job queue and a recurring job runs once per occurrence across them. The storage is a
/// service of this host, not Hangfire's process-wide default, so several hosts can live in one process (tests).
/// </summary>
public static class BackgroundJobs
{
    public static void AddJiayiJobs(this IServiceCollection services, JiayiOptions options)
    {
        services.AddSingleton<JobStorage>(_ => CreateStorage(options));
        services.AddHangfire((provider, c) => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HangfireLogs(provider.GetRequiredService<ILoggerFactory>())));
        services.AddHangfireServer(o =>
        {
            o.WorkerCount = 2;
            o.SchedulePollingInterval = TimeSpan.FromSeconds(5);
            o.ServerName = $"jiayi-{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
        });
        services.AddSingleton<WorkflowTimerJob>();
        services.AddSingleton<Integrations.OutboxDelivery>();
        services.AddHttpClient(Integrations.OutboxDelivery.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30));
    }

    /// <summary>Registers the recurring jobs (idempotent: every process does it at start).</summary>
    public static void ScheduleJiayiJobs(this IServiceProvider services)
    {
        var recurring = services.GetRequiredService<IRecurringJobManager>();
        // Resolving the manager applied Hangfire's configuration, whatever order it sets its defaults in: only now
        // is the (process-wide) log provider surely ours (see HangfireLogs).
        GlobalConfiguration.Configuration.UseLogProvider(new HangfireLogs(services.GetRequiredService<ILoggerFactory>()));
        recurring.AddOrUpdate<WorkflowTimerJob>(WorkflowTimerJob.RecurringId, job => job.RunDueAsync(CancellationToken.None), Cron.Minutely());
        recurring.AddOrUpdate<Integrations.OutboxDelivery>(Integrations.OutboxDelivery.RecurringId, job => job.RunDueAsync(CancellationToken.None), Cron.Minutely());
        recurring.AddOrUpdate<Programmes.AgeEnrolmentJob>(Programmes.AgeEnrolmentJob.RecurringId, job => job.RunAsync(CancellationToken.None), Cron.Daily(1), new RecurringJobOptions { TimeZone = services.GetRequiredService<Clock>().Zone });
    }

    private static JobStorage CreateStorage(JiayiOptions options) =>
        options.DatabaseProvider == DatabaseProvider.PostgreSql ? PostgreSqlJobs(options.ConnectionString!) : SqliteJobs(options.ConnectionString!);

    private static PostgreSqlStorage PostgreSqlJobs(string connectionString)
    {
        var storage = new PostgreSqlStorageOptions
        {
            SchemaName = "hangfire",
            PrepareSchemaIfNecessary = true,
            QueuePollInterval = TimeSpan.FromSeconds(2),
        };
        return new PostgreSqlStorage(new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(connectionString, storage), storage);
    }

    private static SQLiteStorage SqliteJobs(string connectionString)
    {
        var database = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var jobs = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(database)) ?? ".", Path.GetFileNameWithoutExtension(database) + "-jobs.db");
        return new SQLiteStorage(jobs, new SQLiteStorageOptions { QueuePollInterval = TimeSpan.FromSeconds(2) });
    }
}
