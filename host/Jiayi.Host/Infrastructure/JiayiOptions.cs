using Jiayi.Data;

namespace Jiayi.Host.Infrastructure;

/// <summary>Configuration of the host (appsettings, environment variables such as <c>Database__Provider</c>, or command line).</summary>
public sealed class JiayiOptions
{
    /// <summary><c>Database:Provider</c>: Sqlite (the embedded default) or PostgreSql.</summary>
    public DatabaseProvider DatabaseProvider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary><c>ConnectionStrings:Jiayi</c>; for SQLite defaults to a file in the host's data folder.</summary>
    public string? ConnectionString { get; set; }

    /// <summary><c>Definitions:Path</c>: the shipped definition packs; defaults to the copy beside the application.</summary>
    public string DefinitionsPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "definitions");

    /// <summary><c>Demo:Enabled</c>: seed a township health centre with residents and records on first run.</summary>
    public bool DemoEnabled { get; set; }

    /// <summary><c>Jiayi:TimeZone</c>: the zone whose calendar date counts as "today" (随访日期 checks, ages).</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    public static JiayiOptions From(IConfiguration configuration, IHostEnvironment environment)
    {
        var options = new JiayiOptions
        {
            DatabaseProvider = configuration.GetValue("Database:Provider", DatabaseProvider.Sqlite),
            ConnectionString = configuration.GetConnectionString("Jiayi"),
            DemoEnabled = configuration.GetValue("Demo:Enabled", false),
            TimeZone = configuration.GetValue("Jiayi:TimeZone", "Asia/Shanghai")!,
        };
        if (configuration["Definitions:Path"] is { Length: > 0 } path)
        {
            options.DefinitionsPath = Path.GetFullPath(path, environment.ContentRootPath);
        }

        if (options.DatabaseProvider == DatabaseProvider.Sqlite && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            var folder = Path.Combine(environment.ContentRootPath, "data");
            Directory.CreateDirectory(folder);
            options.ConnectionString = $"Data Source={Path.Combine(folder, "jiayi.db")}";
        }

        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new InvalidOperationException("Database:Provider is PostgreSql but ConnectionStrings:Jiayi (ConnectionStrings__Jiayi) is not set.");
        }

        return options;
    }
}
