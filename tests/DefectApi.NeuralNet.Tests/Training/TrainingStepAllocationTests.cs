using DefectApi.NeuralNet.Optimizers;
using DefectApi.NeuralNet.Randomness;

namespace DefectApi.NeuralNet.Tests.Training;

public class TrainingStepAllocationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void TrainingStepAllocatesNothingAfterWarmUp(int threads)
    {
        var spec = Data.Spec(64, (256, Activation.Relu), (64, Activation.Tanh), (1, Activation.Linear)) with { Dropout = 0.1f };
        var network = Network.Create(spec, 1);
        var set = new TrainingSet(Data.Uniform(64 * 64, 1), Data.Uniform(64, 2), 64, 64, Data.Uniform(64, 3).Select(v => v + 1f).ToArray());
        var options = new TrainerOptions { Optimizer = OptimizerKind.AdamW, GradientClipNorm = 1f, Threads = threads };
        using var ws = new Workspace(network, 64, 1, threads);
        var optimizer = new Optimizer(options, network.Parameters.Length, ws.Pool);
        var rng = new Xoshiro256(1);
        var rows = Enumerable.Range(0, 64).ToArray();
        for (int i = 0; i < 20; i++) Trainer.Step(network, set, rows, ws, LossKind.MeanSquaredError, optimizer, 1e-3f, ref rng);
        long beforeWorkers = ws.Pool?.WorkerAllocatedBytes ?? 0, beforeThread = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++) Trainer.Step(network, set, rows, ws, LossKind.MeanSquaredError, optimizer, 1e-3f, ref rng);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - beforeThread);
        Assert.Equal(0, (ws.Pool?.WorkerAllocatedBytes ?? 0) - beforeWorkers);
    }
}
