namespace DefectApi.Monitoring;

/// <summary>One answer a model gave through a deployment: the champion's, or a shadow's under the same prediction id.
/// Written in batches off the request path (see PredictionLog).</summary>
public sealed class LoggedPrediction
{
    public long Id { get; set; }
    public Guid PredictionId { get; set; }
    public required string DeploymentName { get; set; }
    public Guid ModelId { get; set; }
    /// <summary>Scored by the deployment's shadow model: logged, never returned.</summary>
    public bool Shadow { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>The record as the caller sent it, as a JSON object (a CSV row: its header's names, its fields' values).</summary>
    public required string Input { get; set; }
    /// <summary>The answer as JSON, as the API returns it.</summary>
    public required string Output { get; set; }
    /// <summary>Binary: the positive class's probability; regression: the value; multiclass: the label's probability.</summary>
    public double? Score { get; set; }
    /// <summary>The predicted class (classification).</summary>
    public string? Label { get; set; }
}

/// <summary>What really happened to a predicted part, reported later; one per prediction id (a new report replaces it).</summary>
public sealed class PredictionOutcome
{
    public Guid PredictionId { get; set; }
    public required string DeploymentName { get; set; }
    public required string Actual { get; set; }
    public DateTime RecordedAt { get; set; }
}
