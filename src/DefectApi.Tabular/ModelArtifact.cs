using DefectApi.Tabular.Explanations;
using DefectApi.Tabular.Export;
using DefectApi.Tabular.Features;
using DefectApi.Tabular.Frames;
using DefectApi.Tabular.Inference;
using DefectApi.Tabular.Metrics;
using DefectApi.Tabular.Monitoring;
using DefectApi.Tabular.Neighbours;
using DefectApi.Tabular.Optimization;
using DefectApi.Tabular.Targets;
using DefectApi.Tabular.Training;
using Thresholds = DefectApi.Tabular.Metrics.ThresholdTable;

namespace DefectApi.Tabular;

/// <summary>A trained model: the fitted preprocessing, the network(s), the decision threshold and the validation
/// results, with strict validation of what callers send to Predict.</summary>
public sealed record ValidationPoint(double Actual, double Predicted);

public sealed class ModelArtifact : IMonitoredModel
{
    internal ModelArtifact(string target, TargetSpec targetSpec, IReadOnlyList<EnsembleMember> members,
        IReadOnlyList<DroppedColumn> dropped,
        double? threshold, ValidationOutputs validation, CellValue[][]? sample = null, TrainingProfile? profile = null,
        IReadOnlyList<LeakFinding>? leaks = null, NeighbourBlend? neighbours = null)
    {
        if (members.Count == 0) throw new InvalidDataException("A model needs at least one network.");
        var names = members[0].Pipeline.Encoders.Select(e => e.Name).ToArray();
        if (members.Any(m => m.Network.Inputs != m.Pipeline.Width || m.Network.Outputs != targetSpec.Outputs
                             || !m.Pipeline.Encoders.Select(e => e.Name).SequenceEqual(names)))
            throw new InvalidDataException("The networks do not match the model's inputs or outputs.");
        Target = target;
        TargetSpec = targetSpec;
        Members = members as Ensemble ?? new Ensemble(members, neighbours);
        if (Members.Neighbours is { } blend && blend.Index.Outputs != targetSpec.Outputs)
            throw new InvalidDataException("The neighbour component does not match the model's outputs.");
        Dropped = dropped;
        Leaks = leaks ?? [];
        Validation = validation;
        Sample = sample ?? [];
        if (Sample.Any(row =>
            row.Length != names.Length)) throw new InvalidDataException("The training sample does not match the model's inputs.");
        Inputs = MergedInputs(members);
        if (profile is not null && !profile.Columns.Select(c => c.Name).SequenceEqual(names))
            throw new InvalidDataException("The training profile does not match the model's inputs.");
        Profile = profile;
        Scorer = new Scorer(target, targetSpec, Members, Inputs, targetSpec.Task == TaskKind.Binary ? threshold ?? 0.5 : null);
        if (targetSpec.Task == TaskKind.Binary)
        {
            var (probabilities, positive) = BinaryValidation();
            ThresholdTable = Thresholds.Build(probabilities, positive);
            Metrics = BinaryMetrics.Compute(probabilities, positive, threshold ?? 0.5);
        }
        else if (targetSpec.Task == TaskKind.Multiclass)
        {
            Metrics = MulticlassMetrics.Compute(validation.Outputs, validation.Actuals.Select(a => (int)a).ToArray(), targetSpec.Outputs);
        }
        else
        {
            Metrics = RegressionMetrics.Compute(validation.Outputs, validation.Actuals);
        }
    }

    /// <summary>Binary, multiclass or regression: never <see cref="TaskKind.Auto"/>.</summary>
    public TaskKind Task => TargetSpec.Task;
    public string Target { get; }
    public string? PositiveClass => Scorer.PositiveClass;

    /// <summary>binary (negative, positive) and multiclass</summary>
    public IReadOnlyList<string>? Classes => TargetSpec.Classes;

    public double? Threshold => Scorer.Threshold;

    /// <summary>What answers records: JSON requests, CSV files and the shadow path score through it.</summary>
    public Scorer Scorer { get; }

    public IReadOnlyList<ModelInputInfo> Inputs { get; }
    public IReadOnlyList<DroppedColumn> Dropped { get; }

    /// <summary>Columns that predicted the target too well on their own: left out (also in Dropped) or kept with a
    /// warning, as the training's leakage policy said. Empty for models trained before leaks were looked for.</summary>
    public IReadOnlyList<LeakFinding> Leaks { get; }

    /// <summary>On the validation split, at Threshold.</summary>
    public ModelMetrics Metrics { get; }

    public IReadOnlyList<ThresholdPoint>? ThresholdTable { get; }

    /// <summary>What the training data and the model's validation answers looked like, for drift monitoring
    /// (<see cref="DriftAccumulator"/>); null for models stored before profiles existed (artifact versions 1 and 2).</summary>
    public TrainingProfile? Profile { get; }

    /// <summary>Per input, in Inputs order: what training saw (range, categories) and the baseline explanations use.</summary>
    public IReadOnlyList<InputRange> TrainingRanges => _ranges ??= InputRange.Of(Members, Inputs);
    private InputRange[]? _ranges;

    /// <summary>The record the network scores best for the goal, changing only the adjustable columns; Errors name
    /// the request field at fault (goal, adjust[1].min, record.Torque [Nm]) and then there is no Result.</summary>
    public OptimizationOutcome Optimize(OptimizationRequest request) => ProcessOptimizer.Optimize(Scorer, TrainingRanges, request);

    /// <summary>Partial dependence of the prediction on one input over its training range (numeric: evenly spaced
    /// points; otherwise each category or level), averaged over the training sample's other values.</summary>
    public SensitivityOutcome Sensitivity(string? column, int points = 25, string? targetClass = null) =>
        PartialDependence.Compute(Scorer, TrainingRanges, Sample, column, points, targetClass);

