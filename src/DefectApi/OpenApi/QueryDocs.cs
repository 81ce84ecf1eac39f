using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace DefectApi.OpenApi;

public static class QueryDocs
{
    /// <summary>Describes a query parameter that the handler takes as a string (to answer a wrong value with a 400 that
    /// names the choices, where enum binding would give a bare one) as the enum it really is.</summary>
    public static RouteHandlerBuilder DocumentsEnumQuery<TEnum>(this RouteHandlerBuilder builder, string name, string description)
        where TEnum : struct, Enum =>
        builder.AddOpenApiOperationTransformer(async (operation, context, ct) =>
        {
            var schema = await context.ReferenceAsync(typeof(TEnum), ct);
            foreach (var parameter in operation.Parameters ?? [])
                if (parameter is OpenApiParameter p && p.Name == name && p.In == ParameterLocation.Query)
                {
                    p.Schema = schema;
                    p.Description = description;
                }
        });
}
