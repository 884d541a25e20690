using System.Text.Json;
using Jiayi.Data;
using Jiayi.Data.Records;
using Jiayi.Data.Residents;
using Jiayi.Engine.Forms;
using Jiayi.Data.Audit;
using Jiayi.Host.Access;
using Jiayi.Host.Audit;
using Jiayi.Host.Forms;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Parameters;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Records;

/// <summary>What to save: which form (latest version unless pinned), about whom, and the answers.</summary>
public sealed record NewRecord(string FormId, JsonElement Data, Guid? SubjectId = null, int? FormVersion = null, Guid? Id = null);

/// <summary>A record as the API and the pages show it.</summary>
public sealed record RecordView(
    Guid Id,
    string FormId,
    int FormVersion,
    string FormTitle,
    Guid? SubjectId,
    string? SubjectName,
    DateOnly? OccurredOn,
    string Status,
    string? AuthorName,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    JsonElement Data,
    JsonElement Scores,
    JsonElement Outcomes);

/// <summary>A page of records, newest first.</summary>
public sealed record RecordPage(IReadOnlyList<RecordView> Items, int Total, int Page, int PageSize);

/// <summary>Filters of a record list.</summary>
public sealed record RecordQuery(string? FormId = null, Guid? SubjectId = null, DateOnly? From = null, DateOnly? To = null, int Page = 1, int PageSize = 20);

/// <summary>
/// Saving and reading form records. A record is evaluated by the engine with the version it is saved
/// with, and stored only when valid; it keeps that version for ever. Each call uses its own short-lived
/// database context, so the service is safe in long-lived Blazor circuits.
/// </summary>
public sealed class RecordService(IDbContextFactory<JiayiDbContext> databases, FormCatalog catalog, SystemParameters parameters, Programmes.EnrolmentService enrolments, AuditLog audit, Clock clock)
{
    /// <summary>
    /// The evaluation context for a form and subject: today in the users' zone, the subject's birth date and
    /// sex, and the current values of the system parameters the form follows (e.g. the blood-pressure target).
    /// </summary>
    public async Task<EvaluationContext> ContextAsync(AccessInfo? access, CompiledForm form, Guid? subjectId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var context = new EvaluationContext(clock.Today) { ParameterOverrides = await parameters.OverridesForAsync(form, cancellationToken) };
        if (subjectId is { } id)
        {
            var resident = await db.Residents.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
            if (resident is null || (access is not null && !access.InScope(resident.OrgPath)))
            {
                throw ProblemException.Invalid("/subjectId", "not-found", $"居民“{id}”不存在或不在您的管辖范围内");
            }

            context = context with { Subject = new SubjectInfo(resident.BirthDate, resident.Sex) };
        }

        return context;
    }

    /// <summary>
    /// Validates and stores a record by the caller (null: the system, e.g. demo data); the subject must be in
    /// the caller's scope. Throws <see cref="ProblemException"/> (400/404/409) when it cannot.
    /// </summary>
    public Task<(RecordView Record, bool Created)> CreateAsync(AccessInfo? access, NewRecord request, CancellationToken cancellationToken) =>
        CreateAsync(access, request, retried: false, cancellationToken);

