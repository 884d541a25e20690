using System.Text.Json;
using Jiayi.Engine.Definitions;
using Jiayi.Engine.Forms;

namespace Jiayi.Engine.Programmes;

/// <summary>Reads programme definition files: JSON, schema, deserialisation, canonical text.</summary>
public static class ProgrammeLoader
{
    private static readonly ProgrammeJsonContext Canonical = new(DefinitionDocument.CanonicalOptions(ProgrammeJsonContext.Default.Options));

    public static ProgrammeDefinition Parse(string json, string source) =>
        DefinitionDocument.Parse(json, source, DefinitionSchema.Programme, ProgrammeJsonContext.Default.ProgrammeDefinition);

    /// <summary>Parses, checks and compiles one definition as the given version against the installed forms.</summary>
    public static CompiledProgramme Load(string json, string source, int version, Func<string, CompiledForm?> forms) =>
        ProgrammeCompiler.Compile(Parse(json, source), version, source, forms);

    public static string ToCanonicalJson(ProgrammeDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return JsonSerializer.Serialize(definition with { Schema = null }, Canonical.ProgrammeDefinition);
    }
}
