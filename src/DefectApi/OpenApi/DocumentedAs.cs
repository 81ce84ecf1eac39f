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
/// it names.</summary>
internal sealed class DocumentedAsTransformer(IOptions<JsonOptions> json) : IOpenApiDocumentTransformer
{
    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context,
        CancellationToken cancellationToken)
    {
        var annotated = AnnotatedProperties.Of<DocumentedAsAttribute>(document, json.Value.SerializerOptions);
        foreach (var (properties, name, documented) in annotated)
        {
            if (!document.Components!.Schemas!.ContainsKey(documented.Type.Name))
                document.AddComponent(documented.Type.Name,
                    await context.GetOrCreateSchemaAsync(documented.Type, null, cancellationToken));
            properties[name] = new OpenApiSchemaReference(documented.Type.Name, document);
        }
    }
}
