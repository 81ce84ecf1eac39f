using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using DefectApi.Data;
using DefectApi.Http;
using DefectApi.Tabular.Targets;
using DefectApi.Tabular.Training;

namespace DefectApi.Training;

public enum ActivationName { Relu, [JsonStringEnumMemberName("leaky_relu")] LeakyRelu, Tanh, Sigmoid }

public enum OptimizerName { Sgd, Momentum, Nesterov, Adam, [JsonStringEnumMemberName("adamw")] AdamW }

/// <summary>random: folds drawn at random (stratified by class); time: forward folds, each validated on rows later
/// than those its network trained on.</summary>
public enum ValidationName { Random, Time }

/// <summary>The body of <c>POST /api/training-jobs</c>, as the wire carries it. Only datasetId and target are required;
/// a field left out takes the service's default. AddValidation() checks the attributes below before the handler runs;
/// <see cref="TrainingRequestValidator"/> checks the rest and turns it into a <see cref="TrainingOrder"/>.</summary>
public sealed record TrainingJobRequest
{
    [Required(ErrorMessage = "datasetId is required: the id of an uploaded dataset.")]
    public Guid? DatasetId { get; init; }

    [Required(ErrorMessage = "target is required: the name of the column to predict.")]
    public string? Target { get; init; }

    /// <summary>What to learn: <c>auto</c> (the default) decides from the target column.</summary>
    public TaskKind? Task { get; init; }
    public string? PositiveClass { get; init; }
    public IReadOnlyList<string>? Features { get; init; }
    public IReadOnlyList<string>? Exclude { get; init; }

    /// <summary>Columns that predict the target too well on their own (probable leaks): exclude (default) leaves them
    /// out, warn keeps them and warns, off does not look.</summary>
    public LeakagePolicy? Leakage { get; init; }

    [Length(1, 8, ErrorMessage = "Give 1 to 8 hidden layers.")]
    public IReadOnlyList<int>? HiddenLayers { get; init; }

    public ActivationName? Activation { get; init; }

    [Range(0.0, 0.9, ErrorMessage = "Use a dropout between 0 and 0.9.")]
    public double? Dropout { get; init; }

    public OptimizerName? Optimizer { get; init; }

    [Range(0.0, 1.0, MinimumIsExclusive = true, ErrorMessage = "Use a learning rate above 0 and at most 1.")]
    public double? LearningRate { get; init; }

    [Range(0.0, double.MaxValue, ErrorMessage = "Use an L2 penalty of 0 or more.")]
    public double? L2 { get; init; }

    [Range(1, 65536, ErrorMessage = "Use a batch size from 1 to 65536.")]
    public int? BatchSize { get; init; }

    [Range(1, 10000, ErrorMessage = "Use 1 to 10000 epochs.")]
    public int? Epochs { get; init; }

    [Range(0, int.MaxValue, ErrorMessage = "Use a patience of 0 (off) or more.")]
    public int? EarlyStoppingPatience { get; init; }

    [Range(0.0, 0.5, MinimumIsExclusive = true, ErrorMessage = "Use a validation fraction above 0 and at most 0.5.")]
    public double? ValidationFraction { get; init; }

    public int? Seed { get; init; }

    [StringLength(200, MinimumLength = 1, ErrorMessage = "modelName must be 1 to 200 characters, without control characters such " +
        "as line breaks.")]
    public string? ModelName { get; init; }

    /// <summary>Networks in the model, each trained on a different cross-validation fold (default: 5 to 10 by data size).</summary>
    [Range(1, 16, ErrorMessage = "Use 1 to 16 networks.")]
    public int? EnsembleSize { get; init; }

    /// <summary>Binary only: with falseNegativeCost, the threshold minimises expected cost instead of maximising F1.</summary>
    [Range(0.0, double.MaxValue, MinimumIsExclusive = true, ErrorMessage = "Use a cost above 0.")]
    public double? FalsePositiveCost { get; init; }

    [Range(0.0, double.MaxValue, MinimumIsExclusive = true, ErrorMessage = "Use a cost above 0.")]
    public double? FalseNegativeCost { get; init; }

    /// <summary>random (default) or time: validate the way the line runs, on rows later than the training rows.</summary>
    public ValidationName? Validation { get; init; }

    /// <summary>The datetime or numeric column that orders rows for time validation (default: the dataset's only
    /// datetime column, else row order); with random folds, the column the time-ordered figure is measured by.</summary>
    public string? TimeColumn { get; init; }

    /// <summary>A lot, batch, order or mould column: every group's rows stay on one side of every split.</summary>
    public string? GroupColumn { get; init; }
}

/// <summary>A job's request as its row stores it and its answers and bundles show it: every default filled in.</summary>
public sealed record EffectiveTrainingRequest(
    Guid DatasetId, string Target, TaskKind Task, string? PositiveClass, IReadOnlyList<string>? Features,
    IReadOnlyList<string> Exclude, IReadOnlyList<int>? HiddenLayers, ActivationName Activation, double Dropout, OptimizerName Optimizer,
    double LearningRate, double L2, int BatchSize, int Epochs, int EarlyStoppingPatience, double ValidationFraction,
    int Seed, string ModelName, double? FalsePositiveCost, double? FalseNegativeCost, int? EnsembleSize = null,
    LeakagePolicy Leakage = LeakagePolicy.Exclude,
    ValidationName Validation = ValidationName.Random, string? TimeColumn = null, string? GroupColumn = null)
{
    public static EffectiveTrainingRequest From(TrainingOrder order)
    {
        var o = order.Options;
        return new(order.DatasetId, o.Target, o.Task, o.PositiveClass, o.Features, o.Exclude,
            o.HiddenLayers ?? TabularTrainingOptions.DefaultHiddenLayers, TrainingChoices.FromEngine(o.Activation), o.Dropout,
            TrainingChoices.FromEngine(o.Optimizer), o.LearningRate, o.L2, o.BatchSize, o.Epochs, o.EarlyStoppingPatience,
            o.ValidationFraction, o.Seed, order.ModelName, o.FalsePositiveCost, o.FalseNegativeCost, o.EnsembleSize, o.Leakage,
            TrainingChoices.FromTabular(o.Validation), o.TimeColumn, o.GroupColumn);
    }
}

