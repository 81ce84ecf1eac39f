namespace DefectApi.Data;

/// <summary>An API key created through <c>POST /api/keys</c> (or at the first start): only the hex SHA-256 of the key is
/// stored, so a copy of the database gives no one a usable key.</summary>
public sealed class StoredApiKey
{
    public required string Name { get; set; }
    /// <summary>Lower-case hex SHA-256 of the key, as configured keys give theirs.</summary>
    public required string Hash { get; set; }
    public List<string> Scopes { get; set; } = [];
    public DateTime CreatedAt { get; set; }
}

/// <summary>When a key (from the database or the configuration) was last used, as the replicas last wrote it: kept
/// apart from the keys so that configured keys have one too, and written in batches, never per request.</summary>
public sealed class ApiKeyUse
{
    public required string Name { get; set; }
    public DateTime LastUsedAt { get; set; }
}
