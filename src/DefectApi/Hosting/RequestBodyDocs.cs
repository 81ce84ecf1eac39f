using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace DefectApi.Hosting;

/// <summary>Documents request bodies that handlers read themselves (streamed CSV, multipart, JSON or CSV). Declaring
/// them with Accepts() would let routing refuse other content types with a bare 415 before the handler can explain.</summary>
public static class RequestBodyDocs
{
    public static RouteHandlerBuilder DocumentsJsonOrCsvBody<T>(this RouteHandlerBuilder builder, string description) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, ct) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, ct);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true, Description = description,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = schema },
                    ["text/csv"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
                },
            };
        });

    public static RouteHandlerBuilder DocumentsCsvUpload(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            var text = new OpenApiSchema { Type = JsonSchemaType.String };
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["multipart/form-data"] = new()
                    {
                        Schema = new OpenApiSchema
                        {
                            Type = JsonSchemaType.Object,
                            Required = new HashSet<string> { "file" },
                            Properties = new Dictionary<string, IOpenApiSchema>
                            {
                                ["file"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = "The CSV file" },
                                ["name"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Dataset name (default: the file name)" },
                                ["delimiter"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = ", ; | or tab (default: detected)" },
                                ["decimalSeparator"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = ". or , (default: detected)" },
                            },
                        },
                    },
                    ["text/csv"] = new() { Schema = text },
                },
            };
            return Task.CompletedTask;
        });
}
