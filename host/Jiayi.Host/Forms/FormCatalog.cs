using Jiayi.Data;
using Jiayi.Data.Definitions;
using Jiayi.Engine.Forms;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Forms;

/// <summary>A published form version as listed in catalogues.</summary>
public sealed record FormSummary(string Id, int Version, string Title, string? Standard, string Purpose = FormPurposes.Record)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsRecord => Purpose == FormPurposes.Record;
}

/// <summary>
/// The published forms: which versions exist (from the database) and their compiled models (compiled once
/// per version and cached; published versions never change).
/// </summary>
public sealed class FormCatalog(IDbContextFactory<JiayiDbContext> databases, CompiledFormCache cache)
{
    public async Task<IReadOnlyList<FormSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var latest = await Published(db)
            .Where(d => d.Version == Published(db).Where(x => x.FormId == d.FormId).Max(x => x.Version))
            .OrderBy(d => d.FormId)
            .Select(d => new { d.FormId, d.Version, d.Title })
            .ToListAsync(cancellationToken);
        var result = new List<FormSummary>(latest.Count);
        foreach (var row in latest)
        {
            var form = await GetAsync(row.FormId, row.Version, cancellationToken);
            result.Add(new FormSummary(row.FormId, row.Version, row.Title, form?.Definition.Standard, form?.Definition.Purpose ?? FormPurposes.Record));
        }

        return result;
    }

    public async Task<IReadOnlyList<int>> VersionsAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await Published(db).Where(d => d.FormId == id).OrderBy(d => d.Version).Select(d => d.Version).ToListAsync(cancellationToken);
    }

    public async Task<CompiledForm?> GetLatestAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var version = await Published(db).Where(d => d.FormId == id).MaxAsync(d => (int?)d.Version, cancellationToken);
        return version is null ? null : await GetAsync(id, version.Value, cancellationToken);
    }

    public async Task<CompiledForm?> GetAsync(string id, int version, CancellationToken cancellationToken)
    {
        // Published versions are immutable: once compiled, the cache answers without the database.
        if (cache.TryGet(id, version, out var cached))
        {
            return cached;
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var row = await Published(db).SingleOrDefaultAsync(d => d.FormId == id && d.Version == version, cancellationToken);
        if (row is null)
        {
            return null;
        }

        return cache.GetOrAdd(id, version, () => FormCompiler.Compile(FormLoader.Parse(row.Content, $"{id} 第 {version} 版"), version, $"{id} 第 {version} 版"));
    }

    private static IQueryable<FormDefinitionVersion> Published(JiayiDbContext db) =>
        db.FormDefinitions.AsNoTracking().Where(d => d.Status == DefinitionStatus.Published);
}
