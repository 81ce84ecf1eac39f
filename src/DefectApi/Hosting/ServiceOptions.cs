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
}

/// <summary>The SQLite database.</summary>
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
