namespace DefectApi.Bench.Service;

/// <summary>
/// The service's clock in a bench that must put a month of traffic into minutes. It runs in one of two ways:
/// <list type="bullet">
/// <item>at the real pace from a chosen instant (<see cref="RunFrom"/>): training, leases and timed calls behave as
/// in production;</item>
/// <item>stepped (<see cref="Step"/>): every read moves it on by an equal share of a span, so that the answers of one
/// large CSV call, which the service stamps one clock read each, spread evenly over the hours the call stands for
/// instead of sharing one instant. Reads beyond the expected count stay at the span's end, so a service that reads
/// more often than once per answer still never runs past it.</item>
/// </list>
/// Timers are not overridden: they keep real time, so the service's background loops tick as usual.
/// </summary>
internal sealed class SimulatedClock : TimeProvider
{
    readonly Lock _gate = new();
    DateTimeOffset _origin;
    long _realOrigin;          // Stopwatch timestamp of _origin, when running at the real pace
    long _stepTicks;           // 0: running at the real pace
    long _steps;
    long _reads;

    public SimulatedClock(DateTimeOffset start) => RunFrom(start);

    /// <summary>From <paramref name="start"/> on at the real pace.</summary>
    public void RunFrom(DateTimeOffset start)
    {
        lock (_gate) (_origin, _realOrigin, _stepTicks, _steps, _reads) = (start, Stopwatch.GetTimestamp(), 0, 0, 0);
    }

    /// <summary>The next <paramref name="reads"/> reads spread evenly over [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public void Step(DateTimeOffset from, DateTimeOffset to, int reads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(reads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(to, from);
        lock (_gate) (_origin, _stepTicks, _steps, _reads) = (from, Math.Max(1, (to - from).Ticks / reads), reads, 0);
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            if (_stepTicks == 0) return _origin + Stopwatch.GetElapsedTime(_realOrigin);
            var step = Math.Min(_reads, _steps - 1);
            _reads++;
            return _origin + TimeSpan.FromTicks(step * _stepTicks);
        }
    }
}
