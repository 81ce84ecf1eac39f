using System.Text.RegularExpressions;
using DefectApi.Hosting;

namespace DefectApi.Tests.Architecture;

/// <summary>The web host's folders depend downward only, by the layer table in the README ("How it is built"): the
/// table is the rule, so the map a newcomer reads is the one the build keeps.</summary>
public partial class ArchitectureTests
{
    [Fact]
    public void Every_folder_uses_only_folders_of_lower_layers()
    {
        var layers = ReadmeLayers();
        var graph = FolderDependencies.Read(typeof(DefectApiSetup).Assembly.Location, "DefectApi");

        var unplaced = graph.Edges.Keys.SelectMany(e => new[] { e.From, e.To }).Distinct()
            .Where(f => f != "(root)" && !layers.ContainsKey(f)).Order().ToList();
        Assert.True(unplaced.Count == 0,
            $"Folders missing from the README's layer table: {string.Join(", ", unplaced)}. Give each a layer and a line on what it holds.");

        var upward = graph.Edges
            .Where(e => Layer(layers, e.Key.To) >= Layer(layers, e.Key.From))
            .OrderBy(e => e.Key.From).ThenBy(e => e.Key.To)
            .Select(e => $"{e.Key.From} (layer {Layer(layers, e.Key.From)}) uses {e.Key.To} (layer {Layer(layers, e.Key.To)}): " +
                string.Join("; ", e.Value.Take(3)))
            .ToList();
        Assert.True(upward.Count == 0,
            "A folder may use only folders of lower layers (README, \"How it is built\"). Move the type down, or let the lower " +
            "folder own an interface that the higher one implements:\n" + string.Join("\n", upward));
    }

    [Fact]
    public void The_reader_sees_uses_in_signatures_and_in_method_bodies()
    {
        // Guards the guard: known downward uses must be found, or an empty graph would pass the rule above.
        var graph = FolderDependencies.Read(typeof(DefectApiSetup).Assembly.Location, "DefectApi");
        Assert.Contains(("Monitoring", "Predictions"), graph.Edges.Keys);  // PredictionLog implements IPredictionSink
        Assert.Contains(("Hosting", "Registry"), graph.Edges.Keys);       // ModelCache resolved in a method body
        Assert.Contains(("Training", "Datasets"), graph.Edges.Keys);      // TrainingJobDatasetUsers : IDatasetUsers
        Assert.True(graph.Edges.Count > 40, $"only {graph.Edges.Count} folder-to-folder uses found");
    }

    static int Layer(IReadOnlyDictionary<string, int> layers, string folder) =>
        folder == "(root)" ? int.MaxValue : layers[folder];

    /// <summary>Folder → layer from the rows between the README's folder-layers markers: "| 3 | `Audit/` | … |".</summary>
    static Dictionary<string, int> ReadmeLayers()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        int begin = readme.IndexOf("<!-- folder-layers: begin -->", StringComparison.Ordinal);
        int end = readme.IndexOf("<!-- folder-layers: end -->", StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, "README.md has lost its folder-layers markers around the layer table.");
        var layers = LayerRow().Matches(readme[begin..end])
            .ToDictionary(m => m.Groups["folder"].Value, m => int.Parse(m.Groups["layer"].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(layers.Count >= 10, $"README.md's layer table has only {layers.Count} rows.");
        return layers;
    }

    static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "DefectApi.sln"))) return folder.FullName;
        throw new FileNotFoundException("DefectApi.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^\|\s*(?<layer>\d+)\s*\|\s*`(?<folder>\w+)/`", RegexOptions.Multiline)]
    private static partial Regex LayerRow();
}
