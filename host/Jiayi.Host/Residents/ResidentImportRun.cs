using Jiayi.Data;
using Jiayi.Data.BatchImports;
using Jiayi.Data.Residents;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Identity;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Security;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Residents;

/// <summary>What an import did, row by row.</summary>
public sealed record ImportCounts(int Total, int Processed, int Imported, int Skipped, int Failed);

/// <summary>
/// One resident import: the rows of the first sheet read as a stream and checked with <see cref="ResidentRules"/>,
/// saved about a thousand at a time, each batch in one SaveChanges (one transaction, one system-log entry per
/// entity type) together with its row errors and the job's progress, so that no row and no batch is ever half
/// written. ID numbers already registered are skipped, which makes importing the same file again harmless;
/// the same number twice in the file is an error at its second row. Heads (户主) get a household when their row is
/// imported; members join their head's household, the head being earlier in the file, later in it (the member
/// waits until the end) or already registered in the job's scope.
/// </summary>
internal sealed class ResidentImportRun(Guid jobId, string fileName, string scope, IDbContextFactory<JiayiDbContext> databases, FieldProtector protector, Clock clock)
{
    public const int BatchSize = 1000;

    private static readonly Dictionary<string, string> ColumnOfPath = new(StringComparer.Ordinal)
    {
        ["/name"] = ResidentImportSheet.Name,
        ["/idNumber"] = ResidentImportSheet.IdNumber,
        ["/sex"] = ResidentImportSheet.Sex,
        ["/birthDate"] = ResidentImportSheet.BirthDate,
        ["/phone"] = ResidentImportSheet.Phone,
        ["/orgId"] = ResidentImportSheet.OrgCode,
        ["/addressDivisionId"] = ResidentImportSheet.DivisionCode,
        ["/addressDetail"] = ResidentImportSheet.AddressDetail,
        ["/householdId"] = ResidentImportSheet.HeadIdNumber,
        ["/relationToHead"] = ResidentImportSheet.RelationToHead,
    };

    private readonly DateOnly _today = clock.Today;

    private readonly ResidentImportChecks _checks = new(scope, databases, protector, clock.Today);

