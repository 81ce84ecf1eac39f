using DefectApi.Hosting;
using System.Text.Json;
using System.Text.Json.Serialization;
using DefectApi.Tabular;
using DefectApi.Tabular.Training;
using DefectApi.Training;

namespace DefectApi.Models;

public sealed record ModelInputResponse(string Name, string Type, IReadOnlyList<string>? Categories);
public sealed record DroppedColumnResponse(string Name, string Reason);
public sealed record HistoryResponse(int Epoch, double? TrainLoss, double? ValidationLoss, double? ValidationMetric);
public sealed record ThresholdPointResponse(double Threshold, double Precision, double Recall, double F1,
    long TruePositives, long FalsePositives, long FalseNegatives, long TrueNegatives);

public sealed record ModelResponse(
    Guid Id, string Name, int Version, string Task, string Target, string? PositiveClass, IReadOnlyList<string>? Classes,
    double? Threshold, IReadOnlyList<ModelInputResponse> Inputs, IReadOnlyList<DroppedColumnResponse> DroppedColumns,
    IReadOnlyDictionary<string, object> Metrics, IReadOnlyList<HistoryResponse> History,
    IReadOnlyList<ThresholdPointResponse>? ThresholdTable, IReadOnlyList<ValidationPoint>? ValidationPredictions,
    Guid DatasetId, Guid JobId, DateTime CreatedAt);

/// <summary>A model in a list: registry data and metrics, without the curves.</summary>
public sealed record ModelSummary(Guid Id, string Name, int Version, string Task, string Target, double? Threshold,
    IReadOnlyDictionary<string, object> Metrics, Guid DatasetId, Guid JobId, DateTime CreatedAt);

public sealed record ModelList(IReadOnlyList<ModelSummary> Items);

public sealed record ThresholdRequest(double? Threshold, double? FalsePositiveCost, double? FalseNegativeCost);

public sealed record PredictionResponse(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Label,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Probability,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Defect,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Value,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, double>? Probabilities,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Warnings,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ReasonResponse>? Reasons = null);

/// <summary>With ?explain=true: how much one input moved this prediction away from the baseline record's.</summary>
public sealed record ReasonResponse(string Column, object? Value, double Contribution);

public sealed record PredictResponse(Guid ModelId, string ModelName, int ModelVersion, IReadOnlyList<PredictionResponse> Predictions);

public static class ModelMapping
{
    public static ModelResponse ToResponse(this Model model, ModelArtifact artifact) => new(
        model.Id, model.Name, model.Version, artifact.Task, artifact.Target, artifact.PositiveClass, artifact.Classes,
        artifact.Threshold,
        artifact.Inputs.Select(i => new ModelInputResponse(i.Name, i.Type, i.Categories)).ToList(),
        artifact.Dropped.Select(d => new DroppedColumnResponse(d.Name, d.Reason)).ToList(),
        FiniteMetrics(artifact.Metrics), ReadHistory(model),
        artifact.ThresholdTable?.Select(t => new ThresholdPointResponse(t.Threshold, t.Precision, t.Recall, t.F1,
            t.TruePositives, t.FalsePositives, t.FalseNegatives, t.TrueNegatives)).ToList(),
        artifact.ValidationPoints(), model.DatasetId, model.JobId, model.CreatedAt);

    public static ModelSummary ToSummary(this Model model, ModelArtifact artifact) => new(
        model.Id, model.Name, model.Version, artifact.Task, artifact.Target, artifact.Threshold, FiniteMetrics(artifact.Metrics),
        model.DatasetId, model.JobId, model.CreatedAt);

    static IReadOnlyList<HistoryResponse> ReadHistory(Model model) =>
        (JsonSerializer.Deserialize<List<EpochHistory>>(model.HistoryJson, TrainingJobMapping.StorageJson) ?? [])
        .Select(h => new HistoryResponse(h.Epoch, JsonNumbers.Finite(h.TrainLoss), JsonNumbers.Finite(h.ValidationLoss), JsonNumbers.Finite(h.ValidationMetric))).ToList();

    /// <summary>JSON has no NaN: a metric that is undefined (say, AUC with one class in validation) is null.</summary>
    static IReadOnlyDictionary<string, object> FiniteMetrics(ModelMetrics metrics) =>
        metrics.ToDictionary(m => m.Key, m => m.Value is double d && !double.IsFinite(d) ? null! : m.Value);


    public static PredictionResponse ToResponse(this Prediction p) =>
        new(p.Label, p.Probability, p.Defect, p.Value, p.Probabilities, p.Warnings is { Count: > 0 } ? p.Warnings : null);
}
