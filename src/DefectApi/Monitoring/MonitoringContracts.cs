using System.Text.Json;
using DefectApi.Data;

namespace DefectApi.Monitoring;

/// <summary>Outcomes matched by prediction id, or, when KeyColumn is given, by that column's value in the logged record.</summary>
public sealed record OutcomesRequest(string? KeyColumn, IReadOnlyList<OutcomeItem>? Outcomes);

/// <param name="PredictionId">the id an answer carried</param>
/// <param name="Key">with keyColumn: the value of that column in the predicted record (a part serial)</param>
/// <param name="Actual">what really happened: a class of the model, or the measured value</param>
public sealed record OutcomeItem(Guid? PredictionId, JsonElement? Key, JsonElement? Actual);

/// <param name="Matched">outcomes joined to their logged prediction now (replacing earlier ones for the same prediction)</param>
/// <param name="Pending">ids or keys whose prediction is not logged yet: kept, and joined as soon as it is (or removed
/// after PredictionLog:PendingOutcomeHours)</param>
public sealed record OutcomesResponse(int Matched, IReadOnlyList<string> Pending);

/// <param name="Start">the bucket's first instant (UTC)</param>
/// <param name="Shadow">true for the deployment's challenger, scored on the same requests</param>
/// <param name="Predictions">answers given in the bucket</param>
/// <param name="WithOutcome">of those, how many have an outcome; the metrics are computed on them</param>
public sealed record PerformanceBucket(DateTime Start, Guid ModelId, bool Shadow, int Predictions, int WithOutcome,
    IReadOnlyDictionary<string, double?> Metrics);

public sealed record PerformanceResponse(string Deployment, DateTime From, DateTime To, string Bucket,
    IReadOnlyList<PerformanceBucket> Buckets);
