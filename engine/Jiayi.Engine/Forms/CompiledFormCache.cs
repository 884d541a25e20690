using System.Collections.Concurrent;

namespace Jiayi.Engine.Forms;

/// <summary>
/// Compiled forms by (id, version). A version is compiled once, on first use, however many threads
/// ask for it at the same moment; published versions never change, so entries never go stale.
/// </summary>
public sealed class CompiledFormCache
{
    private readonly ConcurrentDictionary<(string Id, int Version), Lazy<CompiledForm>> _forms = new();

    public CompiledForm GetOrAdd(string id, int version, Func<CompiledForm> compile)
    {
        var key = (id, version);
        var lazy = _forms.GetOrAdd(key, _ => new Lazy<CompiledForm>(compile, LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch (Exception)
        {
            // A failure is not cached: the next caller tries again.
            _forms.TryRemove(KeyValuePair.Create(key, lazy));
            throw;
        }
    }

    public bool TryGet(string id, int version, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CompiledForm? form)
    {
        if (_forms.TryGetValue((id, version), out var lazy) && lazy.IsValueCreated)
        {
            form = lazy.Value;
            return true;
        }

        form = null;
        return false;
    }

    public int Count => _forms.Count;
}
