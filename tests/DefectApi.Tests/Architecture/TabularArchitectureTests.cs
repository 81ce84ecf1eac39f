using DefectApi.Tabular;

namespace DefectApi.Tests.Architecture;

/// <summary>The tabular project's folders depend downward only, by the README's tabular-layers table, and none uses the
/// model artifact above them ("How it is built").</summary>
public class TabularArchitectureTests
{
    static FolderDependencies Graph() => FolderDependencies.Read(typeof(ModelArtifact).Assembly.Location, "DefectApi.Tabular");

    [Fact]
    public void Every_tabular_folder_uses_only_folders_of_lower_layers()
    {
        var layers = LayerTable.Read("tabular-layers", minimumRows: 10);
        LayerTable.AssertDownwardOnly(Graph(), layers, "tabular-layers");
    }

    [Fact]
    public void The_reader_sees_the_tabular_folders_uses()
    {
        // Guards the guard: known uses must be found, or an empty graph would pass the rule above.
        var graph = Graph();
        Assert.Contains(("(root)", "Inference"), graph.Edges.Keys);        // ModelArtifact holds its Scorer
        Assert.Contains(("Inference", "Features"), graph.Edges.Keys);      // the ensemble encodes with the pipeline
        Assert.Contains(("Monitoring", "Inference"), graph.Edges.Keys);    // DriftAccumulator.AddRecords(RecordBatch)
        Assert.Contains(("Features", "Frames"), graph.Edges.Keys);         // encoders read CellValue
        Assert.True(graph.Edges.Count > 30, $"only {graph.Edges.Count} folder-to-folder uses found");
    }
}
