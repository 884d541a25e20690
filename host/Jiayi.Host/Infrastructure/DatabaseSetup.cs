using Jiayi.Data;
using Jiayi.Host.Audit;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Infrastructure;

/// <summary>Registers the EF Core context for the configured provider; the rest of the host sees only <see cref="JiayiDbContext"/>.</summary>
public static class DatabaseSetup
{
    public static IServiceCollection AddJiayiDatabase(this IServiceCollection services, JiayiOptions options)
    {
        switch (options.DatabaseProvider)
        {
            case DatabaseProvider.Sqlite:
                services.AddDbContextFactory<SqliteJiayiDbContext>((sp, b) => JiayiDatabase.UseSqlite(Audited(sp, b), options.ConnectionString!));
                services.AddSingleton<IDbContextFactory<JiayiDbContext>>(sp => new BaseFactory<SqliteJiayiDbContext>(sp.GetRequiredService<IDbContextFactory<SqliteJiayiDbContext>>()));
                break;
            case DatabaseProvider.PostgreSql:
                services.AddDbContextFactory<PostgreSqlJiayiDbContext>((sp, b) => JiayiDatabase.UsePostgreSql(Audited(sp, b), options.ConnectionString!));
                services.AddSingleton<IDbContextFactory<JiayiDbContext>>(sp => new BaseFactory<PostgreSqlJiayiDbContext>(sp.GetRequiredService<IDbContextFactory<PostgreSqlJiayiDbContext>>()));
                break;
            default:
                throw new InvalidOperationException($"Unknown database provider {options.DatabaseProvider}.");
        }

        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<JiayiDbContext>>().CreateDbContext());
        return services;
    }

    /// <summary>Every context writes the system log in the transaction of its saves.</summary>
    private static DbContextOptionsBuilder Audited(IServiceProvider services, DbContextOptionsBuilder builder) =>
        builder.AddInterceptors(services.GetRequiredService<AuditInterceptor>());

    /// <summary>Brings the schema up to date with the provider's migrations.</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<JiayiDbContext>>().CreateDbContextAsync(cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // Write-ahead logging: readers (pages, lists) no longer block the writer (saves, imports, the
            // system log) nor it them; the setting stays with the database file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    private sealed class BaseFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<JiayiDbContext>
        where TContext : JiayiDbContext
    {
        public JiayiDbContext CreateDbContext() => inner.CreateDbContext();
    }
}
