using System.Threading.Channels;
using Jiayi.Data;
using Jiayi.Data.Audit;
using Jiayi.Data.BatchImports;
using Jiayi.Host.Access;
using Jiayi.Host.Audit;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Security;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Residents;

/// <summary>An import job as its page and the API show it.</summary>
public sealed record ImportJobView(
    Guid Id, string FileName, string Status, int Total, int Processed, int Imported, int Skipped, int Failed, string? Message, DateTime CreatedAt, DateTime? FinishedAt);

/// <summary>One problem of one row: the Excel row number (header = 1), the column, why.</summary>
public sealed record ImportErrorView(int Row, string Column, string Reason);

/// <summary>An import waiting in the queue, with the user it is done for (the system log names them).</summary>
public sealed record QueuedImport(Guid JobId, AuditActor Actor);

/// <summary>
/// Batch import of residents from .xlsx (W1.1): the upload is checked and kept in the data folder, a job is
/// queued and run in the background by <see cref="ResidentImportWorker"/>, one at a time, while pages and the API
/// read its progress and its per-row errors. Jobs are visible to users whose scope contains the job's.
/// The queue lives in this process: a job interrupted by a restart is marked failed at the next start.
/// A durable scheduler (Hangfire) arrives with the workflow issue and will take over the queue.
/// </summary>
public sealed partial class ResidentImport(
    IDbContextFactory<JiayiDbContext> databases, FieldProtector protector, Programmes.EnrolmentService enrolments, AuditLog audit, Clock clock, IHostEnvironment environment, ILogger<ResidentImport> logger)
{
    public const string Kind = "residents";
    public const long MaxFileBytes = 20 * 1024 * 1024;
    public const string Interrupted = "服务重启，导入中断，请重新导入";

    private const int RecentJobs = 20;

    private readonly Channel<QueuedImport> _queue = Channel.CreateUnbounded<QueuedImport>(new UnboundedChannelOptions { SingleReader = true });

    private string Folder => Path.Combine(environment.ContentRootPath, "data", "imports");

    private string FileOf(Guid jobId) => Path.Combine(Folder, $"{jobId:N}.xlsx");

    /// <summary>Keeps the upload, checks that it is a workbook with the template's columns, and queues the job.</summary>
    public async Task<ImportJobView> SubmitAsync(AccessInfo access, string fileName, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(content);
        var name = Path.GetFileName(fileName ?? "").Trim();
        if (!name.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase))
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "invalid-import-file", "导入文件有误", "只能导入 Excel 工作簿（.xlsx）：请使用导入模板");
        }

        if (name.Length > 200)
        {
            name = name[..195] + ".xlsx";
        }

        var job = new ImportJob { Kind = Kind, FileName = name, Status = ImportStatus.Queued, CreatedBy = access.UserId, OrgPath = access.ScopePath, CreatedAt = clock.UtcNow };
        Directory.CreateDirectory(Folder);
        var path = FileOf(job.Id);
        try
        {
            await CopyAsync(content, path, cancellationToken);
            ResidentImportSheet.Check(path);
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            db.ImportJobs.Add(job);
            await db.SaveChangesAsync(cancellationToken);
        }
        catch
        {
            File.Delete(path);
            throw;
        }

        _queue.Writer.TryWrite(new QueuedImport(job.Id, AuditContext.Current));
        return View(job);
    }

    private static async Task CopyAsync(Stream content, string path, CancellationToken cancellationToken)
    {
        await using var file = File.Create(path);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
            if (total > MaxFileBytes)
            {
                throw FileUpload.TooLarge(MaxFileBytes);
            }

            await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    public async Task<ImportJobView> GetAsync(AccessInfo access, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return View(await FindAsync(db, access, id, cancellationToken));
    }

    /// <summary>The caller's own recent imports (still in their scope), newest first.</summary>
    public async Task<IReadOnlyList<ImportJobView>> ListAsync(AccessInfo access, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var scope = access.ScopePath;
        var me = access.UserId;
        var jobs = await db.ImportJobs.AsNoTracking()
            .Where(j => j.Kind == Kind && j.CreatedBy == me && j.OrgPath.StartsWith(scope))
            .OrderByDescending(j => j.CreatedAt).Take(RecentJobs).ToListAsync(cancellationToken);
        return [.. jobs.Select(View)];
    }

    /// <summary>The job's row errors in row order; reading them is logged.</summary>
    public async Task<IReadOnlyList<ImportErrorView>> ErrorsAsync(AccessInfo access, Guid id, CancellationToken cancellationToken)
    {
        var (job, errors) = await LoadErrorsAsync(access, id, cancellationToken);
        await audit.RecordAsync(AuditActions.Read, "import", id.ToString(), $"查看居民导入“{job.FileName}”的错误（{errors.Count} 条）", cancellationToken);
        return errors;
    }

    /// <summary>The error report as a workbook (行号, 列, 原因); the export is logged.</summary>
    public async Task<(string FileName, byte[] Content)> ErrorReportAsync(AccessInfo access, Guid id, CancellationToken cancellationToken)
    {
        var (job, errors) = await LoadErrorsAsync(access, id, cancellationToken);
        await audit.RecordAsync(AuditActions.Export, "import", id.ToString(), $"导出居民导入“{job.FileName}”的错误报告（{errors.Count} 条）", cancellationToken);
        return ($"{Path.GetFileNameWithoutExtension(job.FileName)}-错误报告.xlsx", ResidentImportSheet.ErrorReport(errors));
    }

    private async Task<(ImportJob Job, List<ImportErrorView> Errors)> LoadErrorsAsync(AccessInfo access, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var job = await FindAsync(db, access, id, cancellationToken);
        var errors = await db.ImportJobErrors.AsNoTracking().Where(e => e.JobId == id).OrderBy(e => e.Row).ThenBy(e => e.Id)
            .Select(e => new ImportErrorView(e.Row, e.Column, e.Reason)).ToListAsync(cancellationToken);
        return (job, errors);
    }

    private static async Task<ImportJob> FindAsync(JiayiDbContext db, AccessInfo access, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        var scope = access.ScopePath;
        return await db.ImportJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id && j.Kind == Kind && j.OrgPath.StartsWith(scope), cancellationToken) ?? throw NotFound(id.ToString());
    }

    public static ProblemException NotFound(string id) =>
        new(StatusCodes.Status404NotFound, "import-not-found", "导入任务不存在", $"没有编号为“{id}”的导入任务，或不在您的管辖范围内");

    /// <summary>The queued imports, in order, for the one worker.</summary>
    internal IAsyncEnumerable<QueuedImport> QueuedAsync(CancellationToken cancellationToken) => _queue.Reader.ReadAllAsync(cancellationToken);

    /// <summary>
    /// At start-up: jobs left queued or running by a previous process can never finish (the queue was in its memory),
    /// so they are marked failed and their files removed. Assumes one host process per database, as the queue does.
    /// </summary>
    public async Task FailInterruptedAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var stale = await db.ImportJobs.Where(j => j.Kind == Kind && (j.Status == ImportStatus.Queued || j.Status == ImportStatus.Running)).ToListAsync(cancellationToken);
        foreach (var job in stale)
        {
            job.Status = ImportStatus.Failed;
            job.Message = Interrupted;
            job.FinishedAt = clock.UtcNow;
        }

        await db.SaveChangesAsync(cancellationToken);
        foreach (var file in stale.Select(j => FileOf(j.Id)).Where(File.Exists))
        {
            File.Delete(file);
        }
    }

    /// <summary>Runs one queued import to its end (completed or failed) and removes its file; a shutdown leaves it running, to be failed at the next start.</summary>
    public async Task RunAsync(QueuedImport item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        using var actor = AuditContext.Use(item.Actor);
        var path = FileOf(item.JobId);
        ResidentImportRun? run = null;
        try
        {
            await using (var db = await databases.CreateDbContextAsync(cancellationToken))
            {
                var job = await db.ImportJobs.SingleOrDefaultAsync(j => j.Id == item.JobId && j.Status == ImportStatus.Queued, cancellationToken);
                if (job is null)
                {
                    return;
                }

                job.Status = ImportStatus.Running;
                await db.SaveChangesAsync(cancellationToken);
                run = new ResidentImportRun(job.Id, job.FileName, job.OrgPath, databases, protector, clock);
            }

            var counts = await run.ExecuteAsync(path, cancellationToken);
            await enrolments.SyncAgeAsync(null, cancellationToken);
            var message = $"导入完成：共 {counts.Total} 行，新增 {counts.Imported} 人，跳过 {counts.Skipped} 人（身份证号已登记），{counts.Failed} 行有错误";
            await FinishAsync(item.JobId, ImportStatus.Completed, message, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, e, item.JobId);
            var done = run?.Counts.Processed ?? 0;
            var reason = ResidentImportSheet.IsUnreadable(e) ? "文件读取出错" : "保存时出错";
            await FinishAsync(item.JobId, ImportStatus.Failed, $"导入中断：第 {done + 1} 行起的一批{reason}，之前的 {done} 行已处理。可修正后重新导入同一文件，已导入的居民会跳过", CancellationToken.None);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private async Task FinishAsync(Guid jobId, string status, string message, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var job = await db.ImportJobs.SingleAsync(j => j.Id == jobId, cancellationToken);
        job.Status = status;
        job.Message = message;
        job.FinishedAt = clock.UtcNow;
        db.AuditDrafts.Add(new AuditDraft(AuditActions.Import, "import", job.Id.ToString(), $"批量导入居民（{job.FileName}）{(status == ImportStatus.Completed ? "" : "失败")}：{message}"));
        await db.SaveChangesAsync(cancellationToken);
    }

    private static ImportJobView View(ImportJob j) => new(
        j.Id, j.FileName, j.Status, j.Total, j.Processed, j.Imported, j.Skipped, j.Failed, j.Message,
        DateTime.SpecifyKind(j.CreatedAt, DateTimeKind.Utc), j.FinishedAt is { } finished ? DateTime.SpecifyKind(finished, DateTimeKind.Utc) : null);

    [LoggerMessage(Level = LogLevel.Error, Message = "Resident import {JobId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, Guid jobId);
}

/// <summary>Runs the queued resident imports one after another, in the background of the host.</summary>
public sealed partial class ResidentImportWorker(ResidentImport imports, ILogger<ResidentImportWorker> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before any request can queue a new job: those of a previous process are failed first.
        await imports.FailInterruptedAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var item in imports.QueuedAsync(stoppingToken))
        {
            try
            {
                await imports.RunAsync(item, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Not even the failure could be recorded (the database is gone?): the next job still gets its turn.
                LogLost(logger, e, item.JobId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Resident import {JobId} could not be recorded as finished")]
    private static partial void LogLost(ILogger logger, Exception exception, Guid jobId);
}
