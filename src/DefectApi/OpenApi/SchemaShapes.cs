using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace DefectApi.OpenApi;

/// <summary>Marks a property whose values (or whose arrays' and maps' values, however deep) are table cells: a number,
/// text, true/false, or null for a gap. Its C# type is <c>object</c> or <c>JsonElement</c>, which the generator can
/// only describe as "anything", and linters and client generators need more than that.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class CellValuesAttribute : Attribute;

/// <summary>Applies <see cref="CellValuesAttribute"/>, and names the extension members of problem bodies: the
/// <c>traceId</c> every one carries, and where an unreadable CSV went wrong.</summary>
internal sealed class SchemaShapes : IOpenApiSchemaTransformer
{
    const JsonSchemaType CellTypes = JsonSchemaType.Number | JsonSchemaType.String | JsonSchemaType.Boolean | JsonSchemaType.Null;

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is not null || context.JsonTypeInfo.Kind != JsonTypeInfoKind.Object || schema.Properties is null)
            return Task.CompletedTask;
        if (typeof(ProblemDetails).IsAssignableFrom(context.JsonTypeInfo.Type)
            || context.JsonTypeInfo.Type == typeof(HttpValidationProblemDetails))
        {
            schema.Properties["traceId"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String, Description = "The request's trace id, for finding it in the service's logs.",
            };
            schema.Properties["row"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Integer, Format = "int64",
                Description = "An unreadable CSV: the line at fault (the header is line 1).",
            };
            schema.Properties["column"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "An unreadable CSV: the column at fault."
            };
        }
        foreach (var property in context.JsonTypeInfo.Properties)
        {
            if (!schema.Properties.TryGetValue(property.Name, out var propertySchema)) continue;
            if (property.AttributeProvider?.IsDefined(typeof(CellValuesAttribute), inherit: true) == true
                && propertySchema is OpenApiSchema inline)
                DescribeCells(inline);
        }
        return Task.CompletedTask;
    }

    /// <summary>Walks arrays and maps down to their values, which become cells.</summary>
    static void DescribeCells(OpenApiSchema schema)
    {
        var type = schema.Type ?? 0;
        if (type.HasFlag(JsonSchemaType.Array))
        {
            if (schema.Items is OpenApiSchema items) DescribeCells(items);
            else schema.Items = Cell();
        }
        else if (type.HasFlag(JsonSchemaType.Object))
        {
            if (schema.AdditionalProperties is OpenApiSchema values) DescribeCells(values);
            else schema.AdditionalProperties = Cell();
        }
        else
        {
            schema.Type = CellTypes;
            schema.Description ??= CellDescription;
        }
    }

    const string CellDescription = "A cell: a number, text, true/false, or null for a missing value.";

    static OpenApiSchema Cell() => new() { Type = CellTypes, Description = CellDescription };
}
