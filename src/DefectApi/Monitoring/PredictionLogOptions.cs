using System.ComponentModel.DataAnnotations;

namespace DefectApi.Monitoring;

/// <summary>The prediction log of deployments (section PredictionLog).</summary>
public sealed class PredictionLogOptions
{
    public const string SectionName = "PredictionLog";

    /// <summary>Log every prediction made through a deployment (and score its shadow). Off: answers carry no
    /// predictionId, and outcomes, performance and drift have nothing to work on.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Rows older than this many days are removed in the background.</summary>
    [Range(1, 36_500)]
    public int RetentionDays { get; set; } = 90;

    /// <summary>At most this many rows are kept; the oldest go first.</summary>
    [Range(1_000, long.MaxValue)]
    public long MaxRows { get; set; } = 10_000_000;

    /// <summary>Longest time an answer waits in memory before it is written: what a hard kill can lose.</summary>
    [Range(10, 60_000)]
    public int FlushIntervalMilliseconds { get; set; } = 1_000;

    /// <summary>Answers waiting to be written; beyond it new ones are counted as dropped (defectapi.prediction_log.dropped)
    /// rather than slow the requests down.</summary>
    [Range(1_000, 10_000_000)]
    public int QueueCapacity { get; set; } = 200_000;

    /// <summary>An outcome reported before its prediction is kept this long for the prediction to be logged; then it is
    /// removed and counted (defectapi.outcomes.expired).</summary>
    [Range(1, 87_600)]
    public int PendingOutcomeHours { get; set; } = 72;

    /// <summary>Hourly rollups (what performance, drift and the gauges read) are kept this many days: past the raw
    /// log's retention, so long charts still work once MaxRows has trimmed the log.</summary>
    [Range(1, 36_500)]
    public int RollupRetentionDays { get; set; } = 400;

    /// <summary>How often the deployments' live metric and worst drift (the /metrics gauges) are recomputed.</summary>
    [Range(5, 86_400)]
    public int HealthRefreshSeconds { get; set; } = 300;

    /// <summary>How often retention runs.</summary>
    [Range(1, 1_440)]
    public int CleanupIntervalMinutes { get; set; } = 60;
}
