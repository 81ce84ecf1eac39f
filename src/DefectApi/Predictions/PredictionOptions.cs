using System.ComponentModel.DataAnnotations;

namespace DefectApi.Predictions;

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
