using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Jiayi.Host.Infrastructure;

/// <summary>
/// Documents the JSON body an endpoint reads itself (through <see cref="RequestJson"/>). Unlike
/// <c>Accepts&lt;T&gt;()</c> it does not make routing refuse other content types: a client that forgets
/// the Content-Type header still gets its JSON checked and explained, not a bare 415.
/// </summary>
public sealed record JsonBodyMetadata(Type Type);

public static class JsonBodyExtensions
{
    public static RouteHandlerBuilder DocumentsJsonBody<T>(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new JsonBodyMetadata(typeof(T)));

    /// <summary>Adds the documented body to the OpenAPI operation.</summary>
    public static async Task DescribeJsonBody(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<JsonBodyMetadata>().FirstOrDefault() is not { } body)
        {
            return;
        }

        var schema = await context.GetOrCreateSchemaAsync(body.Type, null, cancellationToken);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new OpenApiMediaType { Schema = schema } },
        };
    }
}
