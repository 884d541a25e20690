using Microsoft.Extensions.Logging;

namespace Jiayi.Host.Tests.Support;

/// <summary>
/// Writes every error a host under test logs (with its exception) to TestResults/host-errors.log, so that a 500
/// seen by a test — the body carries only a traceId — can be traced to its cause in CI's artefacts.
/// </summary>
public sealed class ErrorLog : ILoggerProvider
{
    private static readonly Lock Gate = new();

    public static string FilePath { get; } = Repo.Path("TestResults", "host-errors.log");

    public ILogger CreateLogger(string categoryName) => new Writer(categoryName);

    public void Dispose()
    {
    }

    private sealed class Writer(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // A brand-new database answers EF Core's migration-history probe with an error: expected, not news.
            if (!IsEnabled(logLevel) || (category == "Microsoft.EntityFrameworkCore.Database.Command" && exception is null && formatter(state, exception).Contains("__ef_migrations", StringComparison.Ordinal)))
            {
                return;
            }

            var line = $"{DateTime.UtcNow:O} {logLevel} {category}: {formatter(state, exception)}{Environment.NewLine}{exception}{Environment.NewLine}";
            lock (Gate)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
                File.AppendAllText(FilePath, line);
            }
        }
    }
}
