namespace DefectApi.Data;

/// <summary>
/// One answer given through a deployment, as compactly as it can be kept: the record's values as one CSV line (its
/// column names, the deployment and the models are in its <see cref="LogSegment"/>), the champion's answer and, on
/// the same row, the shadow's. The prediction id is a version 7 UUID kept in RFC byte order, so its first six bytes
/// are the time in Unix milliseconds: the key is also the time index (ranges, retention, hourly buckets).
/// </summary>
public sealed class LoggedAnswer
{
    /// <summary>16 bytes, RFC 9562 order (<see cref="PredictionIds"/>).</summary>
    public required byte[] PredictionId { get; set; }
    public long SegmentId { get; set; }
    /// <summary>The record's values in the segment's column order, one CSV line (numbers invariant, empty = missing).</summary>
    public required string Line { get; set; }
    /// <summary>Binary: P(positive class); regression: the value; multiclass: the label's probability.</summary>
    public double? Score { get; set; }
    /// <summary>The class answered (classification).</summary>
    public string? Label { get; set; }
    public double? ShadowScore { get; set; }
    public string? ShadowLabel { get; set; }
    /// <summary>Hashes of the declared key columns' values (<see cref="PredictionKeys"/>), up to three per answer.</summary>
    public long? Key1 { get; set; }
    public long? Key2 { get; set; }
    public long? Key3 { get; set; }
}

/// <summary>What many logged answers share: the deployment, the models that answered and the record's column names.
/// Its id is a hash of all four, so replicas agree on it without asking each other.</summary>
public sealed class LogSegment
{
    public long Id { get; set; }
    public required string DeploymentName { get; set; }
    public Guid ModelId { get; set; }
    public Guid? ShadowModelId { get; set; }
    /// <summary>The record's column names as a JSON array, in the order of the logged lines' values.</summary>
    public required string Columns { get; set; }
}

/// <summary>What really happened to a predicted part, kept from the moment it is reported. It names its prediction
/// by id, or by a declared key column's value until a prediction with that key is logged; <see cref="Joined"/> says
/// whether it is counted in the rollups yet. One per prediction: a later report replaces it.</summary>
public sealed class LoggedOutcome
{
    public long Id { get; set; }
    public required string DeploymentName { get; set; }
    /// <summary>Null while an outcome reported by key waits for its prediction.</summary>
    public byte[]? PredictionId { get; set; }
    /// <summary>By key: the hash of deployment, key column and value (<see cref="PredictionKeys"/>).</summary>
    public long? KeyHash { get; set; }
    public string? KeyColumn { get; set; }
    public string? Key { get; set; }
    public required string Actual { get; set; }
    /// <summary>Unix milliseconds.</summary>
    public long RecordedAt { get; set; }
    public bool Joined { get; set; }
}

/// <summary>One hour of one model's answers and outcomes in one deployment, as additive counts
/// (<see cref="Tabular.Monitoring.RollupCounts"/>): what performance, drift and the gauges read.</summary>
public sealed class MonitoringRollup
{
    public required string DeploymentName { get; set; }
    /// <summary>Whole hours since the Unix epoch (UTC).</summary>
    public long Hour { get; set; }
    public Guid ModelId { get; set; }
    public bool Shadow { get; set; }
    public required byte[] Counts { get; set; }
}
