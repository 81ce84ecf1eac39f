using System.Security.Cryptography;
using Microsoft.AspNetCore.Mvc.Testing;

namespace DefectApi.Tests.Infrastructure;

/// <summary>API keys as an operator configures them and as a caller sends them.</summary>
public static class ApiKeys
{
    /// <summary>The settings for one key: its name, the hex SHA-256 of the key (as <c>printf %s KEY | sha256sum</c>
    /// prints it) and one scope.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Configure(int index, string name, string key, string scope) =>
    [
        new($"Auth:ApiKeys:{index}:Name", name),
        new($"Auth:ApiKeys:{index}:Hash", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))),
        new($"Auth:ApiKeys:{index}:Scopes:0", scope),
    ];

    /// <summary>A client that sends <paramref name="key"/> in X-Api-Key, or no key when it is null.</summary>
    public static HttpClient CreateClient(this WebApplicationFactory<Program> factory, string? key)
    {
        var client = factory.CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }
}
