using Jiayi.Data;
using Jiayi.Data.Definitions;
using Jiayi.Data.Workflows;
using Jiayi.Engine.Definitions;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Integrations;
using Jiayi.Engine.Programmes;
using Jiayi.Engine.Workflows;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Forms;

/// <summary>What an import did, file by file.</summary>
public sealed record ImportReport(IReadOnlyList<string> Imported, int Unchanged);

/// <summary>
/// Imports the shipped definition files (forms, then workflows and programmes) at start. Every file is loaded and compiled
/// first; if any is broken the import stops before writing anything and the host refuses to start, naming
/// file, JSON pointer and reason. A file whose canonical content differs from the latest stored version
/// becomes a new published version; stored versions are never changed.
/// </summary>
public sealed partial class DefinitionImporter(
    IDbContextFactory<JiayiDbContext> databases,
    Jiayi.Engine.Parameters.ParameterCatalog parameters,
    WorkflowHandlers handlers,
    Clock clock,
    ILogger<DefinitionImporter> logger)
{
    private sealed record Loaded(string Id, string Title, string Source, string Canonical, string Hash, bool IsRecord = true);

    /// <summary>A parameter that follows a system parameter must name one that exists, of a matching type.</summary>
    private IEnumerable<DefinitionError> CheckSystemParameters(IReadOnlyList<ParameterDefinition>? declared, string source)
    {
        var index = 0;
        foreach (var parameter in declared ?? [])
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
        var errors = new List<DefinitionError>();
        var compiledForms = new Dictionary<string, CompiledForm>(StringComparer.Ordinal);
        var forms = await LoadFolderAsync(definitionsPath, "forms", errors, (text, source) =>
        {
            var definition = FormLoader.Parse(text, source);
            compiledForms[definition.Id] = FormCompiler.Compile(definition, 0, source);
            errors.AddRange(CheckSystemParameters(definition.Parameters, source));
            var canonical = FormLoader.ToCanonicalJson(definition);
            return new Loaded(definition.Id, definition.Title, source, canonical, DefinitionDocument.ContentHash(canonical), FormPurposes.IsRecord(definition));
        }, cancellationToken);

        var formIds = forms.Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        var recordFormIds = forms.Where(f => f.IsRecord).Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        var roleNames = await RoleNamesAsync(cancellationToken);
        var workflows = await LoadFolderAsync(definitionsPath, "workflows", errors, (text, source) =>
        {
            var definition = WorkflowLoader.Parse(text, source);
            var compiled = WorkflowCompiler.Compile(definition, 0, source);
            errors.AddRange(CheckSystemParameters(definition.Parameters, source));
            errors.AddRange(CheckWorkflowReferences(compiled, source, formIds, roleNames));
            errors.AddRange(compiled.FollowUpForms.Where(f => !recordFormIds.Contains(f))
                .Select(f => new DefinitionError(source, "", $"随访（followup）的表单“{f}”不存在或不是服务记录表单（见 definitions/forms）")));
            var canonical = WorkflowLoader.ToCanonicalJson(definition);
            return new Loaded(definition.Id, definition.Title, source, canonical, DefinitionDocument.ContentHash(canonical));
        }, cancellationToken);

        var programmes = await LoadFolderAsync(definitionsPath, "programmes", errors, (text, source) =>
        {
            var definition = ProgrammeLoader.Parse(text, source);
            ProgrammeCompiler.Compile(definition, 0, source, compiledForms.GetValueOrDefault);
            errors.AddRange(CheckSystemParameters(definition.Parameters, source));
            if (definition.Population is { } population && !Residents.KeyPopulations.All.Any(p => p.Code == population))
            {
                errors.Add(new DefinitionError(source, "/population", $"重点人群“{population}”不存在；可用：{string.Join("、", Residents.KeyPopulations.All.Select(p => p.Code))}"));
            }

            var canonical = ProgrammeLoader.ToCanonicalJson(definition);
            return new Loaded(definition.Id, definition.Title, source, canonical, DefinitionDocument.ContentHash(canonical));
        }, cancellationToken);

        var serviceTypes = new List<Loaded>();
        var serviceTypesFile = Path.Combine(definitionsPath, "reference", "service-types.json");
        if (File.Exists(serviceTypesFile))
        {
            try
            {
                var definition = ServiceTypesDefinition.Parse(await File.ReadAllTextAsync(serviceTypesFile, cancellationToken), "definitions/reference/service-types.json");
                var canonical = definition.ToCanonicalJson();
                serviceTypes.Add(new Loaded(definition.Id, definition.Title, "definitions/reference/service-types.json", canonical, DefinitionDocument.ContentHash(canonical)));
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
                var formReport = await StoreAsync(forms, FormStore, cancellationToken);
                var workflowReport = await StoreAsync(workflows, WorkflowStore, cancellationToken);
                var programmeReport = await StoreAsync(programmes, KindStore(DefinitionKinds.Programme, "管理项目"), cancellationToken);
                var typesReport = await StoreAsync(serviceTypes, KindStore(DefinitionKinds.ServiceTypes, "服务类型"), cancellationToken);
                return new ImportReport(
                    [.. formReport.Imported, .. workflowReport.Imported, .. programmeReport.Imported, .. typesReport.Imported],
                    formReport.Unchanged + workflowReport.Unchanged + programmeReport.Unchanged + typesReport.Unchanged);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                LogRaced(logger);
            }
        }
    }

    /// <summary>Loads every <c>*.json</c> of one folder; a missing folder is an error for forms, an empty set otherwise.</summary>
    private static async Task<List<Loaded>> LoadFolderAsync(string definitionsPath, string kind, List<DefinitionError> errors, Func<string, string, Loaded> load, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(definitionsPath, kind);
        if (!Directory.Exists(folder))
        {
            if (kind == "forms")
            {
                throw new DefinitionException([new DefinitionError(folder, "", "找不到表单定义目录（配置项 Definitions:Path）")]);
            }

            return [];
        }

        var loaded = new List<Loaded>();
        foreach (var file in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            var source = $"definitions/{kind}/{Path.GetFileName(file)}";
            try
            {
                var item = load(await File.ReadAllTextAsync(file, cancellationToken), source);
                if (!string.Equals(Path.GetFileNameWithoutExtension(file), item.Id, StringComparison.Ordinal))
                {
                    errors.Add(new DefinitionError(source, "/id", $"文件名应为“{item.Id}.json”，与定义的 id 一致"));
                    continue;
                }

                loaded.Add(item);
            }
            catch (DefinitionException e)
            {
                errors.AddRange(e.Errors);
            }
        }

        return loaded;
    }

    /// <summary>What a workflow names outside itself must exist: forms, host handlers and roles.</summary>
    private IEnumerable<DefinitionError> CheckWorkflowReferences(CompiledWorkflow workflow, string source, HashSet<string> formIds, IReadOnlySet<string> roleNames)
    {
        var definition = workflow.Definition;
        for (var i = 0; i < definition.Transitions.Count; i++)
        {
            var t = definition.Transitions[i];
            if (t.Form is { } form && !formIds.Contains(form))
            {
                yield return new DefinitionError(source, $"/transitions/{i}/form", $"表单“{form}”不存在（见 definitions/forms）");
            }

            foreach (var role in t.Roles ?? [])
            {
                if (!roleNames.Contains(role))
                {
                    yield return new DefinitionError(source, $"/transitions/{i}/roles", $"角色“{role}”不存在，请先在“角色与权限”中创建");
                }
            }
        }

        foreach (var handler in workflow.Handlers)
        {
            if (!handlers.Contains(handler))
            {
                yield return new DefinitionError(source, "", $"处理程序“{handler}”不存在；可用：{string.Join("、", handlers.Names)}");
            }
        }
    }

    private async Task<IReadOnlySet<string>> RoleNamesAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return (await db.Roles.Select(r => r.Name).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>How one kind of definition is stored: its latest versions, and a new version row.</summary>
    private sealed record Store(
        Func<JiayiDbContext, CancellationToken, Task<Dictionary<string, (int Version, string ContentHash)>>> Latest,
        Action<JiayiDbContext, Loaded, int, DateTime> Add,
        string Kind);

    private static readonly Store FormStore = new(
        (db, ct) => db.FormDefinitions.AsNoTracking()
            .Where(d => d.Version == db.FormDefinitions.Where(x => x.FormId == d.FormId).Max(x => x.Version))
            .ToDictionaryAsync(d => d.FormId, d => (d.Version, d.ContentHash), StringComparer.Ordinal, ct),
        (db, item, version, now) => db.FormDefinitions.Add(new FormDefinitionVersion
        {
            FormId = item.Id, Version = version, Title = item.Title, Content = item.Canonical, ContentHash = item.Hash,
            Status = DefinitionStatus.Published, Source = item.Source, CreatedAt = now,
        }),
        "表单");

    private static readonly Store WorkflowStore = new(
        (db, ct) => db.WorkflowDefinitions.AsNoTracking()
            .Where(d => d.Version == db.WorkflowDefinitions.Where(x => x.WorkflowId == d.WorkflowId).Max(x => x.Version))
            .ToDictionaryAsync(d => d.WorkflowId, d => (d.Version, d.ContentHash), StringComparer.Ordinal, ct),
        (db, item, version, now) => db.WorkflowDefinitions.Add(new WorkflowDefinitionVersion
        {
            WorkflowId = item.Id, Version = version, Title = item.Title, Content = item.Canonical, ContentHash = item.Hash,
            Status = DefinitionStatus.Published, Source = item.Source, CreatedAt = now,
        }),
        "流程");

    /// <summary>A kind kept in the shared definition_versions table (ADR 0014).</summary>
    private static Store KindStore(string kind, string label) => new(
        (db, ct) => db.Definitions.AsNoTracking().Where(d => d.Kind == kind)
            .Where(d => d.Version == db.Definitions.Where(x => x.Kind == kind && x.DefinitionId == d.DefinitionId).Max(x => x.Version))
            .ToDictionaryAsync(d => d.DefinitionId, d => (d.Version, d.ContentHash), StringComparer.Ordinal, ct),
        (db, item, version, now) => db.Definitions.Add(new DefinitionVersion
        {
            Kind = kind, DefinitionId = item.Id, Version = version, Title = item.Title, Content = item.Canonical, ContentHash = item.Hash,
            Status = DefinitionStatus.Published, Source = item.Source, CreatedAt = now,
        }),
        label);

    private async Task<ImportReport> StoreAsync(List<Loaded> loaded, Store store, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var latest = await store.Latest(db, cancellationToken);
        var imported = new List<string>();
        foreach (var item in loaded)
        {
            var current = latest.GetValueOrDefault(item.Id);
            if (current.ContentHash == item.Hash)
            {
                continue;
            }

            var version = current.Version + 1;
            store.Add(db, item, version, clock.UtcNow);
            imported.Add($"{store.Kind} {item.Id} 第 {version} 版");
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Imported definition {Version}")]
    private static partial void LogImported(ILogger logger, string version);
}
