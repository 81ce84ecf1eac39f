using DefectApi.Hosting;
using System.Text.Json;
using DefectApi.Tabular.Training;

namespace DefectApi.Training;

/// <summary>The body of <c>POST /api/training-jobs</c>. Only datasetId and target are required; a field left out takes
/// the service's default.</summary>
public sealed record TrainingJobRequest
{
    public Guid? DatasetId { get; init; }
    public string? Target { get; init; }
    /// <summary>auto | binary | multiclass | regression</summary>
    public string? Task { get; init; }
    public string? PositiveClass { get; init; }
    public IReadOnlyList<string>? Features { get; init; }
    public IReadOnlyList<string>? Exclude { get; init; }
    public IReadOnlyList<int>? HiddenLayers { get; init; }
    /// <summary>relu | leaky_relu | tanh | sigmoid</summary>
    public string? Activation { get; init; }
    public double? Dropout { get; init; }
    /// <summary>sgd | momentum | nesterov | adam | adamw</summary>
    public string? Optimizer { get; init; }
    public double? LearningRate { get; init; }
    public double? L2 { get; init; }
    public int? BatchSize { get; init; }
    public int? Epochs { get; init; }
    public int? EarlyStoppingPatience { get; init; }
    public double? ValidationFraction { get; init; }
    public int? Seed { get; init; }
    public string? ModelName { get; init; }
    /// <summary>Networks in the model, each trained on a different cross-validation fold (default: 5 to 10 by data size).</summary>
    public int? EnsembleSize { get; init; }
    /// <summary>Binary only: with falseNegativeCost, the threshold minimises expected cost instead of maximising F1.</summary>
    public double? FalsePositiveCost { get; init; }
    public double? FalseNegativeCost { get; init; }
}

/// <summary>The request as the job runs it: every default filled in.</summary>
public sealed record EffectiveTrainingRequest(
    Guid DatasetId, string Target, string Task, string? PositiveClass, IReadOnlyList<string>? Features,
    IReadOnlyList<string> Exclude, IReadOnlyList<int>? HiddenLayers, string Activation, double Dropout, string Optimizer,
    double LearningRate, double L2, int BatchSize, int Epochs, int EarlyStoppingPatience, double ValidationFraction,
    int Seed, string ModelName, double? FalsePositiveCost, double? FalseNegativeCost, int? EnsembleSize = null)
{
    public TabularTrainingOptions ToOptions() => new()
    {
        Target = Target, Task = Enum.Parse<TaskKind>(Task, ignoreCase: true), PositiveClass = PositiveClass,
        Features = Features, Exclude = Exclude, HiddenLayers = HiddenLayers, Activation = Activation, Dropout = Dropout,
        Optimizer = Optimizer, LearningRate = LearningRate, L2 = L2, BatchSize = BatchSize, Epochs = Epochs,
        EarlyStoppingPatience = EarlyStoppingPatience, ValidationFraction = ValidationFraction, Seed = Seed,
        FalsePositiveCost = FalsePositiveCost, FalseNegativeCost = FalseNegativeCost, EnsembleSize = EnsembleSize,
    };
}

public sealed record ProgressResponse(int Epoch, int Epochs, double? TrainLoss, double? ValidationLoss, double? ValidationMetric,
    double ElapsedSeconds, double? EtaSeconds);

public sealed record TrainingJobResponse(Guid Id, string Status, Guid DatasetId, EffectiveTrainingRequest? Request,
    DateTime CreatedAt, DateTime? StartedAt, DateTime? FinishedAt, ProgressResponse? Progress, Guid? ModelId, string? Error);

public sealed record TrainingJobList(IReadOnlyList<TrainingJobResponse> Items);

public static class TrainingJobMapping
{
    internal static readonly JsonSerializerOptions StorageJson = new(JsonSerializerDefaults.Web);

    public static string StatusName(JobStatus status) => status.ToString().ToLowerInvariant();

    public static TrainingJobResponse ToResponse(this TrainingJob job)
    {
        var request = JsonSerializer.Deserialize<EffectiveTrainingRequest>(job.RequestJson, StorageJson);
        // The dataset it was asked to train on, even after that dataset is deleted.
        return new(job.Id, StatusName(job.Status), job.DatasetId ?? request?.DatasetId ?? Guid.Empty, request, job.CreatedAt, job.StartedAt, job.FinishedAt,
        job.ProgressJson is null ? null : JsonSerializer.Deserialize<ProgressResponse>(job.ProgressJson, StorageJson),
        job.ModelId, job.Error);
    }

    public static ProgressResponse ToResponse(this TrainingProgress p)
    {
        var elapsed = p.Elapsed.TotalSeconds;
        // Early stopping may end sooner, so this is the most the job will take at the current pace.
        double? eta = p.Epoch > 0 ? elapsed / p.Epoch * Math.Max(0, p.Epochs - p.Epoch) : null;
        return new ProgressResponse(p.Epoch, p.Epochs, JsonNumbers.Finite(p.TrainLoss), JsonNumbers.Finite(p.ValidationLoss), JsonNumbers.Finite(p.ValidationMetric),
            Math.Round(elapsed, 3), eta is null ? null : Math.Round(eta.Value, 3));
    }

}
