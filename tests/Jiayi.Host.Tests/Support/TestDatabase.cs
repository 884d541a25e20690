using Jiayi.Data;
using Npgsql;

namespace Jiayi.Host.Tests.Support;

/// <summary>
/// A fresh, empty database for one host under test: a SQLite file, or a database created on the
/// throwaway PostgreSQL server that the test command starts (connection in <c>JIAYI_TEST_PG</c>).
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgreSqlVariable = "JIAYI_TEST_PG";

    private readonly Func<ValueTask> _drop;

    private TestDatabase(DatabaseProvider provider, string connectionString, Func<ValueTask> drop)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _drop = drop;
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    public static TestDatabase Sqlite()
    {
        var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "jiayi-tests");
        Directory.CreateDirectory(folder);
        var file = System.IO.Path.Combine(folder, $"{Guid.NewGuid():N}.db");
        return new TestDatabase(DatabaseProvider.Sqlite, $"Data Source={file};Pooling=False", () =>
        {
            // The Hangfire job store lives beside the database (BackgroundJobs): <name>-jobs.db.
            var jobs = System.IO.Path.ChangeExtension(file, null) + "-jobs.db";
            foreach (var path in new[] { file, file + "-wal", file + "-shm", jobs, jobs + "-wal", jobs + "-shm" })
            {
                File.Delete(path);
            }

            return ValueTask.CompletedTask;
        });
    }

    public static async Task<TestDatabase> PostgreSqlAsync()
    {
        var server = Environment.GetEnvironmentVariable(PostgreSqlVariable);
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new InvalidOperationException(
                $"{PostgreSqlVariable} is not set. Run the tests with ./test.sh, which installs and starts a throwaway PostgreSQL server on loopback.");
        }

        var name = $"jiayi_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
        return new TestDatabase(DatabaseProvider.PostgreSql, builder.ConnectionString, async () =>
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        });
    }

    public ValueTask DisposeAsync() => _drop();
}
