namespace DefectApi.Bench.Service;

/// <summary>
/// The process's peak resident memory over a phase of a bench. The kernel's high-water mark (VmHWM) misses nothing,
/// and writing 5 to /proc/self/clear_refs resets it, so each phase gets its own peak instead of the training's. Where
/// that reset is refused, VmRSS sampled every 50 ms stands in (it can miss a spike shorter than that).
/// </summary>
internal sealed class PeakMemory : IAsyncDisposable
{
    readonly CancellationTokenSource _stop = new();
    readonly Task _sampler;
    long _sampledPeakKb;
    bool _highWaterMarkIsPhases;

    public PeakMemory() => _sampler = SampleAsync();

    /// <summary>How the peak was taken, for the bench's output.</summary>
    public string Method => _highWaterMarkIsPhases ? "VmHWM" : "VmRSS sampled every 50 ms";

    public void StartPhase()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            _highWaterMarkIsPhases = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _highWaterMarkIsPhases = false;
        }
        Interlocked.Exchange(ref _sampledPeakKb, StatusKilobytes("VmRSS"));
    }

    public double PeakMegabytes()
    {
        var sampled = Interlocked.Read(ref _sampledPeakKb);
        var peak = _highWaterMarkIsPhases ? Math.Max(sampled, StatusKilobytes("VmHWM")) : sampled;
        return peak / 1024.0;
    }

    async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var now = StatusKilobytes("VmRSS");
                long seen;
                while (now > (seen = Interlocked.Read(ref _sampledPeakKb)) && Interlocked.CompareExchange(ref _sampledPeakKb,
                    now, seen) != seen) { }
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>A "Name:   123 kB" line of /proc/self/status.</summary>
    static long StatusKilobytes(string name)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(name + ":", StringComparison.Ordinal))
                return long.Parse(line.AsSpan(name.Length + 1).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampler;
        _stop.Dispose();
    }
}
