using System.Text.RegularExpressions;
using DefectApi.Security;

namespace DefectApi.Tests.Security;

/// <summary>The repository's docs and examples hold no usable key: no key beside its hash, and every key they show in
/// plain text is one that the service refuses to start with (PublishedKeys).</summary>
public sealed partial class PublishedKeysTests
{
    static readonly string Root = Path.GetFullPath(Path.Combine(ServiceProcess.AppFolder(), "..", "..", "..", "..", ".."));

    /// <summary>What an operator reads and copies from: the README, the container files, the samples' notes, the
    /// configuration file, the dashboard and the CI script.</summary>
    static IEnumerable<(string Path, string Text)> DocsAndExamples()
    {
        string[] files = ["README.md", "Dockerfile", "appsettings.json", ".ci/run"];
        var folders = new[] { "docker", "samples", "src/DefectApi/wwwroot" }
            .SelectMany(f => Directory.EnumerateFiles(Path.Combine(Root, f), "*", SearchOption.AllDirectories))
            .Where(f => !f.EndsWith(".csv", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Root, f));
        foreach (var file in files.Concat(folders))
        {
            var path = Path.Combine(Root, file);
            if (File.Exists(path)) yield return (file, File.ReadAllText(path));
        }
    }

    [GeneratedRegex(@"\b[0-9a-fA-F]{64}\b")]
    private static partial Regex HexHash();

    [GeneratedRegex(@"[^\s'""`=:,;(){}\[\]<>|]{4,}")]
    private static partial Regex Word();

    /// <summary>A key as the docs show it being sent or hashed: X-Api-Key: KEY, printf %s KEY.</summary>
    [GeneratedRegex(@"(?:X-Api-Key:\s*|printf %s\s+)['""]?(?<key>[^\s'""|)]+)")]
    private static partial Regex ShownKey();

    [Fact]
    public void NoDocOrExampleHoldsAKeyBesideItsHash()
    {
        var docs = DocsAndExamples().ToList();
        Assert.Contains(docs, d => d.Path == "README.md");
        var hashes = docs.SelectMany(d => HexHash().Matches(d.Text).Select(m => m.Value.ToLowerInvariant()))
            .Where(h => PublishedKeys.WherePublished(h) is null).ToHashSet();
        var words = docs.SelectMany(d => Word().Matches(d.Text).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);

        var usable = words.Where(w => hashes.Contains(KeyHash.HexOf(w))).ToList();

        Assert.True(usable.Count == 0, $"keys written beside their hash: {string.Join(", ", usable)}");
    }

    [Fact]
    public void EveryKeyTheDocsShowIsOneTheServiceRefuses()
    {
        var shown = DocsAndExamples()
            .SelectMany(d => ShownKey().Matches(d.Text).Select(m => (d.Path, Key: m.Groups["key"].Value)))
            // A shell variable ($KEY, "$ADMIN_KEY") or an ellipsis stands for the reader's own key.
            .Where(s => !s.Key.StartsWith('$') && s.Key != "…")
            .ToList();

        var usable = shown.Where(s => PublishedKeys.WherePublished(KeyHash.HexOf(s.Key)) is null).ToList();

        Assert.True(usable.Count == 0, "keys shown in plain text that the service would accept: " +
            string.Join(", ", usable.Select(u => $"'{u.Key}' in {u.Path}")) + ". Add their SHA-256 to Security/PublishedKeys.cs, or " +
            "write a $VARIABLE.");
    }
}
