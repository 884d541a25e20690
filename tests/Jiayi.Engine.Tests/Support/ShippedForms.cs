using System.Text.Json;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms;

namespace Jiayi.Engine.Tests.Support;

/// <summary>The shipped form definitions, compiled once for all tests, and helpers to evaluate them.</summary>
internal static class ShippedForms
{
    private static readonly CompiledFormCache Cache = new();

    public static readonly DateOnly Today = new(2026, 11, 25);

    public static EvaluationContext Context { get; } = new(Today);

    public static CompiledForm Load(string id) =>
        Cache.GetOrAdd(id, 1, () => FormLoader.Load(File.ReadAllText(FileOf(id)), $"definitions/forms/{id}.json", 1));

    public static string FileOf(string id) => Repo.Path("definitions", "forms", id + ".json");

    public static IEnumerable<string> ShippedIds() =>
        Directory.GetFiles(Repo.Path("definitions", "forms"), "*.json").Select(f => System.IO.Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal);

    public static EvaluationResult Evaluate(string id, string json, EvaluationContext? context = null)
    {
        using var document = JsonDocument.Parse(json);
        return Load(id).Evaluate(document.RootElement, context ?? Context);
    }

    public static EvaluationResult Evaluate(string id, object data, EvaluationContext? context = null) =>
        Evaluate(id, JsonSerializer.Serialize(data), context);

    public static string Text(this Value value) => value.IsNull ? "(null)" : value.ToString();
}