/// <summary>A training job's progress. Epoch and epochs count the whole ensemble (members × epochs per member); the
/// member fields say the same in the request's terms. They are null in progress stored before they were added.</summary>
/// <param name="Members">how many networks the ensemble trains</param>
/// <param name="EpochsPerMember">the request's epochs: the most each member trains (early stopping may end one sooner)</param>
/// <param name="MembersDone">members that have finished training</param>
/// <param name="MembersTraining">the members training now (several train side by side), each at its own epoch</param>
/// <param name="Member">the member whose epoch this progress reports: the losses and metric are that member's</param>
/// <param name="MemberEpoch">that epoch, within its member's run</param>
public sealed record ProgressResponse(int Epoch, int Epochs, double? TrainLoss, double? ValidationLoss, double? ValidationMetric,
    double ElapsedSeconds, double? EtaSeconds, int? Members = null, int? EpochsPerMember = null, int? MembersDone = null,
    IReadOnlyList<MemberProgressResponse>? MembersTraining = null, int? Member = null, int? MemberEpoch = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<LeakResponse>? Leaks = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ValidationResponse? Validation = null);

/// <summary>A column that predicts the target too well on its own to be known before the outcome.</summary>
/// <param name="Score">the precision of its one-sided rule, or its out-of-fold Matthews correlation, AUC or R² alone</param>
/// <param name="Detail">why, in a sentence: "alone it predicts Machine failure = 1 with precision 1.00 on 31 rows:
/// recorded with the outcome?"</param>
/// <param name="Excluded">left out of the model (leakage exclude), or kept with this warning (warn)</param>
public sealed record LeakResponse(string Name, double Score, string Detail, bool Excluded)
{
    public static LeakResponse From(DefectApi.Tabular.Training.LeakFinding leak) => new(leak.Name, leak.Score, leak.Detail, leak.Excluded);
}

/// <param name="Member">1-based member number</param>
/// <param name="Epoch">the epoch this member last finished, of EpochsPerMember</param>
public sealed record MemberProgressResponse(int Member, int Epoch);

/// <param name="Leaks">probable leaks found before the first epoch (empty until training starts, or when none)</param>
/// <param name="Validation">once the job has succeeded: which validation gave its model's metrics, and with random folds
/// on data with a time, the time-ordered figure beside them; null before</param>
public sealed record TrainingJobResponse(Guid Id, JobStatus Status, Guid DatasetId, EffectiveTrainingRequest? Request,
    DateTime CreatedAt, DateTime? StartedAt, DateTime? FinishedAt, ProgressResponse? Progress, Guid? ModelId, string? Error,
    IReadOnlyList<LeakResponse> Leaks, ValidationResponse? Validation);

public sealed record TrainingJobList(IReadOnlyList<TrainingJobResponse> Items);

public static class TrainingJobMapping
{
    /// <summary>Enums are stored by their API names (leaky_relu, a task's wire name), as jobs stored before they were enums.</summary>
    internal static readonly JsonSerializerOptions StorageJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string StatusName(JobStatus status) => WireName(status);

    /// <summary>An enum value as the API and the tabular layer spell it.</summary>
    public static string WireName<TEnum>(TEnum value) where TEnum : struct, Enum =>
        JsonSerializer.Serialize(value, StorageJson).Trim('"');

    public static TrainingJobResponse ToResponse(this TrainingJob job)
    {
        var request = JsonSerializer.Deserialize<EffectiveTrainingRequest>(job.RequestJson, StorageJson);
        var progress = job.ProgressJson is null ? null : JsonSerializer.Deserialize<ProgressResponse>(job.ProgressJson, StorageJson);
        // The dataset it was asked to train on, even after that dataset is deleted. The leaks travel with every stored
        // progress (so a running job already shows them), the validation with the last; both are answered once, beside it.
        return new(job.Id, job.Status, job.DatasetId ?? request?.DatasetId ?? Guid.Empty, request, job.CreatedAt, job.StartedAt,
            job.FinishedAt,
            progress is null ? null : progress with { Leaks = null, Validation = null }, job.ModelId, job.Error, progress?.Leaks ?? [],
            progress?.Validation);
    }

    public static ProgressResponse ToResponse(this TrainingProgress p)
    {
        var elapsed = p.Elapsed.TotalSeconds;
        // Early stopping may end sooner, so this is the most the job will take at the current pace.
        double? eta = p.Epoch > 0 ? elapsed / p.Epoch * Math.Max(0, p.Epochs - p.Epoch) : null;
        return new ProgressResponse(p.Epoch, p.Epochs, JsonNumbers.Finite(p.TrainLoss), JsonNumbers.Finite(p.ValidationLoss),
            JsonNumbers.Finite(p.ValidationMetric), Math.Round(elapsed, 3), eta is null ? null : Math.Round(eta.Value, 3),
            p.Ensemble?.Members, p.Ensemble?.EpochsPerMember, p.Ensemble?.MembersDone,
            p.Ensemble?.Training.Select(t => new MemberProgressResponse(t.Member, t.Epoch)).ToList(),
            p.Ensemble?.Reported.Member, p.Ensemble?.Reported.Epoch,
            p.Leaks.Count == 0 ? null : p.Leaks.Select(LeakResponse.From).ToList());
    }

}
