using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace DefectApi.Training;

/// <summary>Wakes the workers when a job is queued. The database is the queue's source of truth (workers claim the
/// oldest queued job there); this channel only saves them from polling.</summary>
public sealed class TrainingQueue(IOptions<TrainingQueueOptions> options)
{
    readonly Channel<Guid> _wakeUps = Channel.CreateBounded<Guid>(new BoundedChannelOptions(options.Value.QueueCapacity)
    {
        // A full channel still holds enough wake-ups: the job itself is safe in the database.
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    public void Notify(Guid jobId) => _wakeUps.Writer.TryWrite(jobId);

    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timer.CancelAfter(timeout);
        try { await _wakeUps.Reader.ReadAsync(timer.Token); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
    }
}

/// <summary>The cancellation handles of the jobs running in this process.</summary>
public sealed class RunningJobs
{
    public sealed class Control : IDisposable
    {
        public CancellationTokenSource Cancel { get; } = new();
        public CancellationTokenSource StopEarly { get; } = new();
        public void Dispose() { Cancel.Dispose(); StopEarly.Dispose(); }
    }

    readonly ConcurrentDictionary<Guid, Control> _running = new();

    public Control Start(Guid jobId) => _running[jobId] = new Control();

    public void Finish(Guid jobId)
    {
        if (_running.TryRemove(jobId, out var control)) control.Dispose();
    }

    /// <summary>Signals a running job; false when it does not run in this process.</summary>
    public bool Signal(Guid jobId, bool keepBest)
    {
        if (!_running.TryGetValue(jobId, out var control)) return false;
        try
        {
            if (keepBest) control.StopEarly.Cancel();
            else control.Cancel.Cancel();
        }
        catch (ObjectDisposedException) { return false; }
        return true;
    }
}
