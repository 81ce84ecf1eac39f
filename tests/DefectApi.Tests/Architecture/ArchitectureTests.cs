using DefectApi.Hosting;

namespace DefectApi.Tests.Architecture;

/// <summary>The web host's folders depend downward only, by the README's folder-layers table ("How it is built").</summary>
public class ArchitectureTests
{
    [Fact]
    public void Every_folder_uses_only_folders_of_lower_layers()
    {
        var layers = LayerTable.Read("folder-layers", minimumRows: 10);
        var graph = FolderDependencies.Read(typeof(DefectApiSetup).Assembly.Location, "DefectApi");
        LayerTable.AssertDownwardOnly(graph, layers, "folder-layers");
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
}
