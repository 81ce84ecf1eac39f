using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using DefectApi.Tabular.Targets;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace DefectApi.OpenApi;

/// <summary>The property holds a trained model's task: a <see cref="TaskKind"/> that is never auto.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ConcreteTaskAttribute : Attribute;

/// <summary>One <see cref="TaskKind"/> in the code, two schemas in the document, as before it was one enum:
/// <c>TrainingTask</c> where a request may say auto, <c>ModelTask</c> (without auto) where a property is marked
/// <see cref="ConcreteTaskAttribute"/>. Client generators thus keep both names, and a model's answer keeps promising a
/// concrete task.</summary>
internal sealed class TaskSchemas(IOptions<JsonOptions> json) : IOpenApiDocumentTransformer
{
    public const string RequestName = "TrainingTask", ModelName = "ModelTask";

    /// <summary>For <see cref="OpenApiOptions.CreateSchemaReferenceId"/>: TaskKind's component is the request's. A
    /// nullable TaskKind must get the same id, or the generator makes it a component of its own.</summary>
    public static string? ReferenceId(JsonTypeInfo type) =>
        (Nullable.GetUnderlyingType(type.Type) ?? type.Type) == typeof(TaskKind) ? RequestName
            : OpenApiOptions.CreateDefaultSchemaReferenceId(type);

    /// <summary>A document transformer, because the generator copies schemas after schema transformers have run and
    /// inlines a reference placed there (as <see cref="AnnotatedProperties"/> explains).</summary>
    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context,
        CancellationToken cancellationToken)
    {
        foreach (var (properties, name, _) in AnnotatedProperties.Of<ConcreteTaskAttribute>(document, json.Value.SerializerOptions))
        {
            if (!document.Components!.Schemas!.ContainsKey(ModelName))
                document.AddComponent(ModelName, await ConcreteAsync(context, cancellationToken));
            properties[name] = new OpenApiSchemaReference(ModelName, document);
        }
    }

    /// <summary>TaskKind's schema as the generator makes it, less the values no trained model has.</summary>
    static async Task<OpenApiSchema> ConcreteAsync(OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        var schema = await context.GetOrCreateSchemaAsync(typeof(TaskKind), null, ct);
        var concrete = TaskKinds.Concrete.Select(TaskKinds.WireName).ToHashSet(StringComparer.Ordinal);
        schema.Enum = schema.Enum?.Where(value =>
            value is JsonValue v && v.TryGetValue(out string? name) && concrete.Contains(name)).ToList();
        return schema;
    }
}
