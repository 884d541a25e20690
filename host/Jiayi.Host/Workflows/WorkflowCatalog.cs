using System.Collections.Concurrent;
using Jiayi.Data;
using Jiayi.Data.Definitions;
using Jiayi.Data.Workflows;
using Jiayi.Engine.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Workflows;

/// <summary>A published workflow version as listed.</summary>
public sealed record WorkflowSummary(string Id, int Version, string Title, string Subject, string? Description);

/// <summary>
/// The published workflows: which versions exist (database) and their compiled models, compiled once per
/// version and kept (published versions never change).
/// </summary>
public sealed class WorkflowCatalog(IDbContextFactory<JiayiDbContext> databases)
{
    private readonly ConcurrentDictionary<(string Id, int Version), CompiledWorkflow> _compiled = new();

    public async Task<IReadOnlyList<WorkflowSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var latest = await Published(db)
            .Where(d => d.Version == Published(db).Where(x => x.WorkflowId == d.WorkflowId).Max(x => x.Version))
            .OrderBy(d => d.WorkflowId)
            .Select(d => new { d.WorkflowId, d.Version })
            .ToListAsync(cancellationToken);
        var result = new List<WorkflowSummary>(latest.Count);
        foreach (var row in latest)
        {
            var workflow = await GetAsync(row.WorkflowId, row.Version, cancellationToken);
            result.Add(new WorkflowSummary(row.WorkflowId, row.Version, workflow!.Title, workflow.Subject.Name, workflow.Definition.Description));
        }

        return result;
    }

    public async Task<IReadOnlyList<int>> VersionsAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await Published(db).Where(d => d.WorkflowId == id).OrderBy(d => d.Version).Select(d => d.Version).ToListAsync(cancellationToken);
    }

    public async Task<CompiledWorkflow?> GetLatestAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var version = await Published(db).Where(d => d.WorkflowId == id).MaxAsync(d => (int?)d.Version, cancellationToken);
        return version is null ? null : await GetAsync(id, version.Value, cancellationToken);
    }

    public async Task<CompiledWorkflow?> GetAsync(string id, int version, CancellationToken cancellationToken)
    {
        if (_compiled.TryGetValue((id, version), out var cached))
        {
            return cached;
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var row = await Published(db).SingleOrDefaultAsync(d => d.WorkflowId == id && d.Version == version, cancellationToken);
        if (row is null)
        {
            return null;
        }

        return _compiled.GetOrAdd((id, version), _ => WorkflowLoader.Load(row.Content, $"{id} 第 {version} 版", version));
    }

    private static IQueryable<WorkflowDefinitionVersion> Published(JiayiDbContext db) =>
        db.WorkflowDefinitions.AsNoTracking().Where(d => d.Status == DefinitionStatus.Published);
}
