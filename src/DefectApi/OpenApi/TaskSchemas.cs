using System.Reflection;
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

    static readonly Type[] Annotated = typeof(TaskSchemas).Assembly.GetTypes()
        .Where(t => t.GetProperties().Any(p => p.IsDefined(typeof(ConcreteTaskAttribute)))).ToArray();

    /// <summary>For <see cref="OpenApiOptions.CreateSchemaReferenceId"/>: TaskKind's component is the request's. A
    /// nullable TaskKind must get the same id, or the generator makes it a component of its own.</summary>
    public static string? ReferenceId(JsonTypeInfo type) =>
        (Nullable.GetUnderlyingType(type.Type) ?? type.Type) == typeof(TaskKind) ? RequestName : OpenApiOptions.CreateDefaultSchemaReferenceId(type);

    /// <summary>A document transformer, because the generator copies schemas after schema transformers have run and
    /// inlines a reference placed there (as <see cref="DocumentedAsTransformer"/> explains).</summary>
    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        if (document.Components?.Schemas is not { } components) return;
        foreach (var type in Annotated)
        {
            // Components are named after their types (the generator's default reference id).
            if (!components.TryGetValue(type.Name, out var component) || component is not OpenApiSchema { Properties: { } properties }) continue;
            foreach (var property in json.Value.SerializerOptions.GetTypeInfo(type).Properties)
            {
                if (property.AttributeProvider is not MemberInfo member || !member.IsDefined(typeof(ConcreteTaskAttribute))) continue;
                if (!components.ContainsKey(ModelName)) document.AddComponent(ModelName, await ConcreteAsync(context, cancellationToken));
                properties[property.Name] = new OpenApiSchemaReference(ModelName, document);
            }
        }
    }

    /// <summary>TaskKind's schema as the generator makes it, less the values no trained model has.</summary>
    static async Task<OpenApiSchema> ConcreteAsync(OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        var schema = await context.GetOrCreateSchemaAsync(typeof(TaskKind), null, ct);
        var concrete = TaskKinds.Concrete.Select(TaskKinds.WireName).ToHashSet(StringComparer.Ordinal);
        schema.Enum = schema.Enum?.Where(value => value is JsonValue v && v.TryGetValue(out string? name) && concrete.Contains(name)).ToList();
        return schema;
    }
}
