using DefectApi.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace DefectApi.OpenApi;

/// <summary>Documents the answers that the pipeline gives around a handler, on each operation they can reach, from the
/// endpoint's own metadata: a handler's Results&lt;…&gt; type cannot name them. 400 when a parameter or the body cannot
/// be read, 415 when a JSON body comes as something else, 401 and 403 from the API-key policies, 413 from a route's
/// body limit, 429 from the rate limiter, and 503 when the database is full or unavailable (Http/ProblemHandling.cs).</summary>
internal sealed class PipelineResponses : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context,
        CancellationToken cancellationToken)
    {
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var problem = await context.ReferenceAsync(typeof(ProblemDetails), cancellationToken);
        // A body field of the wrong type is answered with an 'errors' entry, as validation failures are.
        var validationProblem = await context.ReferenceAsync(typeof(HttpValidationProblemDetails), cancellationToken);
        operation.Responses ??= [];

        void Add(int status, string text, bool retryAfter = false, IOpenApiSchema? schema = null)
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation.Responses.ContainsKey(key)) return;
            var response = new OpenApiResponse
            {
                Description = text,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = schema ?? problem } },
            };
            if (retryAfter)
                response.Headers = new Dictionary<string, IOpenApiHeader>
                {
                    ["Retry-After"] = new OpenApiHeader
                    {
                        Description = "Seconds to wait before trying again.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
                    },
                };
            operation.Responses[key] = response;
        }

        if (description.ParameterDescriptions.Any(p => p.Source == BindingSource.Query || p.Source == BindingSource.Body))
            Add(StatusCodes.Status400BadRequest,
                "A query parameter or the body could not be read: missing, malformed or of the wrong type.", schema: validationProblem);
        if (description.ParameterDescriptions.Any(p => p.Source == BindingSource.Body))
            Add(StatusCodes.Status415UnsupportedMediaType, "The body is not application/json.");
        if (metadata.OfType<IAuthorizeData>().Any())
        {
            Add(StatusCodes.Status401Unauthorized,
                "No API key, or an unknown or revoked one, in X-Api-Key (unless the service runs open).");
            Add(StatusCodes.Status403Forbidden, "The API key lacks the scope this call needs.");
        }
        if (metadata.OfType<RequestBodyLimit>().Any())
            Add(StatusCodes.Status413PayloadTooLarge, "The body is larger than this route accepts.");
        Add(StatusCodes.Status429TooManyRequests, "This API key (or, with no keys, this client address) has used its request rate.",
            retryAfter: true);
        Add(StatusCodes.Status503ServiceUnavailable,
            "Storage is unavailable: the database is full (Storage:MaxDatabaseBytes or the disk), " +
            "busy, or cannot be read or written right now. Nothing was changed; retry later.", retryAfter: true);
    }
}
