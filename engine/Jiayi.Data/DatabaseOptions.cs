using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Jiayi.Data;

/// <summary>The database providers Jiayi runs on, chosen at run time by <c>Database:Provider</c>.</summary>
public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
}

/// <summary>Builds provider-specific context options; used by the host and by <c>dotnet ef</c>.</summary>
public static class JiayiDatabase
{
    public static void UseSqlite(DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseSqlite(connectionString, sqlite => sqlite.MigrationsHistoryTable("__ef_migrations"));

    public static void UsePostgreSql(DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations"));
}

/// <summary>Lets <c>dotnet ef migrations add … --context SqliteJiayiDbContext</c> build the context.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteJiayiDbContext>
{
    public SqliteJiayiDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<SqliteJiayiDbContext>();
        JiayiDatabase.UseSqlite(builder, "Data Source=design.db");
        return new SqliteJiayiDbContext(builder.Options);
    }
}

/// <summary>Lets <c>dotnet ef migrations add … --context PostgreSqlJiayiDbContext</c> build the context (no server needed).</summary>
public sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlJiayiDbContext>
{
    public PostgreSqlJiayiDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<PostgreSqlJiayiDbContext>();
        JiayiDatabase.UsePostgreSql(builder, "Host=localhost;Database=jiayi_design");
        return new PostgreSqlJiayiDbContext(builder.Options);
    }
}
