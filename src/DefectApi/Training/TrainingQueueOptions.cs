using System.ComponentModel.DataAnnotations;

namespace DefectApi.Training;

public sealed class TrainingQueueOptions
{
    public const string SectionName = "Training";

    /// <summary>false makes a serve-only replica: it accepts jobs (they wait in the database, which is the queue) but
    /// never claims one; replicas with training on that share its PostgreSQL database train them.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The most cores training uses in this replica: ensemble members training at once, over all its jobs
    /// (each member trains on one thread). Unset: all but one core when there are more than 2; on 1 or 2 cores all of
    /// them, but 1 while predictions are arriving (see <see cref="TrainingCores"/>).</summary>
    [Range(1, 4096, ErrorMessage = "Training:MaxThreads must be at least 1: it is the most cores training may use. " +
        "Leave it unset for the default (all cores but one on more than 2 cores; else all, but 1 while predictions are arriving).")]
    public int? MaxThreads { get; set; }

    /// <summary>Jobs trained at the same time; they share the cores that <see cref="MaxThreads"/> allows, so one is the
    /// sensible default.</summary>
    [Range(1, 64)]
    public int MaxConcurrentJobs { get; set; } = 1;

    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 1000;

    /// <summary>How long a replica's claim on a running job lasts without renewal. The replica renews it every third
    /// of this while it trains; when a replica dies, its job goes back to the queue this long after the last renewal.</summary>
    [Range(2, 3600)]
    public int LeaseSeconds { get; set; } = 30;

    /// <summary>A job whose replica died this many times while training it is failed instead of tried again: a job
    /// that kills its process (out of memory, say) must not take down every replica in turn.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How often an idle worker looks for queued jobs that another replica accepted (a job accepted by this
    /// replica wakes it at once).</summary>
    [Range(0.05, 60)]
    public double PollSeconds { get; set; } = 1;
}
