using Jiayi.Data;
using Jiayi.Data.Definitions;
using Jiayi.Engine.Integrations;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Integrations;

/// <summary>The latest imported service types (definitions/reference/service-types.json); none when not shipped.</summary>
public sealed class ServiceTypeCatalog(IDbContextFactory<JiayiDbContext> databases)
{
    private (int Version, ServiceTypesDefinition Types)? _cached;

    public async Task<ServiceTypesDefinition?> GetAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var row = await db.Definitions.AsNoTracking()
            .Where(d => d.Kind == DefinitionKinds.ServiceTypes && d.Status == DefinitionStatus.Published)
            .OrderByDescending(d => d.Version).FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return null;
        }

        if (_cached is { } cached && cached.Version == row.Version)
        {
            return cached.Types;
        }

        var types = ServiceTypesDefinition.Parse(row.Content, $"service-types 第 {row.Version} 版");
        _cached = (row.Version, types);
        return types;
    }
}
