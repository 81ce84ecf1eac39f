using System.Reflection;
using System.Text.Json;
using Microsoft.OpenApi;

namespace DefectApi.OpenApi;

/// <summary>The component properties whose C# property carries an attribute, for document transformers that point
/// them elsewhere. Document transformers, because the generator copies schemas after schema transformers have run and
/// inlines a reference placed there.</summary>
internal static class AnnotatedProperties
{
    public static IEnumerable<(IDictionary<string, IOpenApiSchema> Properties, string Name, TAttribute Attribute)> Of<TAttribute>(
        OpenApiDocument document, JsonSerializerOptions json) where TAttribute : Attribute
    {
        if (document.Components?.Schemas is not { } components) yield break;
        foreach (var type in TypesWith<TAttribute>.All)
        {
            // Components are named after their types (the generator's default reference id).
            if (!components.TryGetValue(type.Name, out var component)
                || component is not OpenApiSchema { Properties: { } properties }) continue;
            foreach (var property in json.GetTypeInfo(type).Properties)
                if (property.AttributeProvider is MemberInfo member && member.GetCustomAttribute<TAttribute>() is { } attribute)
                    yield return (properties, property.Name, attribute);
        }
    }

    static class TypesWith<TAttribute> where TAttribute : Attribute
    {
        public static readonly Type[] All = typeof(AnnotatedProperties).Assembly.GetTypes()
            .Where(t => t.GetProperties().Any(p => p.IsDefined(typeof(TAttribute)))).ToArray();
    }
}
