namespace DefectApi.Tabular.Training;

/// <summary>
/// Caps how many ensemble members train at once over every job that shares it, each member taking one slot (a core:
/// members train on one engine thread each). The cap may change at any time (<paramref name="limit"/> is read again
/// between batch steps): when it drops, members above it hand their slot back at their next step and wait; when it
/// rises, waiting members resume within <see cref="RecheckInterval"/>. Which member waits never changes what it
/// computes, so the model is the same whatever the cap did meanwhile.
/// </summary>
/// <param name="ceiling">the most the cap can ever be: how many member threads a job starts</param>
/// <param name="limit">the cap now, from 1 to <paramref name="ceiling"/>; called between steps, so it must be cheap</param>
public sealed class TrainingSlots(int ceiling, Func<int> limit)
{
    /// <summary>How often a waiting member looks at the cap again: a cap that rises because time passed (no
    /// predictions lately) signals nobody.</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromMilliseconds(50);

    readonly object _gate = new();
    int _held;

    public int Ceiling { get; } = ceiling >= 1 ? ceiling : throw new ArgumentOutOfRangeException(nameof(ceiling), "At least one slot.");

    /// <summary>Run member threads below normal priority (<see cref="TrainingThreads"/>), so that request threads
    /// get a core first whenever they want one.</summary>
    public bool BelowNormalPriority { get; init; }

    /// <summary>Members training right now.</summary>
    public int Held => Volatile.Read(ref _held);

    int Limit => Math.Clamp(limit(), 1, Ceiling);

    /// <summary>Waits for a slot; the member trains while it holds the returned hold and gives it back by disposing it.</summary>
    /// <exception cref="OperationCanceledException">when <paramref name="cancel"/> fires first</exception>
    public Hold Enter(CancellationToken cancel)
    {
        Acquire(cancel);
        return new Hold(this);
    }

    void Acquire(CancellationToken cancel)
    {
        lock (_gate)
        {
            if (_held < Limit) { _held++; return; }
        }
        // Wake at once on a cancel; otherwise on a released slot or at the next recheck.
        using var wake = cancel.Register(() => { lock (_gate) Monitor.PulseAll(_gate); });
        lock (_gate)
        {
            while (_held >= Limit)
            {
                cancel.ThrowIfCancellationRequested();
                Monitor.Wait(_gate, RecheckInterval);
            }
            _held++;
        }
    }

    void Release()
    {
        lock (_gate)
        {
            _held--;
            Monitor.PulseAll(_gate);
        }
    }

    public sealed class Hold : IDisposable
    {
        readonly TrainingSlots _slots;
        bool _holding = true;

        internal Hold(TrainingSlots slots) => _slots = slots;

        /// <summary>Between two steps: returns at once while the cap leaves room (a read and a compare), otherwise
        /// gives the slot back and waits for one. On a cancel it throws without a slot.</summary>
        public void Yield(CancellationToken cancel)
        {
            if (!_holding) throw new ObjectDisposedException(nameof(Hold));
            if (_slots.Held <= _slots.Limit) return;
            _holding = false;
            _slots.Release();
            _slots.Acquire(cancel);
            _holding = true;
        }

        public void Dispose()
        {
            if (!_holding) return;
            _holding = false;
            _slots.Release();
        }
    }
}
