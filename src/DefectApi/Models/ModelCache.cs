using System.Collections.Concurrent;
using DefectApi.Data;
using DefectApi.Tabular;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Models;

/// <summary>Holds each model's artifact in memory after its first use, so a prediction never reads or parses the
/// stored blob; dropped when the model changes or is deleted. Everything in it can be rebuilt from the database.</summary>
public sealed class ModelCache(IServiceScopeFactory scopes, Hosting.ServiceMetrics metrics)
{
    public sealed record Entry(Model Model, ModelArtifact Artifact);

    readonly ConcurrentDictionary<Guid, Entry> _models = new();

    public async ValueTask<Entry?> GetAsync(Guid id, CancellationToken ct)
    {
        if (_models.TryGetValue(id, out var cached)) return cached;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
        var model = await db.Models.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct);
        if (model is null) return null;
        var entry = new Entry(model, ModelArtifact.FromBytes(model.Artifact));
        model.Artifact = [];  // the parsed artifact is what stays in memory
        metrics.RecordModelLoad(System.Diagnostics.Stopwatch.GetElapsedTime(started));
        return _models.GetOrAdd(id, entry);
    }

    public void Invalidate(Guid id) => _models.TryRemove(id, out _);
}
