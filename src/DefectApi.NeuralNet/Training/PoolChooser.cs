using System.Diagnostics;
using DefectApi.NeuralNet.Kernels;
using DefectApi.NeuralNet.Threading;

namespace DefectApi.NeuralNet.Training;

/// <summary>
/// Decides, while a run trains, whether the worker pool's threads make its steps faster. On a machine the service
/// shares (another ensemble member, the web server, a noisy neighbour), a worker thread that is descheduled or that
/// wakes late makes the two-thread step slower than one thread; which case holds differs from run to run and
/// changes while a run goes on. So the chooser times real steps: it alternates windows of steps with and without
/// the workers, keeps the faster way for a long stretch, then measures again. Every part of every product is
/// computed the same way either way, so the results do not depend on the choice.
/// </summary>
internal sealed class PoolChooser(WorkerPool? pool, Func<long>? clock = null)
{
    private readonly Func<long> _now = clock ?? Stopwatch.GetTimestamp;
    private const int WindowSteps = 16;
    private const int ProbeWindows = 6;      // alternating: workers on, off, on, off, on, off
    private const int CommitWindows = 96;

    private readonly long[] _probe = new long[ProbeWindows];
    private long _windowTicks;
    private int _stepInWindow, _window;
    private bool _probing = true;

    public long StepStarting()
    {
        if (pool is null) return 0;
        if (_stepInWindow == 0 && _probing) pool.Serial = _window % 2 == 1;
        return _now();
    }

    public void StepDone(long started)
    {
        if (pool is null) return;
        _windowTicks += _now() - started;
        if (++_stepInWindow < WindowSteps) return;
        if (_probing) _probe[_window] = _windowTicks;
        _stepInWindow = 0;
        _windowTicks = 0;
        _window++;
        if (_probing && _window == ProbeWindows)
        {
            pool.Serial = Median(_probe, 1) < Median(_probe, 0);
            (_probing, _window) = (false, 0);
        }
        else if (!_probing && _window == CommitWindows)
        {
            (_probing, _window) = (true, 0);
        }
    }

    // The median of the windows at offset, offset + 2, offset + 4 (three values, so no allocation).
    private static long Median(long[] windows, int offset)
    {
        long a = windows[offset], b = windows[offset + 2], c = windows[offset + 4];
        return Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
    }
}
