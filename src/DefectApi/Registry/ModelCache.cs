using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using DefectApi.Data;
using DefectApi.Tabular;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DefectApi.Registry;

public sealed class ModelCacheOptions
{
    public const string SectionName = "ModelCache";

    /// <summary>Models held in memory at once; past this, the least recently used one is dropped (and read from the
    /// database again when next asked for).</summary>
    [Range(1, 100_000)]
    public int MaxModels { get; set; } = 50;
}

/// <summary>Holds each model's artifact in memory after its first use, so a prediction never reads or parses the
/// stored blob. Everything in it can be rebuilt from the database: a model that changes or is deleted is dropped here
/// by the request that changed it, and on other replicas by <see cref="ChangeFeed"/>.</summary>
public sealed class ModelCache(IServiceScopeFactory scopes, Telemetry.ServiceMetrics metrics, IOptions<ModelCacheOptions> options)
{
    public sealed record Entry(Model Model, ModelArtifact Artifact);

    sealed class Slot(Entry entry, long lastUsed)
    {
        public Entry Entry { get; } = entry;
        public long LastUsed = lastUsed;
    }

    readonly ConcurrentDictionary<Guid, Slot> _models = new();
    readonly ConcurrentDictionary<Guid, Lazy<Task<Entry?>>> _loading = new();
    readonly Lock _admission = new();
    long _uses;
    long _invalidations;

    public int Count => _models.Count;

    /// <summary>The model, from memory or else from the database. <paramref name="admit"/> false reads a missing model
    /// without keeping it (a listing of every model must not push out the ones that serve predictions).</summary>
    public async ValueTask<Entry?> GetAsync(Guid id, CancellationToken ct, bool admit = true)
    {
        if (_models.TryGetValue(id, out var cached))
        {
            cached.LastUsed = Interlocked.Increment(ref _uses);
            return cached.Entry;
        }
        if (!admit) return await LoadAsync(id, admit: false, ct);
        // Requests that miss the same model together share one read: after a move under load, each would otherwise
        // read and parse the same blob, and the copies would hold the thread pool up when it matters most.
        var load = new Lazy<Task<Entry?>>(() => LoadAsync(id, admit: true, CancellationToken.None));
        var shared = _loading.GetOrAdd(id, load);
        if (shared == load)
            _ = load.Value.ContinueWith(_ => _loading.TryRemove(KeyValuePair.Create(id, load)), TaskScheduler.Default);
        return await shared.Value.WaitAsync(ct);
    }

    async Task<Entry?> LoadAsync(Guid id, bool admit, CancellationToken ct)
    {
        // An invalidation while this read runs may mean that the read saw the old row: then the entry is answered but
        // not kept, so the cache never holds a value older than the last committed write.
        var generation = Volatile.Read(ref _invalidations);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
        var model = await db.Models.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct);
        if (model is null) return null;
        var entry = new Entry(model, ModelArtifact.FromBytes(model.Artifact));
        model.Artifact = [];  // the parsed artifact is what stays in memory
        metrics.RecordModelLoad(System.Diagnostics.Stopwatch.GetElapsedTime(started));
        if (!admit) return entry;
        lock (_admission)
        {
            if (_invalidations != generation) return entry;
            if (_models.TryGetValue(id, out var cached)) return cached.Entry;
            _models[id] = new Slot(entry, Interlocked.Increment(ref _uses));
            EvictLeastRecentlyUsed();
        }
        return entry;
    }

    void EvictLeastRecentlyUsed()
    {
        while (_models.Count > options.Value.MaxModels)
        {
            var oldest = _models.MinBy(m => m.Value.LastUsed).Key;
            _models.TryRemove(oldest, out _);
        }
    }

    /// <summary>Drops a model; call it after the change to the database is committed.</summary>
    public void Invalidate(Guid id)
    {
        lock (_admission)
        {
            _invalidations++;
            _models.TryRemove(id, out _);
            // A request from now on must not join a read that may have seen the old row.
            _loading.TryRemove(id, out _);
        }
    }

    /// <summary>The models in memory and the revision each was read at, for comparison with the database.</summary>
    public IReadOnlyDictionary<Guid, int> CachedRevisions() => _models.ToDictionary(m => m.Key, m => m.Value.Entry.Model.Revision);
}
