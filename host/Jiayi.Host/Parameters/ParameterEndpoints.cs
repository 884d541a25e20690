using System.Text.Json;
using Jiayi.Engine.Forms;
using Jiayi.Host.Access;
using Jiayi.Host.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jiayi.Host.Parameters;

/// <summary>A group of parameters as the settings page shows it.</summary>
public sealed record ParameterGroupView(string Key, string Title, IReadOnlyList<ParameterView> Parameters);

/// <summary>The body of <c>PUT /api/parameters/{key}</c>.</summary>
public sealed record ParameterChangeRequest(JsonElement Value, string? Reason);

/// <summary>One change of a parameter: the values before and after (as JSON), who made it, when and why.</summary>
public sealed record ParameterChangeView(long Id, string Key, JsonElement? OldValue, JsonElement NewValue, DateTime ChangedAt, string? ChangedBy, string? Reason);

/// <summary>System parameters (W6.3): read them by group, change one with a reason, read its history.</summary>
public static class ParameterEndpoints
{
    private static readonly string[] ChangeProperties = ["value", "reason"];

    public static void MapParameterEndpoints(this IEndpointRouteBuilder api)
    {
        var parameters = api.MapGroup("/parameters").WithTags("系统参数");

        parameters.MapGet("/", async Task<Ok<IReadOnlyList<ParameterGroupView>>> (SystemParameters service, CancellationToken ct) =>
            {
                var views = await service.ListAsync(ct);
                IReadOnlyList<ParameterGroupView> groups = [.. service.Catalog.Groups.Select(g => new ParameterGroupView(g.Key, g.Title, [.. views.Where(v => v.Group == g.Key)]))];
                return TypedResults.Ok(groups);
            })
            .RequirePermission(ParameterPermissions.Read)
            .WithSummary("全部系统参数，按分组：当前值、默认值、取值范围、最后修改人与时间");

        parameters.MapPut("/{key}", async Task<Ok<ParameterView>> (string key, HttpContext http, SystemParameters service, CancellationToken ct) =>
            {
                if (!service.Catalog.ByKey.ContainsKey(key))
                {
                    throw NotFound(key);
                }

                using var body = await RequestJson.ReadObjectAsync(http.Request, ct);
                var root = body.RootElement;
                var errors = new List<ValidationError>();
                RequestJson.RejectUnknown(root, ChangeProperties, errors);
                if (!root.TryGetProperty("value", out var value) || value.ValueKind == JsonValueKind.Null)
                {
                    errors.Add(new ValidationError("/value", ErrorCodes.Required, "请填写新的取值 value"));
                }

                var reason = RequestJson.OptionalString(root, "reason", "修改原因 reason", errors)?.Trim();
                if (reason is { Length: > 200 })
                {
                    errors.Add(new ValidationError("/reason", ErrorCodes.MaxLength, "修改原因不能超过 200 个字"));
                }

                if (errors.Count > 0)
                {
                    throw ProblemException.Invalid(errors);
                }

                var me = await http.AccessAsync();
                return TypedResults.Ok(await service.SetAsync(key, value.Clone(), string.IsNullOrEmpty(reason) ? null : reason, me.DisplayName, ct));
            })
            .RequirePermission(ParameterPermissions.Write)
            .WithSummary("修改一个系统参数：按参数的类型与范围校验，立即生效（其他服务节点 2 秒内）；记录修改人与原因")
            .DocumentsJsonBody<ParameterChangeRequest>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        parameters.MapGet("/{key}/history", async Task<Ok<IReadOnlyList<ParameterChangeView>>> (string key, SystemParameters service, CancellationToken ct) =>
            {
                if (!service.Catalog.ByKey.ContainsKey(key))
                {
                    throw NotFound(key);
                }

                var changes = await service.HistoryAsync(key, ct);
                IReadOnlyList<ParameterChangeView> views = [.. changes.Select(c => new ParameterChangeView(
                    c.Id, c.Key, c.OldValue is null ? null : Json(c.OldValue), Json(c.NewValue), DateTime.SpecifyKind(c.ChangedAt, DateTimeKind.Utc), c.ChangedBy, c.Reason))];
                return TypedResults.Ok(views);
            })
            .RequirePermission(ParameterPermissions.Read)
            .WithSummary("一个系统参数的修改记录（最新在前，最多 200 条）")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static ProblemException NotFound(string key) =>
        new(StatusCodes.Status404NotFound, "parameter-not-found", "参数不存在", $"没有代码为“{key}”的系统参数");
}
