using System.Collections.Concurrent;
using DefectApi.Data;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Models;

/// <summary>Which model each deployment name points at, kept in memory so a prediction costs no database read.
/// A move in this process takes effect at once; one made by another replica within <see cref="MaxAge"/>.</summary>
public sealed class DeploymentRoutes(IServiceScopeFactory scopes, TimeProvider clock)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);

    sealed record Route(Guid? ModelId, DateTimeOffset ReadAt);

    readonly ConcurrentDictionary<string, Route> _routes = new(StringComparer.Ordinal);

    public async ValueTask<Guid?> ResolveAsync(string name, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_routes.TryGetValue(name, out var route) && now - route.ReadAt < MaxAge) return route.ModelId;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
        var modelId = await db.Deployments.AsNoTracking().Where(d => d.Name == name).Select(d => (Guid?)d.ModelId).FirstOrDefaultAsync(ct);
        _routes[name] = new Route(modelId, now);
        return modelId;
    }

    public void Moved(string name, Guid? modelId) => _routes[name] = new Route(modelId, clock.GetUtcNow());
}
