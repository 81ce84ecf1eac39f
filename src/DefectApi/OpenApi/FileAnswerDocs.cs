using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace DefectApi.OpenApi;

/// <summary>Documents a 200 answer that is a file download: a FileContentHttpResult in a handler's Results&lt;…&gt;
/// names no media type or schema of its own.</summary>
public static class FileAnswerDocs
{
    public static RouteHandlerBuilder DocumentsFileAnswer(this RouteHandlerBuilder builder, string mediaType, string description) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Responses ??= [];
            operation.Responses["200"] = new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [mediaType] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                },
                Headers = new Dictionary<string, IOpenApiHeader>
                {
                    ["Content-Disposition"] = new OpenApiHeader
                    {
                        Description = "attachment, with the file name to save it under.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    },
                },
            };
            return Task.CompletedTask;
        });
}
