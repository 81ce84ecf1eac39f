using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace DefectApi.OpenApi;

/// <summary>Documents the bundle routes' binary bodies, which the handlers write and read themselves: a file answer
/// carries no response metadata, and declaring the upload with Accepts() would let routing refuse another content
/// type with a bare 415 before the handler can say what to send.</summary>
public static class BundleDocs
{
    static OpenApiSchema File(string description) => new() { Type = JsonSchemaType.String, Format = "binary", Description = description };

    public static RouteHandlerBuilder DocumentsBundleDownload(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Responses ??= [];
            operation.Responses["200"] = new OpenApiResponse
            {
                Description = "The bundle file, named in Content-Disposition (name-vN.dabundle).",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/octet-stream"] = new() { Schema = File("The model bundle.") },
                },
                Headers = new Dictionary<string, IOpenApiHeader>
                {
                    ["Content-Disposition"] = new OpenApiHeader
                    {
                        Description = "attachment, with the file name", Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    },
                },
            };
            return Task.CompletedTask;
        });

    public static RouteHandlerBuilder DocumentsBundleUpload(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "The bundle file as the whole body, or as a multipart 'file' part.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/octet-stream"] = new() { Schema = File("The bundle file's bytes.") },
                    ["multipart/form-data"] = new() { Schema = RequestBodyDocs.MultipartWithFile("The bundle file") },
                },
            };
            return Task.CompletedTask;
        });
}
