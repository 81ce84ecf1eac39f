using DefectApi.Tabular.Training;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace DefectApi.Training;

/// <summary>
/// How many cores training may use in this replica, shared by all its jobs through <see cref="Slots"/>.
/// <see cref="TrainingQueueOptions.MaxThreads"/> fixes it; unset, it is every core but one on more than 2 cores. On 1 or
/// 2 cores, keeping one back would halve training for good, so training takes every core while no predictions arrive
/// and drops to one while they do (one seen within <see cref="PredictionsArrivingWindow"/>). The switch costs a
/// timestamp per prediction and a compare per training step, and training threads run below normal priority whatever
/// the cap, so that a request thread gets a core the moment it wants one.
/// </summary>
public sealed class TrainingCores
{
    /// <summary>How long after a prediction training keeps to one core: long enough to cover the gaps of a steady
    /// caller (a station asking every second or two), short enough that training gets the cores back soon after.</summary>
    public static readonly TimeSpan PredictionsArrivingWindow = TimeSpan.FromSeconds(5);

    const long Never = long.MinValue;
    readonly TimeProvider _clock;
    readonly long _writeEvery;
    long _lastPrediction = Never;

    public TrainingCores(IOptions<TrainingQueueOptions> options, TimeProvider clock)
        : this(options.Value.MaxThreads, Environment.ProcessorCount, clock) { }

    public TrainingCores(int? maxThreads, int processors, TimeProvider clock)
    {
        _clock = clock;
        _writeEvery = clock.TimestampFrequency / 100;
        Processors = processors;
        Adaptive = maxThreads is null && processors <= 2;
        Ceiling = maxThreads is { } max ? Math.Clamp(max, 1, processors) : processors > 2 ? processors - 1 : processors;
        Slots = new TrainingSlots(Ceiling, () => Limit) { BelowNormalPriority = true };
    }

    public int Processors { get; }

    public int Ceiling { get; }

    /// <summary>Whether the cap drops to one while predictions are arriving (the default on 1 or 2 cores).</summary>
    public bool Adaptive { get; }

    /// <summary>The slots every job of this replica trains its members in.</summary>
    public TrainingSlots Slots { get; }

    public int Limit => Adaptive && PredictionsArriving ? 1 : Ceiling;

    public bool PredictionsArriving
    {
        get
        {
            long last = Volatile.Read(ref _lastPrediction);
            return last != Never && _clock.GetElapsedTime(last) < PredictionsArrivingWindow;
        }
    }

    /// <summary>Called by every predict request.</summary>
    public void PredictionArrived()
    {
        long now = _clock.GetTimestamp(), last = Volatile.Read(ref _lastPrediction);
        // Written at most every 10 ms: at thousands of requests a second, one cache line written by every request thread
        // would cost more than the exact time tells.
        if (last == Never || now - last >= _writeEvery) Volatile.Write(ref _lastPrediction, now);
    }

    public string Describe() =>
        $"Training on: up to {Ceiling} of {Processors} cores (Training:MaxThreads)" +
        (Adaptive ? $", 1 while predictions are arriving ({(PredictionsArriving ? "they are" : "none lately")})" : "") +
        $"; {Slots.Held} ensemble member(s) training now.";
}

/// <summary>Says in /health/ready whether this replica trains, and on how many cores. A serve-only replica is as ready
/// as any other: it answers every call, and the jobs it accepts wait for a replica that trains.</summary>
internal sealed class TrainingHealthCheck(IOptions<TrainingQueueOptions> options, TrainingCores cores) : IHealthCheck
{
    public const string Off = "Training is off on this replica (Training:Enabled=false): it serves predictions only. The jobs it " +
        "accepts wait in the database until a replica with training on claims them.";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthCheckResult.Healthy(options.Value.Enabled ? cores.Describe() : Off));
}
