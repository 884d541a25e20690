using System.Text.Json;
using Jiayi.Engine.Forms;
using Jiayi.Host.Access;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Records;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jiayi.Host.Forms;

/// <summary>A form version for apps: the definition as configured and the compiled JSON Schema of its data.</summary>
public sealed record FormDocument(string Id, int Version, string Title, string? Standard, IReadOnlyList<int> Versions, JsonElement Definition, JsonElement Schema);

/// <summary>What <c>POST /api/forms/{id}/evaluate</c> answers; nothing is saved.</summary>
public sealed record EvaluationResponse(
    string FormId,
    int FormVersion,
    bool Valid,
    IReadOnlyList<ValidationError> Errors,
    JsonElement Data,
    JsonElement Scores,
    JsonElement Outcomes,
    JsonElement Suggestions,
    IReadOnlyList<string> Hidden);

/// <summary>The body of <c>POST /api/forms/{id}/evaluate</c>.</summary>
public sealed record EvaluateRequest(JsonElement Data, Guid? SubjectId, int? FormVersion);

public static class FormEndpoints
{
    private static readonly string[] EvaluateProperties = ["data", "subjectId", "formVersion"];

    public static void MapFormEndpoints(this IEndpointRouteBuilder api)
    {
        var forms = api.MapGroup("/forms").WithTags("表单").RequirePermission(FormPermissions.Read);

        forms.MapGet("/", async (FormCatalog catalog, CancellationToken ct) => TypedResults.Ok(await catalog.ListAsync(ct)))
            .WithSummary("已发布的表单（每个表单的最新版本）");

        forms.MapGet("/{id}", async Task<Ok<FormDocument>> (string id, FormCatalog catalog, CancellationToken ct) =>
            {
                var form = await catalog.GetLatestAsync(id, ct) ?? throw ProblemException.FormNotFound(id);
                return TypedResults.Ok(await DocumentAsync(form, catalog, ct));
            })
            .WithSummary("表单的最新发布版本：定义与编译后的 JSON Schema")
            .ProducesProblem(StatusCodes.Status404NotFound);

        forms.MapGet("/{id}/versions/{version}", async Task<Ok<FormDocument>> (string id, string version, FormCatalog catalog, CancellationToken ct) =>
            {
                if (!int.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
                {
                    throw ProblemException.Invalid("/version", ErrorCodes.Type, "版本号应为正整数");
                }

                var form = await catalog.GetAsync(id, number, ct)
                    ?? (await catalog.GetLatestAsync(id, ct) is null ? throw ProblemException.FormNotFound(id) : throw ProblemException.FormVersionNotFound(id, number));
                return TypedResults.Ok(await DocumentAsync(form, catalog, ct));
            })
            .WithSummary("表单的指定版本")
            .ProducesProblem(StatusCodes.Status404NotFound);

        forms.MapPost("/{id}/evaluate", EvaluateAsync)
            .WithSummary("校验并计算（不保存）：计算字段、评分、结果与建议，边填边算")
            .DocumentsJsonBody<EvaluateRequest>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
    }

    private static async Task<Ok<EvaluationResponse>> EvaluateAsync(string id, HttpContext http, FormCatalog catalog, RecordService records, CancellationToken ct)
    {
        var request = http.Request;
        using var body = await RequestJson.ReadObjectAsync(request, ct);
        var root = body.RootElement;
        var errors = new List<ValidationError>();
        RequestJson.RejectUnknown(root, EvaluateProperties, errors);
        var subjectId = RequestJson.OptionalGuid(root, "subjectId", "居民编号 subjectId", errors);
        var version = RequestJson.OptionalInt(root, "formVersion", "表单版本 formVersion", 1, int.MaxValue, errors);
        if (!root.TryGetProperty("data", out var data))
        {
            errors.Add(new ValidationError("/data", ErrorCodes.Required, "缺少 data：应为表单数据对象"));
        }
        else if (data.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new ValidationError("/data", ErrorCodes.Type, "data 应为 JSON 对象"));
        }

        var form = version is { } pinned
            ? await catalog.GetAsync(id, pinned, ct) ?? throw ProblemException.FormVersionNotFound(id, pinned)
            : await catalog.GetLatestAsync(id, ct) ?? throw ProblemException.FormNotFound(id);
        if (errors.Count > 0)
        {
            throw ProblemException.Invalid(errors);
        }

        var result = form.Evaluate(data, await records.ContextAsync(await http.AccessAsync(), form, subjectId, ct));
        return TypedResults.Ok(new EvaluationResponse(
            form.Id,
            form.Version,
            result.IsValid,
            result.Errors,
            Element(result.DataJson()),
            Element(result.ScoresJson()),
            Element(result.OutcomesJson()),
            Element(Write(result.WriteSuggestions)),
            [.. form.Fields.Where(f => !result.IsVisible(f)).Select(f => f.Key)]));
    }

    private static async Task<FormDocument> DocumentAsync(CompiledForm form, FormCatalog catalog, CancellationToken ct) => new(
        form.Id,
        form.Version,
        form.Title,
        form.Definition.Standard,
        await catalog.VersionsAsync(form.Id, ct),
        Element(FormLoader.ToCanonicalJson(form.Definition)),
        Element(form.SchemaJson));

    internal static JsonElement Element(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
