using System.Text.Json.Nodes;

namespace DefectApi.Tests.OpenApi;

/// <summary>The served document equals the snapshot committed beside this file. Refactors that should leave the
/// contract alone (issue 29) run against it, so any change of an operation or a schema fails here; a deliberate change
/// is made by regenerating the snapshot and committing it with the change that explains it.</summary>
public sealed class OpenApiSnapshotTests(ServedDocument served) : IClassFixture<ServedDocument>
{
    const string UpdateVariable = "UPDATE_OPENAPI_SNAPSHOT";
    static readonly string SnapshotPath = Repository.PathOf("tests", "DefectApi.Tests", "OpenApi", "openapi-v1.snapshot.json");

    [Fact]
    public void TheServedDocumentMatchesTheCommittedSnapshot()
    {
        var actual = Normalised(served.Text);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(SnapshotPath, actual);
            return;
        }
        Assert.True(File.Exists(SnapshotPath), $"No snapshot at {SnapshotPath}: {HowToRegenerate}.");
        var expected = File.ReadAllText(SnapshotPath);
        if (actual == expected) return;
        var where = FirstDifference(JsonNode.Parse(expected), JsonNode.Parse(actual), "") ?? "(formatting only)";
        Assert.Fail($"/openapi/v1.json differs from the snapshot first at '{where}'. If the contract was meant to change, " +
            $"{HowToRegenerate} and commit the snapshot with the change.");
    }

    [Fact]
    public void NormalisingIgnoresTheOrderOfMembersButNotOfArrays()
    {
        Assert.Equal(Normalised("""{"b":1,"a":{"d":[2,1],"c":0}}"""), Normalised("""{"a":{"c":0,"d":[2,1]},"b":1}"""));
        Assert.NotEqual(Normalised("""{"enum":["a","b"]}"""), Normalised("""{"enum":["b","a"]}"""));
        Assert.Equal("/a/d/1", FirstDifference(JsonNode.Parse("""{"a":{"d":[2,1]}}"""), JsonNode.Parse("""{"a":{"d":[2,3]}}"""), ""));
        Assert.Equal("/paths/~1x", FirstDifference(JsonNode.Parse("""{"paths":{}}"""), JsonNode.Parse("""{"paths":{"/x":1}}"""), ""));
    }

    static string HowToRegenerate =>
        $"regenerate it deliberately with {UpdateVariable}=1 dotnet test tests/DefectApi.Tests --filter {nameof(OpenApiSnapshotTests)}";

    /// <summary>Members sorted by name at every depth, so that the generator's member order is no difference; arrays
    /// keep their order, which means something (enum values, parameters).</summary>
    static string Normalised(string json) =>
        Sorted(JsonNode.Parse(json))!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }).ReplaceLineEndings("\n") + "\n";

    static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject members => new JsonObject(members.OrderBy(m => m.Key, StringComparer.Ordinal)
            .Select(m => KeyValuePair.Create(m.Key, Sorted(m.Value)))),
        JsonArray items => new JsonArray(items.Select(Sorted).ToArray()),
        _ => node?.DeepClone(),
    };

    /// <summary>The JSON pointer of the first place, in sorted member order, where the two documents differ.</summary>
    static string? FirstDifference(JsonNode? expected, JsonNode? actual, string path)
    {
        switch (expected, actual)
        {
            case (JsonObject was, JsonObject now):
                foreach (var key in was.Select(m => m.Key).Union(now.Select(m => m.Key)).Order(StringComparer.Ordinal))
                {
                    var at = $"{path}/{key.Replace("~", "~0").Replace("/", "~1")}";
                    if (!was.ContainsKey(key) || !now.ContainsKey(key)) return at;
                    if (FirstDifference(was[key], now[key], at) is { } inner) return inner;
                }
                return null;
            case (JsonArray was, JsonArray now):
                for (int i = 0; i < Math.Max(was.Count, now.Count); i++)
                {
                    if (i >= was.Count || i >= now.Count) return $"{path}/{i}";
                    if (FirstDifference(was[i], now[i], $"{path}/{i}") is { } inner) return inner;
                }
                return null;
            default:
                return JsonNode.DeepEquals(expected, actual) ? null : path == "" ? "/" : path;
        }
    }
}