    /// <summary>Every valid ID number met so far, with its first row.</summary>
    private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);

    /// <summary>Households by their head's ID number: heads imported by this job, and registered heads found for members.</summary>
    private readonly Dictionary<string, Guid> _households = new(StringComparer.Ordinal);

    /// <summary>Head rows that could not be imported, so that their members say why.</summary>
    private readonly Dictionary<string, int> _failedHeads = new(StringComparer.Ordinal);

    /// <summary>The ID numbers of every head row of the file, so that a member listed before its head can wait for it.</summary>
    private readonly HashSet<string> _headsInFile = new(StringComparer.Ordinal);

    private readonly List<ImportRow> _waiting = [];

    private int _total;
    private int _processed;
    private int _imported;
    private int _skipped;
    private int _failed;

    public ImportCounts Counts => new(_total, _processed, _imported, _skipped, _failed);

    public async Task<ImportCounts> ExecuteAsync(string path, CancellationToken cancellationToken)
    {
        await CountAsync(path, cancellationToken);
        await using (var stream = File.OpenRead(path))
        {
            var batch = new List<ImportRow>(BatchSize);
            foreach (var row in ResidentImportSheet.Read(stream))
            {
                batch.Add(row);
                if (batch.Count == BatchSize)
                {
                    await SaveBatchAsync(batch, final: false, cancellationToken);
                    batch.Clear();
                }
            }

            await SaveBatchAsync(batch, final: false, cancellationToken);
        }

        // Members whose head came later in the file; the heads are all settled now.
        var waiting = _waiting.ToList();
        _waiting.Clear();
        foreach (var chunk in waiting.Chunk(BatchSize))
        {
            await SaveBatchAsync(chunk, final: true, cancellationToken);
        }

        return Counts;
    }

    /// <summary>A first quick pass: how many rows (for the progress bar), and which ID numbers are heads.</summary>
    private async Task CountAsync(string path, CancellationToken cancellationToken)
    {
        await using (var stream = File.OpenRead(path))
        {
            foreach (var row in ResidentImportSheet.Read(stream))
            {
                _total++;
                var id = ChineseIdNumber.Parse(row.Text(ResidentImportSheet.IdNumber), _today);
                if (id.IsValid && (row.Text(ResidentImportSheet.RelationToHead) == ResidentImportChecks.Head || Parse(row.Text(ResidentImportSheet.HeadIdNumber)) == id.Normalized))
                {
                    _headsInFile.Add(id.Normalized);
                }
            }
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var job = await db.ImportJobs.SingleAsync(j => j.Id == jobId, cancellationToken);
        job.Total = _total;
        await db.SaveChangesAsync(cancellationToken);
    }

    private string? Parse(string? idNumber) => ChineseIdNumber.Parse(idNumber, _today) is { IsValid: true } id ? id.Normalized : null;

    private async Task SaveBatchAsync(IReadOnlyList<ImportRow> rows, bool final, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var checkedRows = await _checks.CheckAsync(rows, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await TrySaveAsync(checkedRows, final, cancellationToken);
                return;
            }
            catch (DbUpdateException) when (attempt == 1)
            {
                // Someone registered one of these residents meanwhile (the ID-number hash is unique): look again, once.
            }
        }
    }

    /// <summary>
    /// Settles duplicates and households in row order and saves the batch: residents, households, row errors and the
    /// job's progress in one SaveChanges. The job's state changes only once the save has succeeded.
    /// </summary>
    private async Task TrySaveAsync(List<ImportCheckedRow> rows, bool final, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var hashes = rows.Select(r => r.Hash).OfType<string>().Distinct().ToList();
        var registered = (await db.Residents.Where(r => hashes.Contains(r.IdNumberHash)).Select(r => r.IdNumberHash).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var headHashes = rows.Select(r => r.HeadIdNumber).OfType<string>().Where(h => !_households.ContainsKey(h)).Distinct().ToDictionary(h => protector.Hash(h), h => h, StringComparer.Ordinal);
        var headKeys = headHashes.Keys.ToList();
        var registeredHeads = (await db.Residents.Where(r => headKeys.Contains(r.IdNumberHash) && r.OrgPath.StartsWith(scope)).ToListAsync(cancellationToken))
            .ToDictionary(r => headHashes[r.IdNumberHash], StringComparer.Ordinal);

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var households = new Dictionary<string, Guid>(StringComparer.Ordinal);
        var failedHeads = new Dictionary<string, int>(StringComparer.Ordinal);
        var waiting = new List<ImportRow>();
        var now = clock.UtcNow;
        int processed = 0, imported = 0, skipped = 0, failed = 0;
        foreach (var row in rows)
        {
            // A copy: a retried batch starts again from the rows' own errors.
            var errors = new List<ValidationError>(row.Errors);
            if (row.IdNumber is { } id)
            {
                // A member that waited for its head meets its own first sighting again.
                if ((seen.TryGetValue(id, out var first) || _seen.TryGetValue(id, out first)) && first != row.Source.Row)
                {
                    errors.Add(new ValidationError("/idNumber", "duplicate", $"与第 {first} 行的身份证号重复"));
                }
                else
                {
                    seen[id] = row.Source.Row;
                }
            }

            Guid? householdId = null;
            if (errors.Count == 0 && !registered.Contains(row.Hash!) && row.HeadIdNumber is { } headId)
            {
                if (households.TryGetValue(headId, out var known) || _households.TryGetValue(headId, out known))
                {
                    householdId = known;
                }
                else if (registeredHeads.TryGetValue(headId, out var head))
                {
                    householdId = head.HouseholdId ?? HouseholdOf(db, head, now);
                    households[headId] = householdId.Value;
                }
                else if (!final && _headsInFile.Contains(headId) && !failedHeads.ContainsKey(headId) && !_failedHeads.ContainsKey(headId))
                {
                    waiting.Add(row.Source);
                    continue;
                }
                else
                {
                    errors.Add(new ValidationError("/householdId", "not-found", failedHeads.TryGetValue(headId, out var headRow) || _failedHeads.TryGetValue(headId, out headRow)
                        ? $"户主（第 {headRow} 行）未能导入：请先修正户主所在的行"
                        : $"户主 {ChineseIdNumber.Mask(headId)} 不在本文件中，也未在您的管辖范围内登记"));
                }
            }

            processed++;
            if (errors.Count > 0)
            {
                failed++;
                if (row.IsHead && row.IdNumber is { } headNumber && !households.ContainsKey(headNumber) && !_households.ContainsKey(headNumber))
                {
                    failedHeads.TryAdd(headNumber, row.Source.Row);
                }

                foreach (var error in errors)
                {
                    db.ImportJobErrors.Add(new ImportJobError { JobId = jobId, Row = row.Source.Row, Column = Column(error.Path), Reason = error.Message.Length > 500 ? error.Message[..500] : error.Message });
                }

                continue;
            }

            if (registered.Contains(row.Hash!))
            {
                skipped++;
                continue;
            }

            var resident = ResidentService.NewResident(protector, row.Name!, row.IdNumber!, row.Sex!, row.BirthDate, row.Org!, now);
            ResidentService.SetPhone(resident, row.Phone, protector);
            resident.AddressDivisionId = row.DivisionId;
            resident.AddressDetail = row.AddressDetail;
            resident.Tags = row.Tags;
            if (row.IsHead)
            {
                var household = new Household { HeadResidentId = resident.Id, AddressDivisionId = row.DivisionId, AddressDetail = row.AddressDetail, OrgId = row.Org!.Id, OrgPath = row.Org.Path, CreatedAt = now };
                db.Households.Add(household);
                households[row.IdNumber!] = household.Id;
                householdId = household.Id;
            }

            resident.HouseholdId = householdId;
            resident.RelationToHead = householdId is null ? null : row.Relation;
            db.Residents.Add(resident);
            imported++;
        }

        var job = await db.ImportJobs.SingleAsync(j => j.Id == jobId, cancellationToken);
        job.Processed = _processed + processed;
        job.Imported = _imported + imported;
        job.Skipped = _skipped + skipped;
        job.Failed = _failed + failed;
        db.AuditBatchSummary = $"批量导入居民（{fileName}）";
        await db.SaveChangesAsync(cancellationToken);

        foreach (var (id, row) in seen)
        {
            _seen[id] = row;
        }

        foreach (var (id, household) in households)
        {
            _households[id] = household;
        }

        foreach (var (id, row) in failedHeads)
        {
            _failedHeads.TryAdd(id, row);
        }

        _waiting.AddRange(waiting);

        (_processed, _imported, _skipped, _failed) = (job.Processed, job.Imported, job.Skipped, job.Failed);
    }

    /// <summary>A registered head without a household gets one now, so that the file's members can join it.</summary>
    private static Guid HouseholdOf(JiayiDbContext db, Resident head, DateTime now)
    {
        var household = new Household { HeadResidentId = head.Id, AddressDivisionId = head.AddressDivisionId, AddressDetail = head.AddressDetail, OrgId = head.OrgId, OrgPath = head.OrgPath, CreatedAt = now };
        db.Households.Add(household);
        head.HouseholdId = household.Id;
        head.RelationToHead = ResidentImportChecks.Head;
        head.UpdatedAt = now;
        return household.Id;
    }

    private static string Column(string path) =>
        path.StartsWith("/tags/", StringComparison.Ordinal) ? ResidentImportSheet.Tags : ColumnOfPath.GetValueOrDefault(path, path);
}
