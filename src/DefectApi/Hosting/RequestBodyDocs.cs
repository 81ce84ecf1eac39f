using System.Text.Json.Nodes;
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
                    ["application/json"] = new() { Schema = schema, Example = JsonNode.Parse(PredictRequestExample) },
                    ["text/csv"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String }, Example = JsonValue.Create(PredictCsvExample) },
                },
            };
            if (operation.Responses?.TryGetValue("200", out var ok) == true && ok.Content is { } content)
            {
                if (content.TryGetValue("application/json", out var json)) json.Example = JsonNode.Parse(PredictResponseExample);
                content["text/csv"] = new OpenApiMediaType
                {
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String }, Example = JsonValue.Create(PredictCsvResponseExample),
                };
            }
        });

    const string PredictRequestExample = """
        { "records": [
          { "Type": "L", "Air temperature [K]": 302.5, "Process temperature [K]": 310.9, "Rotational speed [rpm]": 1290, "Torque [Nm]": 68.4, "Tool wear [min]": 210 },
          { "Type": "M", "Air temperature [K]": 298.1, "Process temperature [K]": 308.6, "Rotational speed [rpm]": 1551, "Torque [Nm]": 42.8, "Tool wear [min]": 0 } ] }
        """;

    const string PredictResponseExample = """
        { "modelId": "0197a4f2-6c1e-7b55-9d1a-3c1f0e2b7a10", "modelName": "ai4i", "modelVersion": 3,
          "predictions": [ { "label": "1", "probability": 0.93, "defect": true },
                           { "label": "0", "probability": 0.004, "defect": false } ] }
        """;

    const string PredictCsvExample = "Product ID,Type,Air temperature [K],Process temperature [K],Rotational speed [rpm],Torque [Nm],Tool wear [min]\n" +
        "L47182,L,302.5,310.9,1290,68.4,210\nM14860,M,298.1,308.6,1551,42.8,0\n";

    const string PredictCsvResponseExample = "Product ID,Type,Air temperature [K],Process temperature [K],Rotational speed [rpm],Torque [Nm],Tool wear [min],label,probability,defect,error\n" +
        "L47182,L,302.5,310.9,1290,68.4,210,1,0.93,true,\nM14860,M,298.1,308.6,1551,42.8,0,0,0.004,false,\n";

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
