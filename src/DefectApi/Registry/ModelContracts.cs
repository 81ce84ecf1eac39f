using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using DefectApi.Data;
using DefectApi.Http;
using DefectApi.OpenApi;
using DefectApi.Tabular;
using DefectApi.Tabular.Targets;
using DefectApi.Tabular.Training;
using DefectApi.Training;

namespace DefectApi.Registry;

public sealed record ModelInputResponse(string Name, string Type, IReadOnlyList<string>? Categories);
/// <param name="Reason">target | excluded | identifier | constant | not in features | leak</param>
/// <param name="Score">a leak's own figure (precision of its one-sided rule, or its Matthews correlation, AUC or R² alone)</param>
/// <param name="Detail">a leak's reason in a sentence</param>
public sealed record DroppedColumnResponse(string Name, string Reason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Score = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail = null);
public sealed record ThresholdPointResponse(double Threshold, double Precision, double Recall, double F1,
    long TruePositives, long FalsePositives, long FalseNegatives, long TrueNegatives);

public sealed record ModelResponse(
    Guid Id, string Name, int Version, [property: ConcreteTask] TaskKind Task, string Target, string? PositiveClass,
        IReadOnlyList<string>? Classes,
    double? Threshold, IReadOnlyList<ModelInputResponse> Inputs, IReadOnlyList<DroppedColumnResponse> DroppedColumns,
    [property: DocumentedAs(typeof(ModelMetricsResponse))] IReadOnlyDictionary<string, object> Metrics,
        IReadOnlyList<HistoryResponse> History,
    IReadOnlyList<ThresholdPointResponse>? ThresholdTable, IReadOnlyList<ValidationPoint>? ValidationPredictions,
    Guid DatasetId, Guid JobId, DateTime CreatedAt, ValidationResponse? Validation = null)
{
    /// <summary>Every column the model does not read, with its reason (the contract's name for DroppedColumns).</summary>
    public IReadOnlyList<DroppedColumnResponse> Dropped => DroppedColumns;

    /// <summary>Probable leaks its training found: left out (also in dropped) or kept with a warning.</summary>
    public required IReadOnlyList<LeakResponse> Leaks { get; init; }
}

/// <summary>A model in a list: registry data and metrics, without the curves.</summary>
public sealed record ModelSummary(Guid Id, string Name, int Version, [property: ConcreteTask] TaskKind Task, string Target,
    double? Threshold,
    [property: DocumentedAs(typeof(ModelMetricsResponse))] IReadOnlyDictionary<string, object> Metrics, Guid DatasetId, Guid JobId,
        DateTime CreatedAt);

/// <summary>The document's description of a model's metrics, which are sent as the tabular layer computed them (a
/// metric it could not compute is null). Binary: auc … threshold; regression: rmse, mae, r2; multiclass: accuracy,
/// macroF1, logLoss, confusionMatrix.</summary>
/// <param name="Validation">which validation produced these figures: random or time-ordered folds</param>
/// <param name="ConfusionMatrix">Rows are the actual classes, columns the predicted ones, in the model's class order.</param>
public sealed record ModelMetricsResponse(
    double? Auc = null, double? PrAuc = null, double? LogLoss = null, double? Accuracy = null, double? Precision = null,
    double? Recall = null, double? F1 = null, IReadOnlyList<IReadOnlyList<long>>? ConfusionMatrix = null, double? Threshold = null,
    double? MacroF1 = null, double? Rmse = null, double? Mae = null, double? R2 = null, ValidationName? Validation = null);

public sealed record ModelList(IReadOnlyList<ModelSummary> Items);

/// <summary>Either a threshold, or both costs of an error, from which the threshold with the least expected cost is
/// chosen. The ranges are checked by AddValidation() before the handler runs, and so is the choice, by
/// <see cref="Validate"/>.</summary>
public sealed record ThresholdRequest(
    [property: Range(0.0, 1.0, ErrorMessage = "threshold must be between 0 and 1.")] double? Threshold = null,
    [property: Range(0.0, double.MaxValue, MinimumIsExclusive = true, ErrorMessage = "falsePositiveCost must be a number above 0.")]
    double? FalsePositiveCost = null,
    [property: Range(0.0, double.MaxValue, MinimumIsExclusive = true, ErrorMessage = "falseNegativeCost must be a number above 0.")]
    double? FalseNegativeCost = null) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var byCost = FalsePositiveCost is not null || FalseNegativeCost is not null;
        if (Threshold is not null && byCost)
            yield return new("Give either threshold, or falsePositiveCost and falseNegativeCost, not both.", ["threshold"]);
        else if (Threshold is null && !byCost)
            yield return new("Give threshold (0 to 1), or falsePositiveCost and falseNegativeCost.", ["threshold"]);
        else if (byCost && FalsePositiveCost is null) yield return new("falsePositiveCost must be a number above 0.",
            ["falsePositiveCost"]);
        else if (byCost && FalseNegativeCost is null) yield return new("falseNegativeCost must be a number above 0.",
            ["falseNegativeCost"]);
    }
}

public static class ModelMapping
{
    public static ModelResponse ToResponse(this Model model, ModelArtifact artifact) => model.ToResponse(artifact, model.ReadValidation());

    static ModelResponse ToResponse(this Model model, ModelArtifact artifact, ValidationResponse? validation) => new(
        model.Id, model.Name, model.Version, artifact.Task, artifact.Target, artifact.PositiveClass, artifact.Classes,
        artifact.Threshold,
        artifact.Inputs.Select(i => new ModelInputResponse(i.Name, i.Type, i.Categories)).ToList(),
        artifact.Dropped.Select(d => new DroppedColumnResponse(d.Name, d.Reason, d.Score, d.Detail)).ToList(),
        MetricsOf(artifact, validation), ReadHistory(model),
        artifact.ThresholdTable?.Select(t => new ThresholdPointResponse(t.Threshold, t.Precision, t.Recall, t.F1,
            t.TruePositives, t.FalsePositives, t.FalseNegatives, t.TrueNegatives)).ToList(),
        artifact.ValidationPoints(), model.DatasetId, model.JobId, model.CreatedAt, validation)
    {
        Leaks = artifact.Leaks.Select(LeakResponse.From).ToList(),
    };

    public static ModelSummary ToSummary(this Model model, ModelArtifact artifact) => new(
        model.Id, model.Name, model.Version, artifact.Task, artifact.Target, artifact.Threshold,
            MetricsOf(artifact, model.ReadValidation()),
        model.DatasetId, model.JobId, model.CreatedAt);

    static IReadOnlyList<HistoryResponse> ReadHistory(Model model) =>
        HistoryRows.From(JsonSerializer.Deserialize<List<EpochHistory>>(model.HistoryJson, TrainingJobMapping.StorageJson) ?? []);

    /// <summary>The artifact's metrics and the validation that produced them ("random" or "time"; absent for models
    /// trained before it was recorded). JSON has no NaN: a metric that is undefined (say, AUC with one class in
    /// validation) is null.</summary>
    static IReadOnlyDictionary<string, object> MetricsOf(ModelArtifact artifact, ValidationResponse? validation)
    {
        var metrics = artifact.Metrics.ToDictionary(m => m.Key, m => m.Value is double d && !double.IsFinite(d) ? null! : m.Value);
        if (validation is not null) metrics["validation"] = TrainingJobMapping.WireName(validation.Kind);
        return metrics;
    }
}
