using System.Text.Json.Nodes;

namespace Jiayi.Engine.Forms;

/// <summary>
/// Builds the JSON Schema 2020-12 of a form's submissions: the structural contract (types, ranges, codes,
/// lengths, always-required fields, no unknown fields). Rules that depend on other answers
/// (visibleWhen, requiredWhen, validate) are the engine's and are not expressed here.
/// </summary>
internal static class FormSchemaBuilder
{
    public const string Dialect = "https://json-schema.org/draft/2020-12/schema";

    public static JsonObject Build(CompiledForm form)
    {
        var properties = new JsonObject();
        foreach (var field in form.Fields)
        {
            properties[field.Key] = ValueSchema(field);
        }

        var schema = new JsonObject
        {
            ["$schema"] = Dialect,
            ["$id"] = $"urn:jiayi:form:{form.Id}:{form.Version}",
            ["title"] = form.Title,
            ["type"] = "object",
            ["properties"] = properties,
            ["additionalProperties"] = false,
        };
        var required = form.Fields.Where(f => f.StructurallyRequired).Select(f => (JsonNode)JsonValue.Create(f.Key)).ToArray();
        if (required.Length > 0)
        {
            schema["required"] = new JsonArray(required);
        }

        return schema;
    }

    /// <summary>The schema of one field's value, null allowed unless the field is always required.</summary>
    public static JsonObject ValueSchema(FieldModel field)
    {
        var schema = field.IsCalculated ? field.Type.CalculatedSchema(field) : field.Type.Schema(field);
        if (!field.StructurallyRequired)
        {
            AllowNull(schema);
        }

        var annotated = new JsonObject { ["title"] = field.Label };
        if (field.Definition.Help is { } help)
        {
            annotated["description"] = help;
        }

        if (field.IsCalculated)
        {
            annotated["readOnly"] = true;
        }

        foreach (var (key, value) in schema.ToList())
        {
            schema.Remove(key);
            annotated[key] = value;
        }

        return annotated;
    }

    private static void AllowNull(JsonObject schema)
    {
        if (schema["type"] is JsonValue type)
        {
            schema["type"] = new JsonArray(type.GetValue<string>(), "null");
        }
        else if (schema["enum"] is JsonArray codes)
        {
            codes.Add(null);
        }
    }
}
