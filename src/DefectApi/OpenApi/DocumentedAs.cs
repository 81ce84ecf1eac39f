using System.Reflection;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace DefectApi.OpenApi;

/// <summary>The property is written as <paramref name="type"/> describes, though its C# type is looser (a dictionary
/// kept for the wire format's sake): the document then names each field a client can expect.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DocumentedAsAttribute(Type type) : Attribute
{
    public Type Type { get; } = type;
}

/// <summary>Points each <see cref="DocumentedAsAttribute"/> property of a component schema at the component of the type
/// it names. A document transformer, because the generator copies schemas after schema transformers have run and
/// inlines a reference placed there.</summary>
internal sealed class DocumentedAsTransformer(IOptions<JsonOptions> json) : IOpenApiDocumentTransformer
{
    static readonly Type[] Annotated = typeof(DocumentedAsTransformer).Assembly.GetTypes()
        .Where(t => t.GetProperties().Any(p => p.IsDefined(typeof(DocumentedAsAttribute)))).ToArray();

    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context,
        CancellationToken cancellationToken)
    {
        if (document.Components?.Schemas is not { } components) return;
        foreach (var type in Annotated)
        {
            // Components are named after their types (the generator's default reference id).
            if (!components.TryGetValue(type.Name, out var component)
                || component is not OpenApiSchema { Properties: { } properties }) continue;
            foreach (var property in json.Value.SerializerOptions.GetTypeInfo(type).Properties)
            {
                if (property.AttributeProvider is not MemberInfo member
                    || member.GetCustomAttribute<DocumentedAsAttribute>() is not { } documented)
                    continue;
                if (!components.ContainsKey(documented.Type.Name))
                    document.AddComponent(documented.Type.Name,
                        await context.GetOrCreateSchemaAsync(documented.Type, null, cancellationToken));
                properties[property.Name] = new OpenApiSchemaReference(documented.Type.Name, document);
            }
        }
    }
}
