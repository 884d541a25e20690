using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Jiayi.Engine.Definitions;

/// <summary>
/// What every definition file goes through, whatever its kind: JSON parsing (no duplicate keys), the
/// kind's schema with located Chinese messages, deserialisation, and the canonical text (stable key order,
/// no defaults, no <c>$schema</c>) whose hash tells a changed file from an unchanged one.
/// </summary>
public static class DefinitionDocument
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    /// <summary>Parses and checks one definition; throws <see cref="DefinitionException"/> listing every problem.</summary>
    public static T Parse<T>(string json, string source, DefinitionSchema schema, JsonTypeInfo<T> type)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(schema);
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
            var errors = schema.Check(document.RootElement, source);
            if (errors.Count > 0)
            {
                throw new DefinitionException(errors);
            }

            try
            {
                return document.RootElement.Deserialize(type) ?? throw new DefinitionException([new DefinitionError(source, "", "定义为空")]);
            }
            catch (JsonException e)
            {
                throw new DefinitionException([new DefinitionError(source, e.Path ?? "", e.Message)]);
            }
        }
    }

    /// <summary>Options for the canonical text: the context's own, indented by two, Chinese unescaped.</summary>
    public static JsonSerializerOptions CanonicalOptions(JsonSerializerOptions contextOptions) => new(contextOptions)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
        IndentSize = 2,
    };

    /// <summary>SHA-256 of the canonical text, lower-case hex.</summary>
    public static string ContentHash(string canonicalJson) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalJson)));
}
