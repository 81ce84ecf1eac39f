namespace DefectApi.NeuralNet.Kernels;

// A unit of work split into numbered parts; part p of n must depend only on (p, n), never on timing,
// so it does not matter which thread runs which part.
internal interface IParallelWork
{
    void Execute(int part, int parts);
}

// Persistent workers for one training run. Run publishes a work item; the caller and the workers
// claim its parts one at a time from a shared ticket, so a worker the OS has descheduled (this
// service shares its cores) simply gets fewer parts instead of stalling the step. Workers spin
// briefly between calls (a training step issues products every few microseconds), then sleep on a
// monitor so an idle pool costs no CPU. Nothing is allocated per Run.
internal sealed class WorkerPool : IDisposable
{
    // Roughly 100 µs of spinning before a worker goes to sleep.
    private const int SpinIterations = 20_000;

    private readonly Thread[] workers;
    private readonly object gate = new();
    private IParallelWork? work;
    private int parts;
    private long ticket;   // generation << 32 | next unclaimed part
    private int done;      // parts finished in the current generation
    private int sleepers;
    private volatile bool disposed;
    private Exception? failure;

    public WorkerPool(int threads)
    {
        Threads = Math.Max(1, threads);
        workers = new Thread[Threads - 1];
        for (int i = 0; i < workers.Length; i++)
        {
            workers[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"DefectApi.NeuralNet worker {i + 1}" };
            workers[i].Start();
        }
    }

    public int Threads { get; }
    public GemmWork GemmWork { get; } = new();
    public BackwardWork BackwardWork { get; } = new();

    public void Run(IParallelWork item, int partCount)
    {
        if (partCount <= 1 || workers.Length == 0)
        {
            for (int p = 0; p < partCount; p++) item.Execute(p, partCount);
            return;
        }
        ObjectDisposedException.ThrowIf(disposed, this);
        work = item;
        parts = partCount;
        done = 0;
        long generation = (Volatile.Read(ref ticket) >> 32) + 1;
        Interlocked.Exchange(ref ticket, generation << 32); // full fence: work, parts and done are visible first
        if (Volatile.Read(ref sleepers) > 0)
            lock (gate) Monitor.PulseAll(gate);
        ClaimParts();
        var spinner = new SpinWait();
        while (Volatile.Read(ref done) != partCount) spinner.SpinOnce(sleep1Threshold: -1);
        if (failure is { } e)
        {
            failure = null;
            throw new AggregateException("A worker thread failed.", e);
        }
    }

    private void ClaimParts()
    {
        while (true)
        {
            long t = Volatile.Read(ref ticket);
            int index = (int)(t & 0xFFFFFFFF);
            var item = work;
            int count = parts;
            if (item is null || index >= count) return;
            // A claim succeeds only while the ticket is unchanged, so item and count belong to its generation:
            // the caller cannot publish the next one before every part of this one is claimed and done.
            if (Interlocked.CompareExchange(ref ticket, t + 1, t) != t) continue;
            try
            {
                item.Execute(index, count);
            }
            catch (Exception e)
            {
                failure = e;
            }
            Interlocked.Increment(ref done);
        }
    }

    private void WorkerLoop()
    {
        long seen = 0;
        while (true)
        {
            int spins = 0;
            while (Volatile.Read(ref ticket) >> 32 == seen)
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
                    while (Volatile.Read(ref ticket) >> 32 == seen && !disposed) Monitor.Wait(gate);
                }
                Interlocked.Decrement(ref sleepers);
                spins = 0;
            }
            seen = Volatile.Read(ref ticket) >> 32;
            ClaimParts();
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
