using DefectApi.NeuralNet;
using DefectApi.Tabular.Features;
using DefectApi.Tabular.Metrics;
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
        double? threshold, ValidationOutputs validation)
    {
        if (members.Count == 0) throw new InvalidDataException("A model needs at least one network.");
        var names = members[0].Pipeline.Encoders.Select(e => e.Name).ToArray();
        if (members.Any(m => m.Network.Inputs != m.Pipeline.Width || m.Network.Outputs != targetSpec.Outputs
                             || !m.Pipeline.Encoders.Select(e => e.Name).SequenceEqual(names)))
            throw new InvalidDataException("The networks do not match the model's inputs or outputs.");
        Target = target;
        TargetSpec = targetSpec;
        Members = members;
        Dropped = dropped;
        Validation = validation;
        Inputs = MergedInputs(members);
        if (targetSpec.Task == TargetSpec.Binary)
        {
            Threshold = threshold ?? 0.5;
            var (probabilities, positive) = BinaryValidation();
            ThresholdTable = Thresholds.Build(probabilities, positive);
            Metrics = BinaryMetrics.Compute(probabilities, positive, Threshold.Value);
        }
        else if (targetSpec.Task == TargetSpec.Multiclass)
        {
            Metrics = MulticlassMetrics.Compute(validation.Outputs, validation.Actuals.Select(a => (int)a).ToArray(), targetSpec.Outputs);
        }
        else
        {
            Metrics = RegressionMetrics.Compute(validation.Outputs, validation.Actuals);
        }
    }

    /// <summary>"binary" | "multiclass" | "regression"</summary>
    public string Task => TargetSpec.Task;
    public string Target { get; }
    public string? PositiveClass => Task == TargetSpec.Binary ? TargetSpec.Classes![1] : null;

    /// <summary>binary (negative, positive) and multiclass</summary>
    public IReadOnlyList<string>? Classes => TargetSpec.Classes;

    public double? Threshold { get; }
    public IReadOnlyList<ModelInputInfo> Inputs { get; }
    public IReadOnlyList<DroppedColumn> Dropped { get; }

    /// <summary>On the validation split, at Threshold.</summary>
    public ModelMetrics Metrics { get; }

    public IReadOnlyList<ThresholdPoint>? ThresholdTable { get; }

    internal TargetSpec TargetSpec { get; }
    internal IReadOnlyList<EnsembleMember> Members { get; }
    internal ValidationOutputs Validation { get; }

    /// <summary>Members fitted on different folds may have seen different rare categories; callers see them all.</summary>
    private static ModelInputInfo[] MergedInputs(IReadOnlyList<EnsembleMember> members) =>
        members[0].Pipeline.Inputs.Select((input, i) => input.Categories is null ? input : input with
        {
            Categories = members.SelectMany(m => m.Pipeline.Encoders[i].Categories ?? []).Distinct(StringComparer.Ordinal).ToArray(),
        }).ToArray();

    public byte[] ToBytes() => ModelArtifactFormat.Write(this);

    /// <summary>Throws InvalidDataException for anything that is not an intact artifact of a known version.</summary>
    public static ModelArtifact FromBytes(byte[] blob) => ModelArtifactFormat.Read(blob);

    /// <summary>The same model deciding at another threshold, with its metrics recomputed there.</summary>
    public ModelArtifact WithThreshold(double threshold)
    {
        RequireBinary();
        if (!(threshold >= 0 && threshold <= 1)) throw new ArgumentOutOfRangeException(nameof(threshold), "A threshold is between 0 and 1.");
        return new ModelArtifact(Target, TargetSpec, Members, Dropped, threshold, Validation);
    }

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
        if (Task != TargetSpec.Regression) return null;
        int count = Validation.Actuals.Length, take = Math.Min(count, max);
        return Enumerable.Range(0, take).Select(i => (int)((long)i * count / take))
            .Select(i => new ValidationPoint(Validation.Actuals[i], Validation.Outputs[i])).ToArray();
    }

    private void RequireBinary()
    {
        if (Task != TargetSpec.Binary) throw new InvalidOperationException("Only a binary model has a threshold.");
    }

    private (double[] Probabilities, bool[] Positive) BinaryValidation() =>
        (Validation.Outputs, Validation.Actuals.Select(a => a == 1).ToArray());

    /// <summary>Validates every record first: a missing input column or a wrong-typed value (text in a numeric input,
    /// NaN/Infinity) gives Errors (up to 100) and no Predictions. Null/Missing is filled as training filled it.</summary>
    public PredictionBatch Predict(IReadOnlyList<IReadOnlyDictionary<string, CellValue>> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var encoders = Members[0].Pipeline.Encoders;
        var cells = new CellValue[records.Count * encoders.Count];
        var errors = new List<RecordError>();
        for (int i = 0; i < records.Count && errors.Count < MaxErrors; i++)
        {
            var record = records[i];
            for (int e = 0; e < encoders.Count && errors.Count < MaxErrors; e++)
            {
                var encoder = encoders[e];
                if (record is null || !record.TryGetValue(encoder.Name, out var value))
                {
                    errors.Add(new RecordError(i, encoder.Name, "is missing: every record needs each model input (send null for an unknown value)."));
                    continue;
                }
                if (encoder.Check(value) is { } problem) errors.Add(new RecordError(i, encoder.Name, $"{problem}."));
                cells[i * encoders.Count + e] = value;
            }
        }
        if (errors.Count > 0) return new PredictionBatch([], errors);
        return new PredictionBatch(PredictValidated(cells, records.Count), []);
    }

    /// <summary>Predicts records already checked: cells holds rows × inputs values in Inputs order.</summary>
    internal IReadOnlyList<Prediction> PredictValidated(ReadOnlySpan<CellValue> cells, int rows)
    {
        var warnings = new List<string>?[rows];
        var outputs = EnsembleOutputs.Predict(Members, TargetSpec, cells, rows, warnings);
        var predictions = new Prediction[rows];
        for (int r = 0; r < rows; r++) predictions[r] = ToPrediction(outputs.AsSpan(r * TargetSpec.Outputs, TargetSpec.Outputs), warnings[r]);
        return predictions;
    }

    private Prediction ToPrediction(ReadOnlySpan<double> output, IReadOnlyList<string>? warnings)
    {
        switch (Task)
        {
            case TargetSpec.Binary:
                double p = output[0];
                bool defect = p >= Threshold!.Value;
                return new Prediction(defect ? Classes![1] : Classes![0], p, defect, null, null, warnings);
            case TargetSpec.Regression:
                return new Prediction(null, null, null, output[0], null, warnings);
            default:
                var probabilities = new Dictionary<string, double>(Classes!.Count, StringComparer.Ordinal);
                int best = 0;
                for (int c = 0; c < Classes.Count; c++)
                {
                    probabilities[Classes[c]] = output[c];
                    if (output[c] > output[best]) best = c;
                }
                return new Prediction(Classes[best], null, null, null, probabilities, warnings);
        }
    }
}
