using DefectApi.Security;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace DefectApi.OpenApi;

/// <summary>Titles the document, describes its tags and declares the X-Api-Key scheme, so Swagger UI offers an
/// "Authorize" box.</summary>
internal sealed class DocumentDescription : IOpenApiDocumentTransformer
{
    static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Datasets"] = "CSV exports from the MES: upload, inspect the inferred schema, preview rows, delete.",
        ["Training jobs"] = "Train a network on a dataset in the background; follow its progress, cancel it.",
        ["Models"] = "What each finished job stored: inputs, metrics, training history, decision threshold.",
        ["Predictions"] = "Score records (JSON or CSV) with a model, by its id or through a deployment's name.",
        ["Deployments"] = "Stable names that MES systems call, each pointing at one model.",
        ["Process optimisation"] = "Settings the model scores best for a record, and how a prediction moves with one input.",
        ["Keys and audit"] = "API keys created and revoked while the service runs, and the append-only record of who changed what.",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "DefectApi";
        document.Info.Description = "Defect and efficiency predictions for manufacturing: upload MES exports, train a neural " +
            "network, predict. Send an API key in the X-Api-Key header (unless the service runs open). Every error is " +
                "application/problem+json.";

        // The generator writes the request's base address with a trailing slash, which linters reject: paths start
        // with '/' already, so "http://host/" + "/api/…" would double it.
        foreach (var server in document.Servers ?? [])
            if (server.Url is { Length: > 1 } url) server.Url = url.TrimEnd('/');

        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
            if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var description)) tag.Description = description;

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyAuthenticationHandler.HeaderName,
            Description = "An API key with the scope the call needs: predict, train, admin or metrics.",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement
        {
            [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, document)] = [],
        });
        return Task.CompletedTask;
    }
}
