using DefectApi.NeuralNet.Networks;

namespace DefectApi.Tests.Architecture;

/// <summary>The engine's folders depend downward only, by the README's engine-layers table ("How it is built").</summary>
public class EngineArchitectureTests
{
    private static string EngineAssembly => typeof(Network).Assembly.Location;

    [Fact]
    public void Every_engine_folder_uses_only_folders_of_lower_layers()
    {
        var layers = LayerTable.Read("engine-layers", minimumRows: 10);
        var graph = FolderDependencies.Read(EngineAssembly, "DefectApi.NeuralNet");
        LayerTable.AssertDownwardOnly(graph, layers, "engine-layers");
    }

    [Fact]
    public void The_reader_sees_the_engines_known_uses()
    {
        // Guards the guard: known downward uses must be found, or an empty graph would pass the rule above.
        var graph = FolderDependencies.Read(EngineAssembly, "DefectApi.NeuralNet");
        Assert.Contains(("Kernels", "Threading"), graph.Edges.Keys);     // Gemm.MatMul takes a WorkerPool
        Assert.Contains(("Training", "Optimizers"), graph.Edges.Keys);   // TrainerOptions : IOptimizerOptions
        Assert.Contains(("Networks", "Serialization"), graph.Edges.Keys); // Network.ToBytes calls NetworkSerializer
        Assert.Contains(("Layers", "Randomness"), graph.Edges.Keys);     // Dropout draws its mask from Xoshiro256
        Assert.True(graph.Edges.Count > 20, $"only {graph.Edges.Count} folder-to-folder uses found");
    }
}
