using System.ComponentModel.DataAnnotations;

namespace DefectApi.Hosting;

/// <summary>Limits of <c>POST /api/datasets</c>.</summary>
public sealed class UploadOptions
{
    public const string SectionName = "Uploads";

    /// <summary>Largest CSV accepted, in bytes; larger uploads answer 413.</summary>
    [Range(1, long.MaxValue)]
    public long MaxBytes { get; set; } = 1L << 30;

    /// <summary>Rows per stored chunk: the unit of streaming and of memory during upload.</summary>
    [Range(64, 1_000_000)]
    public int ChunkRows { get; set; } = 8192;

    [Range(2, 100_000)]
    public int MaxColumns { get; set; } = 10_000;

    /// <summary>With several replicas (PostgreSQL), an upload still unfinished this long after it started is taken for
    /// the leftover of a replica that died, and removed. (On SQLite, the one process removes its leftovers at start.)</summary>
    [Range(1, 7 * 24 * 60)]
    public int AbandonAfterMinutes { get; set; } = 60;
}

/// <summary>The SQLite database's size limit.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Largest the database file may grow, in bytes; null for no limit beyond the disk's.</summary>
    [Range(1L << 16, long.MaxValue)]
    public long? MaxDatabaseBytes { get; set; }
}

/// <summary>The background training queue.</summary>
public sealed class TrainingQueueOptions
{
    public const string SectionName = "Training";

    /// <summary>Jobs trained at the same time; each one uses every core, so one is the sensible default.</summary>
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

/// <summary>Limits of the predict endpoints.</summary>
public sealed class PredictionOptions
{
    public const string SectionName = "Predictions";

    /// <summary>Most records in one JSON request; more answers 413 (a CSV body is streamed and unlimited).</summary>
    [Range(1, 10_000_000)]
    public int MaxRecords { get; set; } = 10_000;

    /// <summary>Largest JSON predict body in bytes (a CSV body is streamed and has no limit).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxJsonBytes { get; set; } = 32L << 20;
}
