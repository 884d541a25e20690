using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
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
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    private static readonly DefinitionJsonContext Canonical = new(new JsonSerializerOptions(DefinitionJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
        IndentSize = 2,
    });

    /// <summary>Parses and checks one definition; throws <see cref="DefinitionException"/> listing every problem.</summary>
    public static FormDefinition Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new DefinitionException([new DefinitionError(source, "", $"不是有效的 JSON（第 {e.LineNumber + 1} 行第 {e.BytePositionInLine + 1} 字节）：{e.Message}")]);
        }

        using (document)
        {
            var errors = DefinitionSchema.Form.Check(document.RootElement, source);
            if (errors.Count > 0)
            {
                throw new DefinitionException(errors);
            }

            try
            {
                return document.RootElement.Deserialize(DefinitionJsonContext.Default.FormDefinition)
                    ?? throw new DefinitionException([new DefinitionError(source, "", "定义为空")]);
            }
            catch (JsonException e)
            {
                throw new DefinitionException([new DefinitionError(source, e.Path ?? "", e.Message)]);
            }
        }
    }

    /// <summary>Parses, checks and compiles one definition as the given version.</summary>
    public static CompiledForm Load(string json, string source, int version) => FormCompiler.Compile(Parse(json, source), version, source);

    /// <summary>The canonical text of a definition: what the store keeps and hashes.</summary>
    public static string ToCanonicalJson(FormDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return JsonSerializer.Serialize(definition with { Schema = null }, Canonical.FormDefinition);
    }

    /// <summary>SHA-256 of the canonical text, lower-case hex.</summary>
    public static string ContentHash(string canonicalJson) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalJson)));
}
