using System.Collections.Frozen;
using System.Text.Json;
using Jiayi.Data;
using Jiayi.Data.Parameters;
using Jiayi.Engine.Definitions;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Parameters;
using Jiayi.Host.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Parameters;

/// <summary>The values of every system parameter at one moment (defaults where nothing was set).</summary>
public sealed class ParameterSnapshot(FrozenDictionary<string, JsonElement> values)
{
    public FrozenDictionary<string, JsonElement> Values { get; } = values;

    public int Whole(string key) => Values[key].GetInt32();

    public decimal Number(string key) => Values[key].GetDecimal();

    public string Text(string key) => Values[key].GetString()!;
}

/// <summary>A parameter as lists show it: its declaration and current value.</summary>
public sealed record ParameterView(string Key, string Label, string? Description, string Type, string? Unit, string Group, JsonElement Value, JsonElement Default, decimal? Min, decimal? Max, bool Multiline, DateTime? UpdatedAt, string? UpdatedBy);

/// <summary>
/// System parameters (W6.3): the catalogue from definitions/parameters, values and their change history in
/// the database. A change applies at once on this node and within <see cref="CacheFor"/> on every other
/// node; forms read them through parameters that name a <c>system</c> key.
/// </summary>
public sealed class SystemParameters(IDbContextFactory<JiayiDbContext> databases, ParameterCatalog catalog, Clock clock)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);

    private volatile CachedSnapshot? _cached;

    public ParameterCatalog Catalog => catalog;

    public static ParameterCatalog LoadCatalog(string definitionsPath)
    {
        var folder = Path.Combine(definitionsPath, "parameters");
        if (!Directory.Exists(folder))
        {
            throw new DefinitionException([new DefinitionError(folder, "", "找不到系统参数目录（definitions/parameters）")]);
        }

        return ParameterCatalog.Load(Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal)
            .Select(f => (File.ReadAllText(f), $"definitions/parameters/{Path.GetFileName(f)}")));
    }

    public async Task<ParameterSnapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        if (_cached is { } cached && cached.Until > clock.UtcNow)
        {
            return cached.Snapshot;
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var stored = await db.SystemParameters.AsNoTracking().ToDictionaryAsync(p => p.Key, p => p.Value, cancellationToken);
        var values = catalog.Parameters.ToFrozenDictionary(
            p => p.Key,
            p => stored.TryGetValue(p.Key, out var json) && Parse(json) is { } value && ParameterCatalog.Check(p, value) is null ? value : p.Default,
            StringComparer.Ordinal);
        var snapshot = new ParameterSnapshot(values);
        _cached = new CachedSnapshot(snapshot, clock.UtcNow + CacheFor);
        return snapshot;
    }

    public async Task<IReadOnlyList<ParameterView>> ListAsync(CancellationToken cancellationToken)
    {
        var snapshot = await CurrentAsync(cancellationToken);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var stored = await db.SystemParameters.AsNoTracking().ToDictionaryAsync(p => p.Key, cancellationToken);
        return [.. catalog.Parameters.Select(p => View(p, snapshot, stored.GetValueOrDefault(p.Key)))];
    }

    /// <summary>Sets a value after checking it against the catalogue; the change is kept with who made it and why.</summary>
    public async Task<ParameterView> SetAsync(string key, JsonElement value, string? reason, string changedBy, CancellationToken cancellationToken)
    {
        if (!catalog.ByKey.TryGetValue(key, out var declaration))
        {
            throw new ProblemException(StatusCodes.Status404NotFound, "parameter-not-found", "参数不存在", $"没有代码为“{key}”的系统参数");
        }

        if (ParameterCatalog.Check(declaration, value) is { } problem)
        {
            throw ProblemException.Invalid("/value", ErrorCodes.Type, problem);
        }

        var json = value.GetRawText();
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var current = await db.SystemParameters.SingleOrDefaultAsync(p => p.Key == key, cancellationToken);
        var old = current?.Value ?? declaration.Default.GetRawText();
        if (current is null)
        {
            current = new SystemParameterValue { Key = key, Value = json };
            db.SystemParameters.Add(current);
        }

        current.Value = json;
        current.UpdatedAt = clock.UtcNow;
        current.UpdatedBy = changedBy;
        db.SystemParameterChanges.Add(new SystemParameterChange { Key = key, OldValue = old, NewValue = json, ChangedAt = clock.UtcNow, ChangedBy = changedBy, Reason = reason });
        await db.SaveChangesAsync(cancellationToken);
        _cached = null;
        var snapshot = await CurrentAsync(cancellationToken);
        return View(declaration, snapshot, current);
    }

    public async Task<IReadOnlyList<SystemParameterChange>> HistoryAsync(string key, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.SystemParameterChanges.AsNoTracking().Where(c => c.Key == key).OrderByDescending(c => c.Id).Take(200).ToListAsync(cancellationToken);
    }

    /// <summary>The form's parameters that follow a system parameter, with that parameter's current value.</summary>
    public Task<FrozenDictionary<string, Value>> OverridesForAsync(CompiledForm form, CancellationToken cancellationToken) =>
        OverridesForAsync(form.Parameters, cancellationToken);

    /// <summary>Of a definition's parameters, those that follow a system parameter, with its current value.</summary>
    public async Task<FrozenDictionary<string, Value>> OverridesForAsync(IEnumerable<ParameterModel> parameters, CancellationToken cancellationToken)
    {
        var linked = parameters.Where(p => p.Definition.System is not null).ToList();
        if (linked.Count == 0)
        {
            return FrozenDictionary<string, Value>.Empty;
        }

        var snapshot = await CurrentAsync(cancellationToken);
        return linked
            .Where(p => snapshot.Values.ContainsKey(p.Definition.System!))
            .ToFrozenDictionary(p => p.Key, p => ParameterCatalog.ToValue(snapshot.Values[p.Definition.System!]), StringComparer.Ordinal);
    }

    private static ParameterView View(ParameterDeclaration p, ParameterSnapshot snapshot, SystemParameterValue? stored) =>
        new(p.Key, p.Label, p.Description, p.Type, p.Unit, p.Group, snapshot.Values[p.Key], p.Default, p.Min, p.Max, p.Multiline, stored?.UpdatedAt, stored?.UpdatedBy);

    private sealed record CachedSnapshot(ParameterSnapshot Snapshot, DateTime Until);

    private static JsonElement? Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
