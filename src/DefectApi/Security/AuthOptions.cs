using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace DefectApi.Security;

/// <summary>API keys, configured as hashes only: <c>Auth:ApiKeys:0:Hash</c> is the hex SHA-256 of the key.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>Refuse to start without keys, so a misconfigured production deployment never runs open.</summary>
    public bool RequireKeys { get; set; }

    public List<ApiKeyEntry> ApiKeys { get; set; } = [];

    public bool IsOpen => ApiKeys.Count == 0;
}

public sealed class ApiKeyEntry
{
    [Required] public string Name { get; set; } = "";
    /// <summary>Hex SHA-256 of the key: <c>printf %s KEY | sha256sum</c>.</summary>
    [Required] public string Hash { get; set; } = "";
    public List<string> Scopes { get; set; } = [];
}

internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (options.RequireKeys && options.IsOpen)
            failures.Add("Auth:RequireKeys is true but no Auth:ApiKeys are configured. Add at least one key (Name, Hash, Scopes) or set RequireKeys to false.");
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var key = options.ApiKeys[i];
            if (string.IsNullOrWhiteSpace(key.Name)) failures.Add($"Auth:ApiKeys:{i}:Name is empty.");
            if (key.Hash.Length != 64 || !key.Hash.All(Uri.IsHexDigit))
                failures.Add($"Auth:ApiKeys:{i}:Hash must be the 64 hex digits of the key's SHA-256 (printf %s KEY | sha256sum).");
            foreach (var scope in key.Scopes.Where(s => !Scopes.All.Contains(s)))
                failures.Add($"Auth:ApiKeys:{i}:Scopes has '{scope}'; scopes are {string.Join(", ", Scopes.All)}.");
        }
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
