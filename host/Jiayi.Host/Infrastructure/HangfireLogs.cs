namespace Jiayi.Host.Infrastructure;

/// <summary>
/// Hangfire's log provider is process-wide; Hangfire.AspNetCore points it at the host's logger factory. With
/// more than one host in a process (the tests run many, one after another) it may be left pointing at a host
/// that has been disposed, and Hangfire then throws ObjectDisposedException wherever it asks for a logger —
/// even while building a job client for another host's request. This provider writes to the host's
/// <see cref="ILoggerFactory"/> and simply stays quiet once that factory is gone.
/// </summary>
public sealed partial class HangfireLogs(ILoggerFactory factory) : Hangfire.Logging.ILogProvider
{
    [LoggerMessage(Message = "{Message}")]
    private static partial void Write(ILogger logger, LogLevel level, Exception? exception, string message);

    public Hangfire.Logging.ILog GetLogger(string name) => new QuietLog(factory, name);

    private sealed class QuietLog(ILoggerFactory factory, string name) : Hangfire.Logging.ILog
    {
        private ILogger? _logger;

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            try
            {
                var logger = _logger ??= factory.CreateLogger(name);
                var level = logLevel switch
                {
                    Hangfire.Logging.LogLevel.Trace => LogLevel.Trace,
                    Hangfire.Logging.LogLevel.Debug => LogLevel.Debug,
                    Hangfire.Logging.LogLevel.Info => LogLevel.Information,
                    Hangfire.Logging.LogLevel.Warn => LogLevel.Warning,
                    Hangfire.Logging.LogLevel.Error => LogLevel.Error,
                    _ => LogLevel.Critical,
                };
                if (messageFunc is null || !logger.IsEnabled(level))
                {
                    return logger.IsEnabled(level);
                }

                var message = messageFunc();
                Write(logger, level, exception, message);
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }
}