    /// <summary>Integrated-gradient reasons for records that Predict accepted: the top columns by |contribution| to
    /// the positive-class probability (binary), the value (regression) or the predicted class's probability.</summary>
    public IReadOnlyList<Explanation> Explain(IReadOnlyList<IReadOnlyDictionary<string, CellValue>> records, int top)
    {
        ArgumentNullException.ThrowIfNull(records);
        return Explain(RecordBatch.From(Scorer, records), top);
    }

    /// <summary>As above, for records a reader put in a batch that Score accepted.</summary>
    public IReadOnlyList<Explanation> Explain(RecordBatch batch, int top)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        var explanations = new Explanation[batch.Count];
        int width = Inputs.Count;
        for (int r = 0; r < batch.Count; r++)
        {
            var cells = batch.Cells.Slice(r * width, width).ToArray();
            int output = 0;
            if (Task == TaskKind.Multiclass)
            {
                var probabilities = EnsembleOutputs.Predict(Members, TargetSpec, cells, 1, null);
                output = Array.IndexOf(probabilities, probabilities.Max());
            }
            explanations[r] = IntegratedGradients.Explain(new ModelProbe(Members, TargetSpec, output), TrainingRanges, cells, top);
        }
        return explanations;
    }

    internal TargetSpec TargetSpec { get; }
    internal Ensemble Members { get; }
    internal ValidationOutputs Validation { get; }

    /// <summary>A seeded sample of training records (input order) for partial dependence; empty in version-1 artifacts.</summary>
    internal CellValue[][] Sample { get; }

    /// <summary>Members fitted on different folds may have seen different rare categories; callers see them all.</summary>
    private static ModelInputInfo[] MergedInputs(IReadOnlyList<EnsembleMember> members) =>
        members[0].Pipeline.Inputs.Select((input, i) => input.Categories is null ? input : input with
        {
            Categories = members.SelectMany(m => m.Pipeline.Encoders[i].Categories ?? []).Distinct(StringComparer.Ordinal).ToArray(),
        }).ToArray();

    public byte[] ToBytes() => ModelArtifactFormat.Write(this);

    /// <summary>The whole scorer as an ONNX model (README, "ONNX export"), its metadata naming it <paramref name="name"/>
    /// version <paramref name="version"/>.</summary>
    /// <exception cref="OnnxExportException">a step that ONNX operators cannot state exactly</exception>
    public byte[] ToOnnx(string name, int version) => OnnxScorerExport.Export(Scorer, name, version);

    /// <summary>Throws InvalidDataException for anything that is not an intact artifact of a known version.</summary>
    public static ModelArtifact FromBytes(byte[] blob) => ModelArtifactFormat.Read(blob);

    /// <summary>The same model deciding at another threshold, with its metrics recomputed there.</summary>
    public ModelArtifact WithThreshold(double threshold)
    {
        RequireBinary();
        if (!(threshold >= 0 && threshold <= 1)) throw new ArgumentOutOfRangeException(nameof(threshold),
            "A threshold is between 0 and 1.");
        return new ModelArtifact(Target, TargetSpec, Members, Dropped, threshold, Validation, Sample, Profile, Leaks);
    }

    /// <summary>The same networks answering without the neighbour component, for comparing the two on the same
    /// training (the bench); its validation outputs and threshold stay those of the blend.</summary>
    internal ModelArtifact WithoutNeighbours() =>
        new(Target, TargetSpec, Members.NetworksOnly(), Dropped, Threshold, Validation, Sample, Profile, Leaks);

    /// <summary>The threshold with the least expected cost on the validation split.</summary>
    public ModelArtifact WithCostThreshold(double falsePositiveCost, double falseNegativeCost)
    {
        RequireBinary();
        if (!(falsePositiveCost > 0 && double.IsFinite(falsePositiveCost)))
            throw new ArgumentOutOfRangeException(nameof(falsePositiveCost), "A cost is a positive number.");
        if (!(falseNegativeCost > 0 && double.IsFinite(falseNegativeCost)))
            throw new ArgumentOutOfRangeException(nameof(falseNegativeCost), "A cost is a positive number.");
        return WithThreshold(Thresholds.LeastCost(ThresholdTable!, falsePositiveCost, falseNegativeCost));
    }

    /// <summary>Regression: (actual, predicted) on validation rows, in the target's unit, for a predicted-vs-actual
    /// chart; an evenly spaced subset when there are more than <paramref name="max"/>.</summary>
    public IReadOnlyList<ValidationPoint>? ValidationPoints(int max = 500)
    {
        if (Task != TaskKind.Regression) return null;
        int count = Validation.Actuals.Length, take = Math.Min(count, max);
        return Enumerable.Range(0, take).Select(i => (int)((long)i * count / take))
            .Select(i => new ValidationPoint(Validation.Actuals[i], Validation.Outputs[i])).ToArray();
    }

    private void RequireBinary()
    {
        if (Task != TaskKind.Binary) throw new InvalidOperationException("Only a binary model has a threshold.");
    }

    private (double[] Probabilities, bool[] Positive) BinaryValidation() =>
        (Validation.Outputs, Validation.Actuals.Select(a => a == 1).ToArray());

    /// <summary>Validates every record first: a missing input column or a wrong-typed value (text in a numeric input,
    /// NaN/Infinity) gives Errors (up to 100) and no Predictions. Null/Missing is filled as training filled it.</summary>
    public PredictionBatch Predict(IReadOnlyList<IReadOnlyDictionary<string, CellValue>> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        return Scorer.Score(RecordBatch.From(Scorer, records));
    }

}
