using System.Security.Cryptography;
using System.Text;

namespace DefectApi.Dashboard.Tests.Infrastructure;

/// <summary>A service that asks for an API key: one admin key, configured as operators do, by its SHA-256.</summary>
public sealed class KeyedServiceHost() : ServiceHost(new Dictionary<string, string>
{
    ["Auth__ApiKeys__0__Name"] = "dashboard",
    ["Auth__ApiKeys__0__Hash"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Key))),
    ["Auth__ApiKeys__0__Scopes__0"] = "admin",
})
{
    public const string Key = "dashboard-test-key";
}
