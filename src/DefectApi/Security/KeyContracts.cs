namespace DefectApi.Security;

/// <param name="Name">how the key is shown in lists and in the audit trail of the changes made with it, e.g. "mes-line3":
/// 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit</param>
/// <param name="Scopes">what the key may do: predict, train, admin, metrics (at least one)</param>
public sealed record KeyRequest(string? Name, IReadOnlyList<string>? Scopes);

/// <param name="Key">the key itself, shown this once: only its SHA-256 is stored. Send it in the X-Api-Key header.</param>
public sealed record CreatedKey(string Name, IReadOnlyList<string> Scopes, string Key);

/// <param name="CreatedAt">when it was created; null for a configured key</param>
/// <param name="LastUsedAt">when a call last used it (written every few seconds); null if never</param>
/// <param name="Source">database: created with POST /api/keys and revoked with DELETE; configuration: from Auth:ApiKeys</param>
public sealed record KeySummary(string Name, IReadOnlyList<string> Scopes, DateTime? CreatedAt, DateTime? LastUsedAt, KeySource Source);

public sealed record KeyList(IReadOnlyList<KeySummary> Items);