    private async Task<(RecordView Record, bool Created)> CreateAsync(AccessInfo? access, NewRecord request, bool retried, CancellationToken cancellationToken)
    {
        var form = request.FormVersion is { } pinned
            ? await catalog.GetAsync(request.FormId, pinned, cancellationToken) ?? throw ProblemException.FormVersionNotFound(request.FormId, pinned)
            : await catalog.GetLatestAsync(request.FormId, cancellationToken) ?? throw ProblemException.FormNotFound(request.FormId);
        if (!FormPurposes.IsRecord(form.Definition))
        {
            throw ProblemException.Invalid("/formId", "workflow-form", $"表单“{form.Title}”只在流程操作中填写（如签约的解约），不能单独保存为服务记录");
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (request.Id is { } clientId && await db.Records.AsNoTracking().SingleOrDefaultAsync(r => r.Id == clientId, cancellationToken) is { } existing)
        {
            // An app that lost the response retries with the same id: the first save stands.
            if (existing.FormId != request.FormId || existing.SubjectId != request.SubjectId || (access is not null && !access.InScope(existing.OrgPath)))
            {
                throw new ProblemException(StatusCodes.Status409Conflict, "record-id-conflict", "记录编号冲突", $"编号“{clientId}”已用于另一条记录");
            }

            return (await ViewAsync(db, existing, cancellationToken), false);
        }

        Resident? subject = null;
        if (request.SubjectId is { } subjectId)
        {
            subject = await db.Residents.AsNoTracking().SingleOrDefaultAsync(r => r.Id == subjectId, cancellationToken);
            if (subject is null || (access is not null && !access.InScope(subject.OrgPath)))
            {
                throw ProblemException.Invalid("/subjectId", "not-found", $"居民“{subjectId}”不存在或不在您的管辖范围内");
            }
        }

        var context = new EvaluationContext(clock.Today)
        {
            Subject = subject is null ? null : new SubjectInfo(subject.BirthDate, subject.Sex),
            ParameterOverrides = await parameters.OverridesForAsync(form, cancellationToken),
        };
        var result = form.Evaluate(request.Data, context);
        if (!result.IsValid)
        {
            throw ProblemException.Invalid(result.Errors);
        }

        var now = clock.UtcNow;
        var record = new FormRecord
        {
            Id = request.Id ?? Guid.CreateVersion7(),
            FormId = form.Id,
            FormVersion = form.Version,
            SubjectId = subject?.Id,
            // A record belongs where its subject is managed; one without a subject, where its author works.
            OrgId = subject?.OrgId ?? access?.TeamId ?? access?.OrgId,
            OrgPath = subject?.OrgPath ?? access?.ScopePath,
            AuthorId = access?.UserId,
            AuthorName = access?.DisplayName,
            OccurredOn = form.OccurredOn is { } occurred && result.Value(occurred) is { Kind: Engine.Expressions.ValueKind.Date } date ? date.AsDate : null,
            Status = RecordStatus.Submitted,
            Data = result.DataJson(),
            Scores = result.ScoresJson(),
            Outcomes = result.OutcomesJson(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Records.Add(record);
        if (subject is not null)
        {
            // A first record of an enrolOn form (e.g. 第1次产前检查) enrols its subject in that programme.
            await enrolments.EnrolOnRecordAsync(db, subject, form.Id, record.Id, record.OccurredOn ?? clock.Today, access, cancellationToken);

            // The record fulfils the follow-ups of this resident that were waiting for this form.
            foreach (var due in await db.FollowUps.Where(f => f.ResidentId == subject.Id && f.FormId == form.Id && f.Status == Jiayi.Data.FollowUps.FollowUpStatus.Pending).ToListAsync(cancellationToken))
            {
                due.Status = Jiayi.Data.FollowUps.FollowUpStatus.Done;
                due.DoneRecordId = record.Id;
                due.CompletedAt = now;
            }
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (!retried)
        {
            // Nothing was written. Either the same client id was saved concurrently by a retry (answered as that
            // retry would have been), or another save enrolled the subject in the same programme at the same moment
            // (the second attempt finds the enrolment and adds none).
            db.ChangeTracker.Clear();
            return await CreateAsync(access, request, retried: true, cancellationToken);
        }

        return (View(record, form.Title, subject?.Name), true);
    }

    /// <summary>A record in the caller's scope (a read of personal health data: logged), or null.</summary>
    public async Task<RecordView?> GetAsync(AccessInfo access, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var record = await InScope(db, access).AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (record is null)
        {
            return null;
        }

        var view = await ViewAsync(db, record, cancellationToken);
        await audit.RecordAsync(AuditActions.Read, "record", id.ToString(), $"查看{view.FormTitle}记录{(view.SubjectName is null ? "" : $"（{view.SubjectName}）")}", cancellationToken);
        return view;
    }

    public async Task<RecordPage> ListAsync(AccessInfo access, RecordQuery query, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var records = InScope(db, access).AsNoTracking();
        if (query.FormId is { } formId)
        {
            records = records.Where(r => r.FormId == formId);
        }

        if (query.SubjectId is { } subjectId)
        {
            records = records.Where(r => r.SubjectId == subjectId);
        }

        if (query.From is { } from)
        {
            records = records.Where(r => r.OccurredOn >= from);
        }

        if (query.To is { } to)
        {
            records = records.Where(r => r.OccurredOn <= to);
        }

        var total = await records.CountAsync(cancellationToken);
        var rows = await records
            .OrderByDescending(r => r.OccurredOn).ThenByDescending(r => r.Id)
            .Skip((query.Page - 1) * query.PageSize)
            .Take(query.PageSize)
            .Select(r => new { Record = r, SubjectName = db.Residents.Where(p => p.Id == r.SubjectId).Select(p => p.Name).FirstOrDefault() })
            .ToListAsync(cancellationToken);
        var items = new List<RecordView>(rows.Count);
        foreach (var row in rows)
        {
            var form = await catalog.GetAsync(row.Record.FormId, row.Record.FormVersion, cancellationToken);
            items.Add(View(row.Record, form?.Title ?? row.Record.FormId, row.SubjectName));
        }

        if (items.Count > 0)
        {
            await audit.RecordAsync(AuditActions.Read, "record", null, $"查看服务记录列表：第 {query.Page} 页 {items.Count} 条{(query.FormId is null ? "" : $"（{query.FormId}）")}", cancellationToken);
        }

        return new RecordPage(items, total, query.Page, query.PageSize);
    }

    private static IQueryable<FormRecord> InScope(JiayiDbContext db, AccessInfo access)
    {
        var scope = access.ScopePath;
        return db.Records.Where(r => r.OrgPath != null && r.OrgPath.StartsWith(scope));
    }

    private async Task<RecordView> ViewAsync(JiayiDbContext db, FormRecord record, CancellationToken cancellationToken)
    {
        var form = await catalog.GetAsync(record.FormId, record.FormVersion, cancellationToken);
        var subject = record.SubjectId is { } id ? await db.Residents.AsNoTracking().Where(r => r.Id == id).Select(r => r.Name).FirstOrDefaultAsync(cancellationToken) : null;
        return View(record, form?.Title ?? record.FormId, subject);
    }

    private static RecordView View(FormRecord record, string formTitle, string? subjectName) => new(
        record.Id,
        record.FormId,
        record.FormVersion,
        formTitle,
        record.SubjectId,
        subjectName,
        record.OccurredOn,
        record.Status,
        record.AuthorName,
        DateTime.SpecifyKind(record.CreatedAt, DateTimeKind.Utc),
        DateTime.SpecifyKind(record.UpdatedAt, DateTimeKind.Utc),
        Parse(record.Data),
        Parse(record.Scores),
        Parse(record.Outcomes));

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
