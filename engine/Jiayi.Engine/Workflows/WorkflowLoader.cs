using System.Text.Json;
using Jiayi.Engine.Definitions;

namespace Jiayi.Engine.Workflows;

/// <summary>Reads workflow definition files: JSON, schema, deserialisation, canonical text and hash.</summary>
public static class WorkflowLoader
{
    private static readonly WorkflowJsonContext Canonical = new(DefinitionDocument.CanonicalOptions(WorkflowJsonContext.Default.Options));

    public static WorkflowDefinition Parse(string json, string source) =>
        DefinitionDocument.Parse(json, source, DefinitionSchema.Workflow, WorkflowJsonContext.Default.WorkflowDefinition);

    /// <summary>Parses, checks and compiles one definition as the given version.</summary>
    public static CompiledWorkflow Load(string json, string source, int version) => WorkflowCompiler.Compile(Parse(json, source), version, source);

    public static string ToCanonicalJson(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return JsonSerializer.Serialize(definition with { Schema = null }, Canonical.WorkflowDefinition);
    }
}
