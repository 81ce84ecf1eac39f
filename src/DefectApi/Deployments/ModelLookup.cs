using DefectApi.Data;
using DefectApi.Http;
using DefectApi.Registry;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DefectApi.Deployments;

/// <summary>Which model a route means: one named by its id, or the one a deployment points at now.</summary>
public readonly record struct ModelSource(Guid? Id, string? Deployment)
{
    public static ModelSource Model(Guid id) => new(id, null);
    public static ModelSource DeploymentNamed(string name) => new(null, name);

    /// <summary>The 404 that names what was not found: the model, or the deployment.</summary>
    public ProblemHttpResult NotFound() => Deployment is { } name ? NotFoundProblems.Deployment(name) : NotFoundProblems.Model(Id!.Value);
}

/// <summary>Finds the model a route means, from memory when it can: the deployment routes and the model cache.
/// Every route that works "by id or by deployment name" goes through here.</summary>
public sealed class ModelLookup(DeploymentRoutes routes, ModelCache cache)
{
    public async ValueTask<ModelCache.Entry?> FindAsync(ModelSource source, CancellationToken ct)
    {
        var id = source.Deployment is { } name ? await routes.ResolveAsync(name, ct) : source.Id;
        return id is { } modelId ? await cache.GetAsync(modelId, ct) : null;
    }
}
