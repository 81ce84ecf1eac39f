using DefectApi.NeuralNet.Optimizers;
using DefectApi.NeuralNet.Specs;
using DefectApi.Tabular.Neighbours;
using DefectApi.Tabular.Targets;

namespace DefectApi.Tabular.Training;

/// <summary>What to train and how. The defaults were chosen by repeated hold-out on the steering datasets' train splits
/// (bench `quality --cv`): two ReLU layers of 128 and 64, dropout 0.1, Adam at 1e-3, batch 32, patience 30, and an
/// ensemble of cross-validation members. Wider or deeper nets, more dropout, L2, other learning rates and step or
/// cosine decay moved the validation metric by less than its noise between splits, and cost time.</summary>
public sealed record TabularTrainingOptions
{
    public static readonly IReadOnlyList<int> DefaultHiddenLayers = [128, 64];

    public required string Target { get; init; }
    public TaskKind Task { get; init; } = TaskKind.Auto;
    public string? PositiveClass { get; init; }
    public IReadOnlyList<string>? Features { get; init; }
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>Probable leaks (<see cref="LeakDetector"/>) are left out by default.</summary>
    public LeakagePolicy Leakage { get; init; } = LeakagePolicy.Exclude;

    /// <summary>null = <see cref="DefaultHiddenLayers"/>.</summary>
    public IReadOnlyList<int>? HiddenLayers { get; init; }

    /// <summary>The hidden layers' activation (the output layer's follows from the task).</summary>
    public Activation Activation { get; init; } = Activation.Relu;

    public double Dropout { get; init; } = 0.1;

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    public double LearningRate { get; init; } = 0.001;

    /// <summary>The learning rate over training: constant by default; CosLog4 is RealMLP's schedule (Holzmüller et al.,
    /// NeurIPS 2024), which moved no sample split's cross-validated figure beyond its noise (README).</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>Adam's second-moment decay; RealMLP uses 0.95 (README: measured, not taken).</summary>
    public double AdamBeta2 { get; init; } = 0.999;
    public double L2 { get; init; }
    public int BatchSize { get; init; } = 32;
    public int Epochs { get; init; } = 200;
    public int EarlyStoppingPatience { get; init; } = 30;
    public double ValidationFraction { get; init; } = 0.2;
    public int Seed { get; init; } = 42;
    public double? FalsePositiveCost { get; init; }
    public double? FalseNegativeCost { get; init; }

    /// <summary>Networks whose predictions are averaged, each trained on its own cross-validation fold
    /// (1 = a single network on one hold-out split of ValidationFraction). null = automatic: 5 for large datasets,
    /// up to 10 for small ones, where a network costs little and averaging removes the most variance.</summary>
    public int? EnsembleSize { get; init; }

    /// <summary>TabM's packed members (Gorishniy et al., ICLR 2025): each network of the ensemble is trained as k
    /// BatchEnsemble members sharing one backbone, with TabM's recipe (<see cref="TabMRecipe"/>) in place of the optimizer,
    /// learning rate, L2, batch size and patience above, and stored as k ordinary networks. 0 = off (default); with it on
    /// and no EnsembleSize, one packed network is trained on one hold-out split instead of the cross-validation members.</summary>
    public int PackedMembers { get; init; }

    /// <summary>Piecewise-linear bins per numeric column, cut at training quantiles (0 = none).</summary>
    public int NumericBins { get; init; }

    /// <summary>A numeric column's first input as RealMLP's robust scale with smooth clipping (Holzmüller et al.,
    /// NeurIPS 2024) instead of the z-score: (x − median) / interquartile range, then x / √(1 + (x/3)²). Off: it moved no
    /// sample split beyond its noise (README).</summary>
    public bool RobustScaling { get; init; }

    /// <summary>RealMLP's diagonal scaling layer: one learned factor per encoded input before the first dense layer,
    /// folded into that layer's weights when training ends, so the stored model is unchanged in form. Off: measured in
    /// the README.</summary>
    public bool InputScaling { get; init; }

    /// <summary>Multiclass only: train against (1 − ε)·one-hot + ε/K.</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>Weigh classes by inverse frequency in the loss (binary and multiclass).</summary>
    public bool WeighClasses { get; init; } = true;

    /// <summary>Blend the networks with a distance-weighted vote of the nearest training rows, k and the blend weight
    /// chosen on out-of-fold predictions (<see cref="NeighbourTraining"/>; at most 50,000 labelled rows).
    /// Off by default: on the sample splits it moved no cross-validated figure beyond its noise (README).</summary>
    public bool Neighbours { get; init; }

    public NeighbourSpace NeighbourSpace { get; init; } = NeighbourSpace.Encoded;

    /// <summary>What a job chooses k and the blend weight by: the proper loss (default) or the headline metric.</summary>
    public NeighbourCriterion NeighbourCriterion { get; init; } = NeighbourCriterion.LogLoss;

    /// <summary>Random folds (default) or forward in time, each validation fold later than its training rows.</summary>
    public ValidationKind Validation { get; init; } = ValidationKind.Random;

    /// <summary>Orders the rows for time validation; null = the dataset's only datetime column, else row order.</summary>
    public string? TimeColumn { get; init; }

