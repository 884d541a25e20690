using System.Text.Json;
using Jiayi.Engine.Definitions;

namespace Jiayi.Engine.Forms;

/// <summary>
/// Reads form definition files: parses the JSON, checks it against definitions/schemas/form.schema.json,
/// deserialises it, and gives its canonical text (stable key order, no defaults, no <c>$schema</c>) and
/// content hash, by which the store tells a changed file from an unchanged one.
/// </summary>
public static class FormLoader
{
    private static readonly DefinitionJsonContext Canonical = new(DefinitionDocument.CanonicalOptions(DefinitionJsonContext.Default.Options));

    /// <summary>Parses and checks one definition; throws <see cref="DefinitionException"/> listing every problem.</summary>
    public static FormDefinition Parse(string json, string source) =>
        DefinitionDocument.Parse(json, source, DefinitionSchema.Form, DefinitionJsonContext.Default.FormDefinition);

    /// <summary>Parses, checks and compiles one definition as the given version.</summary>
    public static CompiledForm Load(string json, string source, int version) => FormCompiler.Compile(Parse(json, source), version, source);

    /// <summary>The canonical text of a definition: what the store keeps and hashes.</summary>
    public static string ToCanonicalJson(FormDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return JsonSerializer.Serialize(definition with { Schema = null }, Canonical.FormDefinition);
    }

    /// <summary>SHA-256 of the canonical text, lower-case hex.</summary>
    public static string ContentHash(string canonicalJson) => DefinitionDocument.ContentHash(canonicalJson);
}
