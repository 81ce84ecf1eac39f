using System.Collections.Concurrent;
using DefectApi.Data;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Deployments;

/// <summary>Which model each deployment name points at, kept in memory so a prediction costs no database read (and goes
/// on while the database is away). A move made through this replica takes effect at once; one made through another
/// replica when <see cref="ChangeFeed"/> next reads the deployments, a fraction of a second later.</summary>
public sealed class DeploymentRoutes(IServiceScopeFactory scopes)
{
    readonly ConcurrentDictionary<string, Guid> _routes = new(StringComparer.Ordinal);
    readonly Lock _writes = new();
    long _localMoves;

    public async ValueTask<Guid?> ResolveAsync(string name, CancellationToken ct)
    {
        if (_routes.TryGetValue(name, out var modelId)) return modelId;
        // Not known here yet (created on another replica since the last read, or never): ask the database.
        var version = Volatile.Read(ref _localMoves);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
        var stored = await db.Deployments.AsNoTracking().Where(d => d.Name == name).Select(d => (Guid?)d.ModelId).FirstOrDefaultAsync(ct);
        if (stored is { } found)
            lock (_writes)
                if (_localMoves == version) _routes.TryAdd(name, found);
        return stored;
    }

    /// <summary>A move committed through this replica.</summary>
    public void Moved(string name, Guid? modelId)
    {
        lock (_writes)
        {
            _localMoves++;
            if (modelId is { } id) _routes[name] = id;
            else _routes.TryRemove(name, out _);
        }
    }

    /// <summary>The version of local moves, read before the database is, so that <see cref="Replace"/> can tell whether
    /// a move here happened in between.</summary>
    public long Version => Volatile.Read(ref _localMoves);

    /// <summary>Takes the deployments as read from the database, unless a move through this replica came after the
    /// read began (the next read will include it).</summary>
    public bool Replace(IReadOnlyDictionary<string, Guid> stored, long versionBeforeRead)
    {
        lock (_writes)
        {
            if (_localMoves != versionBeforeRead) return false;
            foreach (var (name, modelId) in stored) _routes[name] = modelId;
            foreach (var name in _routes.Keys)
                if (!stored.ContainsKey(name)) _routes.TryRemove(name, out _);
            return true;
        }
    }
}
