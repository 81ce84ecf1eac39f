using DefectApi.Tabular.Explanations;
using DefectApi.Tabular.Features;
using DefectApi.Tabular.Metrics;
using DefectApi.Tabular.Monitoring;
using DefectApi.Tabular.Neighbours;
using DefectApi.Tabular.Optimization;
using DefectApi.Tabular.Training;
using Thresholds = DefectApi.Tabular.Metrics.ThresholdTable;

namespace DefectApi.Tabular;

/// <summary>A trained model: the fitted preprocessing, the network(s), the decision threshold and the validation
/// results, with strict validation of what callers send to Predict.</summary>
public sealed record ValidationPoint(double Actual, double Predicted);

public sealed class ModelArtifact
{
    public const int MaxErrors = 100;

    internal ModelArtifact(string target, TargetSpec targetSpec, IReadOnlyList<EnsembleMember> members, IReadOnlyList<DroppedColumn> dropped,
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
        if (Sample.Any(row => row.Length != names.Length)) throw new InvalidDataException("The training sample does not match the model's inputs.");
        Inputs = MergedInputs(members);
        if (profile is not null && !profile.Columns.Select(c => c.Name).SequenceEqual(names))
            throw new InvalidDataException("The training profile does not match the model's inputs.");
        Profile = profile;
        if (targetSpec.Task == TaskKind.Binary)
        {
            Threshold = threshold ?? 0.5;
            var (probabilities, positive) = BinaryValidation();
            ThresholdTable = Thresholds.Build(probabilities, positive);
            Metrics = BinaryMetrics.Compute(probabilities, positive, Threshold.Value);
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
    public string? PositiveClass => Task == TaskKind.Binary ? TargetSpec.Classes![1] : null;

    /// <summary>binary (negative, positive) and multiclass</summary>
    public IReadOnlyList<string>? Classes => TargetSpec.Classes;

    public double? Threshold { get; }
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
    public OptimizationOutcome Optimize(OptimizationRequest request) => ProcessOptimizer.Optimize(this, request);

    /// <summary>Partial dependence of the prediction on one input over its training range (numeric: evenly spaced
    /// points; otherwise each category or level), averaged over the training sample's other values.</summary>
    public SensitivityOutcome Sensitivity(string? column, int points = 25, string? targetClass = null) =>
        PartialDependence.Compute(this, column, points, targetClass);

    /// <summary>Integrated-gradient reasons for records that Predict accepted: the top columns by |contribution| to
    /// the positive-class probability (binary), the value (regression) or the predicted class's probability.</summary>
    public IReadOnlyList<Explanation> Explain(IReadOnlyList<IReadOnlyDictionary<string, CellValue>> records, int top)
    {
        ArgumentNullException.ThrowIfNull(records);
        return Explain(RecordBatch.From(this, records), top);
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
    /// <exception cref="Export.OnnxExportException">a step that ONNX operators cannot state exactly</exception>
    public byte[] ToOnnx(string name, int version) => Export.OnnxScorerExport.Export(this, name, version);

    /// <summary>Throws InvalidDataException for anything that is not an intact artifact of a known version.</summary>
    public static ModelArtifact FromBytes(byte[] blob) => ModelArtifactFormat.Read(blob);

    /// <summary>The same model deciding at another threshold, with its metrics recomputed there.</summary>
    public ModelArtifact WithThreshold(double threshold)
    {
        RequireBinary();
        if (!(threshold >= 0 && threshold <= 1)) throw new ArgumentOutOfRangeException(nameof(threshold), "A threshold is between 0 and 1.");
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
        return Score(RecordBatch.From(this, records));
    }

    /// <summary>Checks every record once (what the reader could not read, missing inputs, wrong-typed values) and,
    /// when all are sound, scores them. Errors (up to 100) come with no predictions; so does an answer that is not a
    /// finite number (inputs so far outside the training data that the networks overflow), reported per record.</summary>
    public PredictionBatch Score(RecordBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var encoders = Members.Encoders;
        var errors = new List<RecordError>();
        for (int i = 0; i < batch.ReadErrors.Count && errors.Count < MaxErrors; i++) errors.Add(batch.ReadErrors[i]);
        var cells = batch.Cells;
        for (int i = 0; i < batch.Count && errors.Count < MaxErrors; i++)
        {
            for (int e = 0; e < encoders.Count && errors.Count < MaxErrors; e++)
            {
                var encoder = encoders[e];
                if (!batch.IsGiven(i, e))
                    errors.Add(new RecordError(i, encoder.Name, "is missing: every record needs each model input (send null for an unknown value)."));
                else if (encoder.Check(cells[i * encoders.Count + e]) is { } problem)
                    errors.Add(new RecordError(i, encoder.Name, $"{problem}."));
            }
        }
        if (errors.Count > 0) return new PredictionBatch([], errors);
        var predictions = PredictValidated(cells, batch.Count);
        for (int i = 0; i < predictions.Count && errors.Count < MaxErrors; i++)
            if (!IsFinite(predictions[i]))
                errors.Add(new RecordError(i, "", NoFiniteAnswer));
        return errors.Count > 0 ? new PredictionBatch([], errors) : new PredictionBatch(predictions, []);
    }

    internal const string NoFiniteAnswer =
        "The values are so far outside the training data that the model gives no finite answer. Check the units and magnitudes.";

    private static bool IsFinite(Prediction p) =>
        !(p.Probability is { } probability && !double.IsFinite(probability) || p.Value is { } value && !double.IsFinite(value) ||
          p.Probabilities?.Values.Any(v => !double.IsFinite(v)) == true);

    /// <summary>Input name → position in Inputs, for readers that fill a RecordBatch.</summary>
    internal Dictionary<string, int> InputIndex => _inputIndex ??=
        Inputs.Select((input, i) => (input.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);

    private Dictionary<string, int>? _inputIndex;

    /// <summary>Predicts records already checked: cells holds rows × inputs values in Inputs order.</summary>
    internal IReadOnlyList<Prediction> PredictValidated(ReadOnlySpan<CellValue> cells, int rows)
    {
        var warnings = new List<string>?[rows];
        var outputs = EnsembleOutputs.Predict(Members, TargetSpec, cells, rows, warnings);
        var predictions = new Prediction[rows];
        for (int r = 0; r < rows; r++) predictions[r] = ToPrediction(outputs.AsSpan(r * TargetSpec.Outputs, TargetSpec.Outputs), warnings[r]);
        return predictions;
    }

    internal Prediction ToPrediction(ReadOnlySpan<double> output, IReadOnlyList<string>? warnings)
    {
        switch (Task)
        {
            case TaskKind.Binary:
                double p = output[0];
                return new Prediction(Classes![LabelIndex(output)], p, IsDefect(p), null, null, warnings);
            case TaskKind.Regression:
                return new Prediction(null, null, null, output[0], null, warnings);
            default:
                var probabilities = new Dictionary<string, double>(Classes!.Count, StringComparer.Ordinal);
                for (int c = 0; c < Classes.Count; c++) probabilities[Classes[c]] = output[c];
                return new Prediction(Classes[LabelIndex(output)], null, null, null, probabilities, warnings);
        }
    }

    internal bool IsDefect(double probability) => probability >= Threshold!.Value;

    /// <summary>An output as the prediction log keeps it (see <see cref="LoggedScore"/>).</summary>
    internal LoggedScore LoggedAnswer(ReadOnlySpan<double> output) => Task switch
    {
        TaskKind.Regression => new LoggedScore(output[0], -1),
        TaskKind.Binary => new LoggedScore(output[0], LabelIndex(output)),
        _ => new LoggedScore(output[LabelIndex(output)], LabelIndex(output)),
    };

    /// <summary>A prediction as the prediction log keeps it.</summary>
    public LoggedScore LoggedAnswer(Prediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        int label = prediction.Label is { } name ? ClassIndex(name) : -1;
        double score = prediction.Probability ?? prediction.Value
            ?? (prediction.Label is { } l && prediction.Probabilities?.TryGetValue(l, out double p) == true ? p : double.NaN);
        return new LoggedScore(score, label);
    }

    /// <summary>A class's position in <see cref="Classes"/>; -1 for a name that is none of them, and for regression.</summary>
    public int ClassIndex(string name)
    {
        if (Classes is not { } classes) return -1;
        for (int i = 0; i < classes.Count; i++) if (classes[i] == name) return i;
        return -1;
    }

    /// <summary>The class a classifier's output names: positive at or above the threshold (binary), the most
    /// probable, first on a tie (multiclass).</summary>
    internal int LabelIndex(ReadOnlySpan<double> output)
    {
        if (Task == TaskKind.Binary) return IsDefect(output[0]) ? 1 : 0;
        int best = 0;
        for (int c = 1; c < output.Length; c++) if (output[c] > output[best]) best = c;
        return best;
    }
}
