using Jiayi.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jiayi.Host.Tests.Support;

/// <summary>The real host (Program) on a given database, with the shipped definitions (or a copy of them).</summary>
public sealed class JiayiFactory(TestDatabase database, bool demo = false, string? definitionsPath = null, Action<IServiceCollection>? services = null, IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>
{
    public TestDatabase Database { get; } = database;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureLogging(logging => logging.AddProvider(new ErrorLog()));
        builder.UseSetting("Database:Provider", Database.Provider.ToString());
        builder.UseSetting("ConnectionStrings:Jiayi", Database.ConnectionString);
        builder.UseSetting("Definitions:Path", definitionsPath ?? Repo.Path("definitions"));
        builder.UseSetting("Demo:Enabled", demo ? "true" : "false");
        builder.UseSetting("JIAYI_ADMIN_PASSWORD", AdminPassword);
        builder.UseSetting("Security:EncryptionKey", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        builder.UseSetting("Security:HashKey", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        if (services is not null)
        {
            builder.ConfigureServices(services);
        }
    }

    /// <summary>The password of admin and the demo accounts in tests.</summary>
    public const string AdminPassword = "Xy-Passw0rd!2026";

    public async Task<T> WithDatabaseAsync<T>(Func<JiayiDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<JiayiDbContext>();
        return await work(db);
    }

    public Task<int> RecordCountAsync() => WithDatabaseAsync(db => db.Records.CountAsync());
}

/// <summary>One host per test class, on its own fresh database.</summary>
public abstract class HostFixture : IAsyncLifetime
{
    private TestDatabase? _database;

    public JiayiFactory Factory { get; private set; } = default!;

    /// <summary>A client signed in as <c>tester</c>: every permission, scope the whole city.</summary>
    public HttpClient Client { get; private set; } = default!;

    public TestWorld World { get; private set; } = default!;

    protected abstract Task<TestDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync()
    {
        _database = await CreateDatabaseAsync();
        Factory = new JiayiFactory(_database);
        World = await TestWorld.CreateAsync(Factory);
        Client = await Factory.TesterClientAsync();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

public sealed class SqliteHost : HostFixture
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(TestDatabase.Sqlite());
}

public sealed class PostgreSqlHost : HostFixture
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.PostgreSqlAsync();
}
