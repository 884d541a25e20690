using System.Collections.Concurrent;
using Jiayi.Data;
using Jiayi.Data.Definitions;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Programmes;
using Jiayi.Host.Forms;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Programmes;

/// <summary>
/// The published programmes (latest version of each), compiled against the installed forms. A new version of a
/// programme applies to every enrolment at once: plans are computed, not stored.
/// </summary>
public sealed class ProgrammeCatalog(IDbContextFactory<JiayiDbContext> databases, FormCatalog forms)
{
    private readonly ConcurrentDictionary<(string Id, int Version), CompiledProgramme> _compiled = new();

    /// <summary>Every published programme, in their display order.</summary>
    public async Task<IReadOnlyList<CompiledProgramme>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var rows = await db.Definitions.AsNoTracking()
            .Where(d => d.Kind == DefinitionKinds.Programme && d.Status == DefinitionStatus.Published)
            .Where(d => d.Version == db.Definitions.Where(x => x.Kind == DefinitionKinds.Programme && x.DefinitionId == d.DefinitionId && x.Status == DefinitionStatus.Published).Max(x => x.Version))
            .ToListAsync(cancellationToken);
        var result = new List<CompiledProgramme>(rows.Count);
        Dictionary<string, CompiledForm>? installed = null;
        foreach (var row in rows)
        {
            if (!_compiled.TryGetValue((row.DefinitionId, row.Version), out var programme))
            {
                installed ??= await InstalledFormsAsync(cancellationToken);
                var source = $"{row.DefinitionId} 第 {row.Version} 版";
                programme = _compiled.GetOrAdd((row.DefinitionId, row.Version), _ => ProgrammeLoader.Load(row.Content, source, row.Version, installed.GetValueOrDefault));
            }

            result.Add(programme);
        }

        return [.. result.OrderBy(p => p.Definition.Order).ThenBy(p => p.Id, StringComparer.Ordinal)];
    }

    public async Task<CompiledProgramme?> GetAsync(string id, CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken)).FirstOrDefault(p => p.Id == id);

    private async Task<Dictionary<string, CompiledForm>> InstalledFormsAsync(CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, CompiledForm>(StringComparer.Ordinal);
        foreach (var summary in await forms.ListAsync(cancellationToken))
        {
            if (await forms.GetAsync(summary.Id, summary.Version, cancellationToken) is { } form)
            {
                result[summary.Id] = form;
            }
        }

        return result;
    }
}
