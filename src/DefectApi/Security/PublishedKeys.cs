using System.Collections.Frozen;

namespace DefectApi.Security;

/// <summary>Keys that DefectApi's own documentation and examples have shown in plain text: anyone who has read the
/// repository knows them, so the service refuses to start with any of them configured. Only their SHA-256 is listed
/// here, with where each was shown; a test checks that every key written in the docs and examples is on the list.</summary>
public static class PublishedKeys
{
    static readonly FrozenDictionary<string, string> ByHash = new Dictionary<string, string>
    {
        ["0c640b95ccdcb7690cbcee6dd812be1296d75d6f9d5f80128b8f248814a62766"] =
            "the example admin key that docker/compose.yaml and docker/replicas.env.example once configured",
        ["9344af845c2201cf2421615b6692bf9fd3193a708b247e93f5e15044f9147f5e"] = "the example key of README's \"Security: API keys\"",
        ["0f70dbbe4175927d0c7ff3bdc45622f13e6a5d306248731395a8995974effe25"] = "the placeholder YOUR-KEY of the docs' sha256sum examples",
        ["5ca24005b740717ba4f3f6bc48a230700e68c2a4b11ecedb96f169f4efaf1f21"] = "the placeholder KEY of the docs' sha256sum examples",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public static IEnumerable<string> Hashes => ByHash.Keys;

    /// <summary>Where the key with this hex SHA-256 was published, or null for a key that never was.</summary>
    public static string? WherePublished(string hash) => ByHash.GetValueOrDefault(hash);
}
