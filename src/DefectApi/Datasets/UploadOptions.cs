using System.ComponentModel.DataAnnotations;

namespace DefectApi.Datasets;

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
