using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace DefectApi.OpenApi;

public static class OpenApiSetup
{
    /// <summary>The document at /openapi/v1.json: generated from the endpoints' metadata and the request and response
    /// records, then completed by the transformers below with what metadata cannot say.</summary>
    public static IServiceCollection AddDefectApiOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer<DocumentDescription>();
            options.AddOperationTransformer<PipelineResponses>();
            options.AddSchemaTransformer<SchemaShapes>();
            options.AddDocumentTransformer<DocumentedAsTransformer>();
            options.AddDocumentTransformer<TaskSchemas>();
            options.CreateSchemaReferenceId = TaskSchemas.ReferenceId;
        });

    /// <summary>True while Microsoft.Extensions.ApiDescription.Server's tool runs the app at build to read its document
    /// (the generated-client tests ask for that). The tool starts the host.</summary>
    public static bool IsBuildTimeExport => System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider";

    /// <summary>Removes the service's own hosted services: reading the document must not migrate the database beside the
    /// build output (the one <c>dotnet run</c> uses) or start training the jobs queued in it.</summary>
    public static void RemoveBackgroundWork(this IServiceCollection services)
    {
        var own = services.Where(d =>
            d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Assembly == typeof(OpenApiSetup).Assembly).ToList();
        foreach (var descriptor in own) services.Remove(descriptor);
    }

    /// <summary>A reference to the component schema of <paramref name="type"/>, registering it first if needed.
    /// GetOrCreateSchemaAsync answers an inline copy; a named component lets client generators name the type once.</summary>
    internal static async Task<IOpenApiSchema> ReferenceAsync(OpenApiDocument? document, Type type,
        Func<Type, Task<OpenApiSchema>> create)
    {
        if (document is null) return await create(type);
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        if (!document.Components.Schemas.ContainsKey(type.Name)) document.AddComponent(type.Name, await create(type));
        return new OpenApiSchemaReference(type.Name, document);
    }

    internal static Task<IOpenApiSchema> ReferenceAsync(this OpenApiOperationTransformerContext context, Type type, CancellationToken ct) =>
        ReferenceAsync(context.Document, type, t => context.GetOrCreateSchemaAsync(t, null, ct));
}
