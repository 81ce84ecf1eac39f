namespace DefectApi.NeuralNet.Kernels;

// Placeholder until the persistent worker lands: runs every part on the calling thread.
internal sealed class WorkerPool(int threads) : IDisposable
{
    public int Threads { get; } = Math.Max(1, threads);
    public void Dispose() { }
}
