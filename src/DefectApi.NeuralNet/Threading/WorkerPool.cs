using System.Diagnostics;

namespace DefectApi.NeuralNet.Threading;

// A unit of work split into numbered parts; part p of n must depend only on (p, n), never on timing,
// so it does not matter which thread runs which part.
internal interface IParallelWork
{
    void Execute(int part, int parts);
}

// A job value that knows how to run part p of n, for PooledWork below.
internal interface IPartitionedJob
{
    void RunPart(int part, int parts);
}

// A reusable work item holding a job value, so dispatching a job to the pool allocates nothing.
internal sealed class PooledWork<TJob> : IParallelWork where TJob : struct, IPartitionedJob
{
    private TJob _job;

    public PooledWork<TJob> Set(TJob value)
    {
        _job = value;
        return this;
    }

    public void Execute(int part, int parts) => _job.RunPart(part, parts);
}

// Persistent workers for one training run. Run publishes a work item; the caller and the workers
// claim its parts one at a time from a shared ticket, so a worker the OS has descheduled (this
// service shares its cores) simply gets fewer parts instead of stalling the step. Workers spin
// briefly between calls (a training step issues products every few microseconds), then sleep on a
// monitor so an idle pool costs no CPU. Nothing is allocated per Run.
internal sealed class WorkerPool : IDisposable
{
    // How long an idle worker keeps polling before it sleeps. A training step's products are microseconds
    // apart, so this only expires between runs; polling through SpinWait yields the core after its first
    // rounds, so a waiting worker gives way to whatever else is runnable (this service shares its cores).
    // A round budget instead of a clock proved far too short: yielding rounds take ~0.1 µs on an idle core.
    private static readonly long SpinTicks = Stopwatch.Frequency / 50; // 20 ms

    private readonly Thread[] _workers;
    private readonly long[] _workerAllocations; // each worker's GC.GetAllocatedBytesForCurrentThread after its last parts
    private readonly object _gate = new();
    private IParallelWork? _work;
    private int _parts;
    private long _ticket;   // generation << 32 | next unclaimed part
    private int _done;      // parts finished in the current generation
    private int _sleepers;
    private volatile bool _disposed;
    private Exception? _failure;

    public WorkerPool(int threads)
    {
        Threads = Math.Max(1, threads);
        _workers = new Thread[Threads - 1];
        _workerAllocations = new long[_workers.Length];
        for (int i = 0; i < _workers.Length; i++)
        {
            int index = i;
            _workers[i] = new Thread(() => WorkerLoop(index)) { IsBackground = true, Name = $"DefectApi.NeuralNet worker {i + 1}" };
            _workers[i].Start();
        }
    }

    public int Threads { get; }

    /// <summary>When set, Run executes every part on the calling thread (the parts, and so the results, are the same),
    /// and idle workers go to sleep: for when the other threads cost more than they give (see PoolChooser).</summary>
    public bool Serial { get; set; }

    // What the pool's users keep with it, one object of each type: the kernels' reusable work items and per-part
    // packing buffers, so a pooled call allocates nothing after its first and the pool need not know the kernels.
    // Only the thread that calls Run asks for it, so it needs no lock.
    private object?[] _state = [];
    private static int _stateTypes;

    public T State<T>(Func<WorkerPool, T> create) where T : class
    {
        int slot = StateSlot<T>.Index;
        if (slot < _state.Length && _state[slot] is T existing) return existing;
        if (slot >= _state.Length) Array.Resize(ref _state, slot + 1);
        var made = create(this);
        _state[slot] = made;
        return made;
    }

    private static class StateSlot<T>
    {
        public static readonly int Index = Interlocked.Increment(ref _stateTypes) - 1;
    }

    // Bytes the workers have allocated so far, for tests and benchmarks proving a step allocates nothing
    // (process-wide counters also see the test host's own threads).
    public long WorkerAllocatedBytes
    {
        get
        {
            long sum = 0;
            for (int i = 0; i < _workerAllocations.Length; i++) sum += Volatile.Read(ref _workerAllocations[i]);
            return sum;
        }
    }

    public void Run(IParallelWork item, int partCount)
    {
        if (partCount <= 1 || _workers.Length == 0 || Serial)
        {
            for (int p = 0; p < partCount; p++) item.Execute(p, partCount);
            return;
        }
        ObjectDisposedException.ThrowIf(_disposed, this);
        _work = item;
        _parts = partCount;
        _done = 0;
        long generation = (Volatile.Read(ref _ticket) >> 32) + 1;
        Interlocked.Exchange(ref _ticket, generation << 32); // full fence: work, parts and done are visible first
        if (Volatile.Read(ref _sleepers) > 0)
            lock (_gate) Monitor.PulseAll(_gate);
        ClaimParts();
        var spinner = new SpinWait();
        while (Volatile.Read(ref _done) != partCount) spinner.SpinOnce(sleep1Threshold: -1);
        if (_failure is { } e)
        {
            _failure = null;
            throw new AggregateException("A worker thread failed.", e);
        }
    }

    private void ClaimParts()
    {
        while (true)
        {
            long t = Volatile.Read(ref _ticket);
            int index = (int)(t & 0xFFFFFFFF);
            var item = _work;
            int count = _parts;
            if (item is null || index >= count) return;
            // A claim succeeds only while the ticket is unchanged, so item and count belong to its generation:
            // the caller cannot publish the next one before every part of this one is claimed and done.
            if (Interlocked.CompareExchange(ref _ticket, t + 1, t) != t) continue;
            try
            {
                item.Execute(index, count);
            }
            catch (Exception e)
            {
                _failure = e;
            }
            Interlocked.Increment(ref _done);
        }
    }

    private void WorkerLoop(int index)
    {
        long seen = 0;
        while (true)
        {
            var spinner = new SpinWait();
            long sleepAt = Stopwatch.GetTimestamp() + SpinTicks;
            while (Volatile.Read(ref _ticket) >> 32 == seen)
            {
                if (_disposed) return;
                if (Stopwatch.GetTimestamp() < sleepAt)
                {
                    spinner.SpinOnce(sleep1Threshold: -1);
                    continue;
                }
                // Dekker-style handshake: announce the sleep with a full fence, then re-check under the lock.
                Interlocked.Increment(ref _sleepers);
                lock (_gate)
                {
                    while (Volatile.Read(ref _ticket) >> 32 == seen && !_disposed) Monitor.Wait(_gate);
                }
                Interlocked.Decrement(ref _sleepers);
                spinner.Reset();
                sleepAt = Stopwatch.GetTimestamp() + SpinTicks;
            }
            seen = Volatile.Read(ref _ticket) >> 32;
            ClaimParts();
            Volatile.Write(ref _workerAllocations[index], GC.GetAllocatedBytesForCurrentThread());
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        lock (_gate) Monitor.PulseAll(_gate);
        foreach (var w in _workers) w.Join();
    }
}
