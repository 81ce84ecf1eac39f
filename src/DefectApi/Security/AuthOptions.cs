using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace DefectApi.Security;

/// <summary>API keys, configured as hashes only: <c>Auth:ApiKeys:0:Hash</c> is the hex SHA-256 of the key. Keys can
/// also be created at run time (<c>POST /api/keys</c>), stored as hashes in the database.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>Whether the service may run open (without keys). Left out: keys are required in every environment but
    /// Development, so a first start with no key configured or stored creates an admin key and prints it once. true:
    /// required in Development too. false: the only way to run open elsewhere; configured or stored keys are still
    /// enforced.</summary>
    public bool? RequireKeys { get; set; }

    public List<ApiKeyEntry> ApiKeys { get; set; } = [];

    public bool KeysRequired(IHostEnvironment environment) => RequireKeys ?? !environment.IsDevelopment();
}

public sealed class ApiKeyEntry
{
    [Required] public string Name { get; set; } = "";
    /// <summary>Hex SHA-256 of the key: <c>printf %s "$KEY" | sha256sum</c>.</summary>
    [Required] public string Hash { get; set; } = "";
    public List<string> Scopes { get; set; } = [];
}

internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var key = options.ApiKeys[i];
            if (string.IsNullOrWhiteSpace(key.Name)) failures.Add($"Auth:ApiKeys:{i}:Name is empty.");
            else if (key.Name.Length > KeyNames.MaxLength) failures.Add($"Auth:ApiKeys:{i}:Name is longer than " +
                $"{KeyNames.MaxLength} characters.");
            else if (KeyNames.IsReserved(key.Name))
                failures.Add($"Auth:ApiKeys:{i}:Name is '{key.Name}', a name the audit trail uses itself " +
                    $"({string.Join(", ", KeyNames.Reserved)}); choose another.");
            if (key.Hash.Length != 64 || !key.Hash.All(Uri.IsHexDigit))
                failures.Add($"Auth:ApiKeys:{i}:Hash must be the 64 hex digits of the key's SHA-256 (printf %s \"$KEY\" | sha256sum).");
            else if (PublishedKeys.WherePublished(key.Hash) is { } where)
                failures.Add($"Auth:ApiKeys:{i}:Hash is the hash of {where}: anyone who has read DefectApi's documentation knows " +
                    "that key. Make a key of your own (openssl rand -hex 32) and configure its SHA-256 instead.");
            foreach (var scope in key.Scopes.Where(s => !Scopes.All.Contains(s)))
                failures.Add($"Auth:ApiKeys:{i}:Scopes has '{scope}'; scopes are {string.Join(", ", Scopes.All)}.");
        }
        foreach (var twice in options.ApiKeys.GroupBy(k => k.Name, StringComparer.Ordinal).Where(g => g.Key.Length > 0 && g.Count() > 1))
            failures.Add($"Auth:ApiKeys names '{twice.Key}' {twice.Count()} times; each key has a name of its own.");
        if (options.ApiKeys.Where(k => k.Hash.Length == 64).GroupBy(k => k.Hash, StringComparer.OrdinalIgnoreCase).Any(g => g.Count() > 1))
            failures.Add("Auth:ApiKeys holds one hash under two names; give each key (and so each hash) one name.");
        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}

public static class Scopes
{
    public const string Predict = "predict";
    public const string Train = "train";
    public const string Admin = "admin";
    /// <summary>Only <c>GET /metrics</c> (with <c>Metrics:RequireKey</c>): a scraper's key that reads no data.</summary>
    public const string Metrics = "metrics";
    public static readonly string[] All = [Predict, Train, Admin, Metrics];
}
