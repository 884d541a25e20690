using Jiayi.Data;
using Jiayi.Data.Definitions;
using Jiayi.Engine.Definitions;
using Jiayi.Engine.Forms;
using Jiayi.Host.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Forms;

/// <summary>What an import did, file by file.</summary>
public sealed record ImportReport(IReadOnlyList<string> Imported, int Unchanged);

/// <summary>
/// Imports the shipped definition files at start. Every file is loaded and compiled first; if any is
/// broken the import stops before writing anything and the host refuses to start, naming file, JSON
/// pointer and reason. A file whose canonical content differs from the latest stored version becomes a
/// new published version; stored versions are never changed.
/// </summary>
public sealed partial class DefinitionImporter(IDbContextFactory<JiayiDbContext> databases, Jiayi.Engine.Parameters.ParameterCatalog parameters, Clock clock, ILogger<DefinitionImporter> logger)
{
    /// <summary>A form parameter that follows a system parameter must name one that exists, of a matching type.</summary>
    private IEnumerable<DefinitionError> CheckSystemParameters(FormDefinition definition, string source)
    {
        var index = 0;
        foreach (var parameter in definition.Parameters ?? [])
        {
            if (parameter.System is { } key)
            {
                if (!parameters.ByKey.TryGetValue(key, out var declaration))
                {
                    yield return new DefinitionError(source, $"/parameters/{index}/system", $"系统参数“{key}”不存在（见 definitions/parameters）");
                }
                else if (!Compatible(parameter.Type, declaration.Type))
                {
                    yield return new DefinitionError(source, $"/parameters/{index}/system", $"系统参数“{key}”的类型为 {declaration.Type}，与表单参数的类型 {parameter.Type} 不符");
                }
            }

            index++;
        }
    }

    private static bool Compatible(string formType, string systemType) => formType switch
    {
        "number" => systemType is "number" or "integer",
        "text" => systemType == "text",
        "boolean" => systemType == "boolean",
        _ => false,
    };

    public async Task<ImportReport> ImportAsync(string definitionsPath, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(definitionsPath, "forms");
        if (!Directory.Exists(folder))
        {
            throw new DefinitionException([new DefinitionError(folder, "", "找不到表单定义目录（配置项 Definitions:Path）")]);
        }

        var files = Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal).ToList();
        var loaded = new List<(FormDefinition Definition, string Source, string Canonical, string Hash)>();
        var errors = new List<DefinitionError>();
        foreach (var file in files)
        {
            var source = $"definitions/forms/{Path.GetFileName(file)}";
            try
            {
                var definition = FormLoader.Parse(await File.ReadAllTextAsync(file, cancellationToken), source);
                FormCompiler.Compile(definition, 0, source);
                if (!string.Equals(Path.GetFileNameWithoutExtension(file), definition.Id, StringComparison.Ordinal))
                {
                    errors.Add(new DefinitionError(source, "/id", $"文件名应为“{definition.Id}.json”，与定义的 id 一致"));
                    continue;
                }

                errors.AddRange(CheckSystemParameters(definition, source));
                var canonical = FormLoader.ToCanonicalJson(definition);
                loaded.Add((definition, source, canonical, FormLoader.ContentHash(canonical)));
            }
            catch (DefinitionException e)
            {
                errors.AddRange(e.Errors);
            }
        }

        if (errors.Count > 0)
        {
            throw new DefinitionException(errors);
        }

        // Another host process on the same database may import at the same moment: the loser of the
        // (FormId, Version) race retries once against the versions the winner stored.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StoreAsync(loaded, cancellationToken);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                LogRaced(logger);
            }
        }
    }

    private async Task<ImportReport> StoreAsync(List<(FormDefinition Definition, string Source, string Canonical, string Hash)> loaded, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var latest = await db.FormDefinitions.AsNoTracking()
            .Where(d => d.Version == db.FormDefinitions.Where(x => x.FormId == d.FormId).Max(x => x.Version))
            .ToDictionaryAsync(d => d.FormId, d => (d.Version, d.ContentHash), StringComparer.Ordinal, cancellationToken);
        var imported = new List<string>();
        foreach (var (definition, source, canonical, hash) in loaded)
        {
            var current = latest.GetValueOrDefault(definition.Id);
            if (current.ContentHash == hash)
            {
                continue;
            }

            var version = current.Version + 1;
            db.FormDefinitions.Add(new FormDefinitionVersion
            {
                FormId = definition.Id,
                Version = version,
                Title = definition.Title,
                Content = canonical,
                ContentHash = hash,
                Status = DefinitionStatus.Published,
                Source = source,
                CreatedAt = clock.UtcNow,
            });
            imported.Add($"{definition.Id} 第 {version} 版");
        }

        await db.SaveChangesAsync(cancellationToken);
        foreach (var line in imported)
        {
            LogImported(logger, line);
        }

        return new ImportReport(imported, loaded.Count - imported.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Definition import raced with another process; retrying")]
    private static partial void LogRaced(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Imported form definition {Version}")]
    private static partial void LogImported(ILogger logger, string version);
}
