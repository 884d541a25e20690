using System.Buffers;
using System.Text.Json;
using Jiayi.Engine.Forms;

namespace Jiayi.Host.Infrastructure;

/// <summary>
/// Reads a JSON request body: at most 1 MB unless an endpoint allows more (413 beyond), duplicate property names and excessive nesting
/// refused, malformed JSON explained with its line and position. Nothing is bound before it is checked.
/// </summary>
public static class RequestJson
{
    public const int MaxBytes = 1024 * 1024;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    public static ProblemException TooLarge(int maxBytes = MaxBytes) =>
        new(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "请求体过大", $"请求体不能超过 {(maxBytes >= 1024 * 1024 ? $"{maxBytes / 1024 / 1024} MB" : $"{maxBytes / 1024} KB")}");

    /// <summary>Reads the body as a JSON object.</summary>
    public static async Task<JsonDocument> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken) =>
        await ReadObjectAsync(request, MaxBytes, cancellationToken);

    /// <summary>Reads the body as a JSON object of at most <paramref name="maxBytes"/> (e.g. with images inside).</summary>
    public static async Task<JsonDocument> ReadObjectAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken) =>
        ParseObject(await ReadBytesAsync(request, maxBytes, cancellationToken));

    /// <summary>Reads the raw body of at most <paramref name="maxBytes"/> (413 beyond; 400 when empty), e.g. to check a signature over it.</summary>
    public static async Task<ReadOnlyMemory<byte>> ReadBytesAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        var stream = request.Body;
        while (true)
        {
            var memory = buffer.GetMemory(16 * 1024);
            var read = await stream.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > maxBytes)
            {
                throw TooLarge(maxBytes);
            }
        }

        if (buffer.WrittenCount == 0)
        {
            throw ProblemException.Invalid("", "required", "请求体为空：应为 JSON 对象");
        }

        return buffer.WrittenMemory;
    }

    /// <summary>Parses a JSON object: malformed JSON, duplicate names and deep nesting refused with a Chinese, located message.</summary>
    public static JsonDocument ParseObject(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, Options);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $"（第 {line + 1} 行第 {e.BytePositionInLine + 1} 个字节）" : "";
            var reason = e.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase) ? "存在重复的属性名" : "格式不正确";
            throw new ProblemException(StatusCodes.Status400BadRequest, "malformed-json", "请求体不是有效的 JSON", $"请求体不是有效的 JSON{where}：{reason}");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw ProblemException.Invalid("", ErrorCodes.Type, "请求体应为 JSON 对象");
        }

        return document;
    }

    /// <summary>Checks that a request object has only the given properties; unknown ones are errors at their path.</summary>
    public static void RejectUnknown(JsonElement body, IReadOnlyCollection<string> allowed, List<ValidationError> errors)
    {
        foreach (var property in body.EnumerateObject())
        {
            if (!allowed.Contains(property.Name))
            {
                errors.Add(new ValidationError("/" + JsonPointers.Escape(property.Name), ErrorCodes.UnknownField, $"未知字段“{property.Name}”，可用字段：{string.Join("、", allowed)}"));
            }
        }
    }

    public static string? OptionalString(JsonElement body, string name, string label, List<ValidationError> errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(new ValidationError("/" + name, ErrorCodes.Type, $"{label}应为文本"));
            return null;
        }

        return value.GetString();
    }

    public static Guid? OptionalGuid(JsonElement body, string name, string label, List<ValidationError> errors)
    {
        var text = OptionalString(body, name, label, errors);
        if (text is null)
        {
            return null;
        }

        if (!Guid.TryParse(text, out var id))
        {
            errors.Add(new ValidationError("/" + name, ErrorCodes.Format, $"{label}应为有效的编号（GUID）"));
            return null;
        }

        return id;
    }

    public static int? OptionalInt(JsonElement body, string name, string label, int min, int max, List<ValidationError> errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            errors.Add(new ValidationError("/" + name, ErrorCodes.Type, $"{label}应为整数"));
            return null;
        }

        if (number < min || number > max)
        {
            errors.Add(new ValidationError("/" + name, number < min ? ErrorCodes.Minimum : ErrorCodes.Maximum, $"{label}应在 {min}～{max} 之间"));
            return null;
        }

        return number;
    }

    public static DateOnly? OptionalDate(JsonElement body, string name, string label, List<ValidationError> errors)
    {
        var text = OptionalString(body, name, label, errors);
        if (text is null)
        {
            return null;
        }

        if (!JsonValues.TryParseDate(text, out var date))
        {
            errors.Add(new ValidationError("/" + name, ErrorCodes.Format, $"{label}应为有效日期，格式 yyyy-MM-dd"));
            return null;
        }

        return date;
    }

    /// <summary>An array of strings; each bad item is an error at its own index.</summary>
    public static List<string>? OptionalStrings(JsonElement body, string name, string label, List<ValidationError> errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new ValidationError("/" + name, ErrorCodes.Type, $"{label}应为文本数组"));
            return null;
        }

        var items = new List<string>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                items.Add(item.GetString()!);
            }
            else
            {
                errors.Add(new ValidationError($"/{name}/{index}", ErrorCodes.Type, $"{label}的每一项应为文本"));
            }

            index++;
        }

        return items;
    }

    /// <summary>
    /// Reads a JSON object body: unknown properties refused, the properties bound by <paramref name="bind"/>
    /// (which adds type errors at their paths); any error is a 400 before the caller's rules run.
    /// </summary>
    public static Task<T> ReadAsync<T>(HttpRequest request, IReadOnlyCollection<string> allowed, Func<JsonElement, List<ValidationError>, T> bind, CancellationToken cancellationToken) =>
        ReadAsync(request, allowed, bind, MaxBytes, cancellationToken);

    /// <inheritdoc cref="ReadAsync{T}(HttpRequest, IReadOnlyCollection{string}, Func{JsonElement, List{ValidationError}, T}, CancellationToken)"/>
    public static async Task<T> ReadAsync<T>(HttpRequest request, IReadOnlyCollection<string> allowed, Func<JsonElement, List<ValidationError>, T> bind, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bind);
        using var body = await ReadObjectAsync(request, maxBytes, cancellationToken);
        var errors = new List<ValidationError>();
        RejectUnknown(body.RootElement, allowed, errors);
        var value = bind(body.RootElement, errors);
        return errors.Count > 0 ? throw ProblemException.Invalid(errors) : value;
    }

    public static bool? OptionalBool(JsonElement body, string name, string label, List<ValidationError> errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            errors.Add(new ValidationError("/" + name, ErrorCodes.Type, $"{label}应为 true 或 false"));
            return null;
        }

        return value.GetBoolean();
    }

    /// <summary>An array of ids; each bad item is an error at its own index.</summary>
    public static List<Guid>? OptionalGuids(JsonElement body, string name, string label, List<ValidationError> errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new ValidationError("/" + name, ErrorCodes.Type, $"{label}应为编号数组"));
            return null;
        }

        var ids = new List<Guid>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && Guid.TryParse(item.GetString(), out var id))
            {
                ids.Add(id);
            }
            else
            {
                errors.Add(new ValidationError($"/{name}/{index}", ErrorCodes.Format, $"{label}的每一项应为有效的编号（GUID）"));
            }

            index++;
        }

        return ids;
    }
}
