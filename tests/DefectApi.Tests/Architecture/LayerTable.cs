using System.Globalization;
using System.Text.RegularExpressions;

namespace DefectApi.Tests.Architecture;

/// <summary>
/// A project's folder layers, read from the README table between "&lt;!-- {marker}: begin --&gt;" and its end marker,
/// rows like "| 3 | `Audit/` | … |". The table is the rule, so the map a newcomer reads is the one the build keeps.
/// </summary>
public static partial class LayerTable
{
    public static IReadOnlyDictionary<string, int> Read(string marker, int minimumRows)
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        int begin = readme.IndexOf($"<!-- {marker}: begin -->", StringComparison.Ordinal);
        int end = readme.IndexOf($"<!-- {marker}: end -->", StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"README.md has lost its {marker} markers around the layer table.");
        var layers = LayerRow().Matches(readme[begin..end]).ToDictionary(
            m => m.Groups["folder"].Value,
            m => int.Parse(m.Groups["layer"].Value, CultureInfo.InvariantCulture));
        Assert.True(layers.Count >= minimumRows, $"README.md's {marker} table has only {layers.Count} rows.");
        return layers;
    }

    /// <summary>Fails on a folder the table lacks, and on any use of a folder that is not in a lower layer. Types in
    /// the project's root namespace, "(root)", sit above every folder: they may use any folder, and none may use them.</summary>
    public static void AssertDownwardOnly(FolderDependencies graph, IReadOnlyDictionary<string, int> layers, string marker)
    {
        var unplaced = graph.Edges.Keys.SelectMany(e => new[] { e.From, e.To }).Distinct()
            .Where(f => f != "(root)" && !layers.ContainsKey(f)).Order().ToList();
        Assert.True(unplaced.Count == 0,
            $"Folders missing from the README's {marker} table: {string.Join(", ", unplaced)}. " +
            "Give each a layer and a line on what it holds.");

        int Layer(string folder) => folder == "(root)" ? int.MaxValue : layers[folder];
        var upward = graph.Edges
            .Where(e => Layer(e.Key.To) >= Layer(e.Key.From))
            .OrderBy(e => e.Key.From).ThenBy(e => e.Key.To)
            .Select(e => $"{e.Key.From} (layer {Layer(e.Key.From)}) uses {e.Key.To} (layer {Layer(e.Key.To)}): " +
                string.Join("; ", e.Value.Take(3)))
            .ToList();
        Assert.True(upward.Count == 0,
            $"A folder may use only folders of lower layers (README, {marker} table). Move the type down, or let the " +
            "lower folder own an interface that the higher one implements:\n" + string.Join("\n", upward));
    }

    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "DefectApi.sln"))) return folder.FullName;
        throw new FileNotFoundException("DefectApi.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^\|\s*(?<layer>\d+)\s*\|\s*`(?<folder>\w+)/`", RegexOptions.Multiline)]
    private static partial Regex LayerRow();
}
