using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace DefectApi.OpenApi;

/// <summary>Documents request bodies that handlers read themselves (streamed CSV, multipart, JSON or CSV). Declaring
/// them with Accepts() would let routing refuse other content types with a bare 415 before the handler can explain.</summary>
public static class RequestBodyDocs
{
    const string CsvAnswer = "A text/csv body is answered as text/csv: the input columns as sent, then the prediction columns " +
        "(binary: label, probability, defect; regression: value; multiclass: label and probability_<class> per class) and an " +
        "'error' column for a row that could not be scored. The X-Model-Id header names the model.";

    public static RouteHandlerBuilder DocumentsJsonOrCsvBody<T>(this RouteHandlerBuilder builder, string description) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, ct) =>
        {
            var schema = await context.ReferenceAsync(typeof(T), ct);
            var text = new OpenApiSchema { Type = JsonSchemaType.String, Description = "CSV with a header row; UTF-8." };
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true, Description = description,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = schema, Example = JsonNode.Parse(PredictRequestExample) },
                    ["text/csv"] = new() { Schema = text, Example = JsonValue.Create(PredictCsvExample) },
                },
            };
            // Read from the query by the shared predictor (the handler takes the raw request), so declared here.
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "explain", In = ParameterLocation.Query, Description = "JSON bodies: add each prediction's top reasons.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Boolean, Default = JsonValue.Create(false) },
            });
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "top", In = ParameterLocation.Query, Description = "With explain=true: how many reasons per prediction.",
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = "50",
                    Default = JsonValue.Create(5)
                },
            });
            if (operation.Responses?.TryGetValue("200", out var answer) == true && answer is OpenApiResponse ok
                && ok.Content is { } content)
            {
                ok.Description = "One prediction per record, in order. " + CsvAnswer;
                if (content.TryGetValue("application/json", out var json)) json.Example = JsonNode.Parse(PredictResponseExample);
                content["text/csv"] = new OpenApiMediaType
                {
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The scored CSV." },
                    Example = JsonValue.Create(PredictCsvResponseExample),
                };
                ok.Headers = new Dictionary<string, IOpenApiHeader>
                {
                    ["X-Model-Id"] = new OpenApiHeader
                    {
                        Description = "text/csv answers: the id of the model that scored the rows.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" },
                    },
                };
            }
        });

    const string PredictRequestExample = """
        { "records": [
          { "Type": "L", "Air temperature [K]": 302.5, "Process temperature [K]": 310.9, "Rotational speed [rpm]": 1290,
              "Torque [Nm]": 68.4, "Tool wear [min]": 210 },
          { "Type": "M", "Air temperature [K]": 298.1, "Process temperature [K]": 308.6, "Rotational speed [rpm]": 1551,
              "Torque [Nm]": 42.8, "Tool wear [min]": 0 } ] }
        """;

    const string PredictResponseExample = """
        { "modelId": "0197a4f2-6c1e-7b55-9d1a-3c1f0e2b7a10", "modelName": "ai4i", "modelVersion": 3,
          "predictions": [ { "label": "1", "probability": 0.93, "defect": true },
                           { "label": "0", "probability": 0.004, "defect": false } ] }
        """;

    const string PredictCsvExample = "Product ID,Type,Air temperature [K],Process temperature [K],Rotational speed [rpm],Torque " +
        "[Nm],Tool wear [min]\nL47182,L,302.5,310.9,1290,68.4,210\nM14860,M,298.1,308.6,1551,42.8,0\n";

    const string PredictCsvResponseExample =
        "Product ID,Type,Air temperature [K],Process temperature [K],Rotational speed [rpm],Torque [Nm],Tool wear [min],label," +
        "probability,defect,error\n" +
        "L47182,L,302.5,310.9,1290,68.4,210,1,0.93,true,\n" +
        "M14860,M,298.1,308.6,1551,42.8,0,0,0.004,false,\n";

    public static RouteHandlerBuilder DocumentsCsvUpload(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "The CSV as a multipart 'file' part, or as the whole body (text/csv, with ?name=).",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["multipart/form-data"] = new()
                    {
                        Schema = MultipartWithFile("The CSV file", ("name", "Dataset name (default: the file name)"),
                            ("delimiter", ", ; | or tab (default: detected)"), ("decimalSeparator", ". or , (default: detected)")),
                        Encoding = new Dictionary<string, OpenApiEncoding>
                        {
                            ["file"] = new() { ContentType = "text/csv, application/octet-stream" },
                        },
                    },
                    ["text/csv"] = new()
                    {
                        Schema = new OpenApiSchema
                        {
                            Type = JsonSchemaType.String,
                            Description = "The CSV file's bytes."
                        }
                    },
                },
            };
            return Task.CompletedTask;
        });

    /// <summary>A multipart/form-data body whose one required part is the file 'file', with optional text fields.</summary>
    internal static OpenApiSchema MultipartWithFile(string fileDescription, params (string Name, string Description)[] fields)
    {
        var properties = new Dictionary<string, IOpenApiSchema>
        {
            ["file"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = fileDescription },
        };
        foreach (var (name, description) in fields) properties[name] = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = description
        };
        return new OpenApiSchema { Type = JsonSchemaType.Object, Required = new HashSet<string> { "file" }, Properties = properties };
    }
}
