namespace DefectApi.NeuralNet.Kernels;

// A unit of work split into numbered parts; part p of n must depend only on (p, n), never on timing.
internal interface IParallelWork
{
    void Execute(int part, int parts);
}

// Persistent workers for one training run: Run hands part 0 to the caller and parts 1..n-1 to the
// workers, then waits. Workers spin briefly between calls (a training step issues products every few
// microseconds) and then sleep on a monitor so an idle pool costs no CPU. Nothing is allocated per Run.
internal sealed class WorkerPool : IDisposable
{
    // Roughly 50–100 µs of spinning before a worker goes to sleep.
    private const int SpinIterations = 20_000;

    private readonly Thread[] workers;
    private readonly object gate = new();
    private IParallelWork? work;
    private int parts;
    private int generation;
    private int pending;
    private int sleepers;
    private volatile bool disposed;
    private Exception? failure;

    public WorkerPool(int threads)
    {
        Threads = Math.Max(1, threads);
        workers = new Thread[Threads - 1];
        for (int i = 0; i < workers.Length; i++)
        {
            int part = i + 1;
            workers[i] = new Thread(() => WorkerLoop(part)) { IsBackground = true, Name = $"DefectApi.NeuralNet worker {part}" };
            workers[i].Start();
        }
    }

    public int Threads { get; }
    public GemmWork GemmWork { get; } = new();

    public void Run(IParallelWork item, int partCount)
    {
        partCount = Math.Min(partCount, Threads);
        if (partCount <= 1)
        {
            item.Execute(0, 1);
            return;
        }
        ObjectDisposedException.ThrowIf(disposed, this);
        work = item;
        parts = partCount;
        Volatile.Write(ref pending, workers.Length);
        Interlocked.Increment(ref generation); // full fence: publishes work/parts before workers see the new generation
        if (Volatile.Read(ref sleepers) > 0)
            lock (gate) Monitor.PulseAll(gate);
        item.Execute(0, partCount);
        var spinner = new SpinWait();
        while (Volatile.Read(ref pending) != 0) spinner.SpinOnce(sleep1Threshold: -1);
        if (failure is { } e)
        {
            failure = null;
            throw new AggregateException("A worker thread failed.", e);
        }
    }

    private void WorkerLoop(int part)
    {
        int seen = 0;
        while (true)
        {
            int spins = 0;
            while (Volatile.Read(ref generation) == seen)
            {
                if (disposed) return;
                if (++spins < SpinIterations)
                {
                    Thread.SpinWait(4);
                    continue;
                }
                // Dekker-style handshake: announce the sleep with a full fence, then re-check under the lock.
                Interlocked.Increment(ref sleepers);
                lock (gate)
                {
                    while (Volatile.Read(ref generation) == seen && !disposed) Monitor.Wait(gate);
                }
                Interlocked.Decrement(ref sleepers);
                spins = 0;
            }
            seen = Volatile.Read(ref generation);
            try
            {
                if (part < parts) work!.Execute(part, parts);
            }
            catch (Exception e)
            {
                failure = e;
            }
            Interlocked.Decrement(ref pending);
        }
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        lock (gate) Monitor.PulseAll(gate);
        foreach (var w in workers) w.Join();
    }
}
