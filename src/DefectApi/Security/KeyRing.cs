using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using DefectApi.Data;
using Microsoft.Extensions.Options;

namespace DefectApi.Security;

public enum KeySource { Database, Configuration }

/// <summary>One key the service accepts: its name, scopes and where it comes from, the principal its calls run as
/// (built once, not per request), and the last time this replica saw it used.</summary>
public sealed class AcceptedKey
{
    long _lastUsedTicks;

    public AcceptedKey(string name, string hash, IReadOnlyList<string> scopes, KeySource source, DateTime? createdAt)
    {
        Name = name;
        Hash = hash;
        Scopes = scopes;
        Source = source;
        CreatedAt = createdAt;
        Principal = ApiKeyAuthenticationHandler.PrincipalFor(name, scopes);
    }

    public string Name { get; }
    public string Hash { get; }
    public IReadOnlyList<string> Scopes { get; }
    public KeySource Source { get; }
    public DateTime? CreatedAt { get; }
    public ClaimsPrincipal Principal { get; }

    /// <summary>Called on every authenticated request: writes only when a second has passed since the last write, so that
    /// callers of one key on many cores do not keep taking its cache line from each other.</summary>
    public void MarkUsed(long utcTicks)
    {
        if (utcTicks - Volatile.Read(ref _lastUsedTicks) >= TimeSpan.TicksPerSecond) Volatile.Write(ref _lastUsedTicks, utcTicks);
    }

    public DateTime? LastUsed => Volatile.Read(ref _lastUsedTicks) is var ticks and > 0 ? new DateTime(ticks, DateTimeKind.Utc) : null;
}

/// <summary>The keys this replica accepts, in memory: the configured ones and those stored in the database, the latter
/// kept in step by the change feed (Replicas/ChangeFeed.cs). Authentication is one dictionary lookup on an immutable
/// snapshot; changes build a new snapshot under a lock.</summary>
public sealed class KeyRing
{
    sealed record Snapshot(FrozenDictionary<KeyHash, AcceptedKey> ByHash, IReadOnlyList<AcceptedKey> Keys, bool Open);

    readonly Lock _lock = new();
    readonly IReadOnlyList<AcceptedKey> _configured;
    volatile Snapshot _current;
    int _version;
    bool _loaded;

    public KeyRing(IOptions<AuthOptions> options, IHostEnvironment environment)
    {
        Required = options.Value.KeysRequired(environment);
        _configured = options.Value.ApiKeys
            .Select(k => new AcceptedKey(k.Name, k.Hash.ToLowerInvariant(), k.Scopes.ToArray(), KeySource.Configuration, null)).ToArray();
        // Closed until the stored keys are read at start (KeyRingStartup): no request is ever let in for want of them.
        _current = Build(_configured, open: false);
    }

    /// <summary>Whether the service may not run open: Auth:RequireKeys, or by default every environment but Development.</summary>
    public bool Required { get; }

    /// <summary>No key is configured or stored and none is required: every caller gets every scope.</summary>
    public bool IsOpen => _current.Open;

    public IReadOnlyList<AcceptedKey> Keys => _current.Keys;

    /// <summary>Goes up with each change this replica makes, so that a read of the database that began before it does not
    /// undo it (see <see cref="ReplaceStored"/>).</summary>
    public int Version => Volatile.Read(ref _version);

    public bool TryFind(KeyHash hash, [MaybeNullWhen(false)] out AcceptedKey key) => _current.ByHash.TryGetValue(hash, out key);

    public AcceptedKey? Named(string name) => _current.Keys.FirstOrDefault(k => k.Name == name);

    /// <summary>Takes the database's keys as read, unless this replica added or revoked a key since the read began: the
    /// read may predate that change, and the next one brings it. Keys that stay keep their object, and so their use.</summary>
    public bool ReplaceStored(IReadOnlyCollection<StoredApiKey> stored, int versionBeforeRead)
    {
        lock (_lock)
        {
            if (_version != versionBeforeRead) return false;
            var current = DatabaseKeys().ToDictionary(k => k.Name);
            if (_loaded && current.Count == stored.Count
                && stored.All(s => current.TryGetValue(s.Name, out var k) && k.Hash == s.Hash)) return false;
            _loaded = true;
            Publish(stored.Select(s => current.TryGetValue(s.Name, out var kept) && kept.Hash == s.Hash
                ? kept : new AcceptedKey(s.Name, s.Hash, s.Scopes.ToArray(), KeySource.Database, s.CreatedAt)).ToList());
            return true;
        }
    }

    public void Added(StoredApiKey key)
    {
        lock (_lock)
        {
            _version++;
            var database = DatabaseKeys().Where(k => k.Name != key.Name).Append(
                new AcceptedKey(key.Name, key.Hash, key.Scopes.ToArray(), KeySource.Database, key.CreatedAt)).ToList();
            Publish(database);
        }
    }

    public void Revoked(string name)
    {
        lock (_lock)
        {
            _version++;
            Publish(DatabaseKeys().Where(k => k.Name != name).ToList());
        }
    }

    IEnumerable<AcceptedKey> DatabaseKeys() => _current.Keys.Where(k => k.Source == KeySource.Database);

    bool ShouldBeOpen(int storedCount) => !Required && _configured.Count == 0 && storedCount == 0;

    void Publish(List<AcceptedKey> database) =>
        _current = Build(_configured.Concat(database).OrderBy(k => k.Name, StringComparer.Ordinal).ToArray(), ShouldBeOpen(database.Count));

    static Snapshot Build(IReadOnlyList<AcceptedKey> keys, bool open) =>
        new(keys.ToFrozenDictionary(k => KeyHash.FromHex(k.Hash)), keys, open);
}