    /// <summary>A lot, batch or order column: every group's rows stay on one side of every split.</summary>
    public string? GroupColumn { get; init; }

    /// <summary>With random folds on data with a time: also measure time-ordered folds (extra networks, model unchanged).</summary>
    public bool CompareTimeOrdered { get; init; } = true;

    internal int MembersFor(int rows) => EnsembleSize ?? (PackedMembers > 0 ? 1 : Math.Clamp(50_000 / Math.Max(rows, 1), 5, 10));

    /// <summary>Engine threads. One by default: the models are small, and on a shared machine a second spinning
    /// worker costs far more than it gains (the engine gives identical results for any value).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Members trained side by side; null = one per core when Threads is 1, else one at a time. The model
    /// is the same for any value.</summary>
    internal int? MemberWorkers { get; init; }

    /// <summary>Validates values that need no data (ranges, names of enums): field (camelCase) → messages, empty when fine.</summary>
    public IReadOnlyDictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Fail(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
            list.Add(message);
        }

        if (string.IsNullOrWhiteSpace(Target)) Fail("target", "Name the target column.");
        if (!Enum.IsDefined(Task)) Fail("task", $"Use {TaskKinds.Listed}.");
        if (!Enum.IsDefined(Leakage)) Fail("leakage", "Use exclude, warn or off.");
        if (HiddenLayers is { } layers)
        {
            if (layers.Count is < 1 or > 8) Fail("hiddenLayers", "Give 1 to 8 hidden layers.");
            if (layers.Any(u => u is < 1 or > 4096)) Fail("hiddenLayers", "Each hidden layer needs 1 to 4096 units.");
        }
        if (Activation == Activation.Linear || !Enum.IsDefined(Activation)) Fail("activation", "Use relu, leaky_relu, tanh or sigmoid.");
        if (!(Dropout >= 0 && Dropout <= 0.9)) Fail("dropout", "Use a dropout between 0 and 0.9.");
        if (!Enum.IsDefined(Optimizer)) Fail("optimizer", "Use sgd, momentum, nesterov, adam or adamw.");
        if (!(LearningRate > 0 && LearningRate <= 1)) Fail("learningRate", "Use a learning rate above 0 and at most 1.");
        if (!(L2 >= 0) || double.IsInfinity(L2)) Fail("l2", "Use an L2 penalty of 0 or more.");
        if (!Enum.IsDefined(Schedule)) Fail("schedule", "Use constant, step, cosine or cosLog4.");
        if (!(AdamBeta2 > 0 && AdamBeta2 < 1)) Fail("adamBeta2", "Use an Adam beta2 above 0 and below 1.");
        if (BatchSize is < 1 or > 65536) Fail("batchSize", "Use a batch size from 1 to 65536.");
        if (Epochs is < 1 or > 10000) Fail("epochs", "Use 1 to 10000 epochs.");
        if (EarlyStoppingPatience < 0) Fail("earlyStoppingPatience", "Use a patience of 0 (off) or more.");
        if (!(ValidationFraction > 0 && ValidationFraction <= 0.5)) Fail("validationFraction",
            "Use a validation fraction above 0 and at most 0.5.");
        if (FalsePositiveCost is { } fp && !(fp > 0 && double.IsFinite(fp))) Fail("falsePositiveCost", "Use a cost above 0.");
        if (FalseNegativeCost is { } fn && !(fn > 0 && double.IsFinite(fn))) Fail("falseNegativeCost", "Use a cost above 0.");
        if ((FalsePositiveCost is null) != (FalseNegativeCost is null))
            Fail(FalsePositiveCost is null ? "falsePositiveCost" : "falseNegativeCost", "Give both costs, or neither.");
        if (Threads is < 0 or > 256) Fail("threads", "Use 0 (all cores) to 256 threads.");
        if (!(LabelSmoothing >= 0 && LabelSmoothing < 0.5)) Fail("labelSmoothing", "Use a label smoothing from 0 to below 0.5.");
        if (NumericBins is < 0 or > 64) Fail("numericBins", "Use 0 (none) to 64 bins.");
        if (!Enum.IsDefined(Validation)) Fail("validation", "Use random or time.");
        if (!Enum.IsDefined(NeighbourSpace)) Fail("neighbourSpace", "Use encoded or quantiles.");
        if (!Enum.IsDefined(NeighbourCriterion)) Fail("neighbourCriterion", "Use logLoss or metric.");
        if (TimeColumn is not null && string.IsNullOrWhiteSpace(TimeColumn)) Fail("timeColumn",
            "Name a datetime or numeric column, or leave timeColumn out.");
        if (GroupColumn is not null && string.IsNullOrWhiteSpace(GroupColumn)) Fail("groupColumn",
            "Name a lot or batch column, or leave groupColumn out.");
        if (EnsembleSize is < 1 or > 16) Fail("ensembleSize", "Use 1 to 16 networks.");
        if (PackedMembers is < 0 or 1 or > 64) Fail("packedMembers", "Use 0 (off) or 2 to 64 packed members.");
        if (PackedMembers > 0 && InputScaling) Fail("packedMembers",
            "Packed members scale their inputs themselves; leave inputScaling off.");
        return errors.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
    }
}
