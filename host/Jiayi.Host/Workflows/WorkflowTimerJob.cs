using Jiayi.Data;
using Jiayi.Data.Workflows;
using Jiayi.Host.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Workflows;

/// <summary>
/// Fires due workflow timers. Hangfire runs it every minute as a recurring job (once per minute across all
/// host processes on one database); each timer is claimed in the transaction that fires it, so a timer
/// fires once even when two processes sweep at the same moment.
/// </summary>
public sealed partial class WorkflowTimerJob(IDbContextFactory<JiayiDbContext> databases, WorkflowRuntime runtime, Clock clock, ILogger<WorkflowTimerJob> logger)
{
    public const string RecurringId = "workflow-timers";

    /// <summary>Fires every timer due now; returns how many fired.</summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        var fired = 0;
        while (true)
        {
            List<Guid> due;
            await using (var db = await databases.CreateDbContextAsync(cancellationToken))
            {
                var now = clock.UtcNow;
                due = await db.WorkflowTimers.AsNoTracking()
                    .Where(t => t.Status == WorkflowTimerStatus.Scheduled && t.DueAt <= now)
                    .OrderBy(t => t.DueAt).Select(t => t.Id).Take(200).ToListAsync(cancellationToken);
            }

            var firedNow = 0;
            foreach (var id in due)
            {
                if (await runtime.FireTimerAsync(id, cancellationToken))
                {
                    firedNow++;
                }
            }

            fired += firedNow;
            if (due.Count < 200)
            {
                break;
            }
        }

        if (fired > 0)
        {
            LogFired(logger, fired);
        }

        return fired;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Fired {Count} workflow timers")]
    private static partial void LogFired(ILogger logger, int count);
}
