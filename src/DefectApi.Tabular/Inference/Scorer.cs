using DefectApi.Tabular.Features;
using DefectApi.Tabular.Frames;
using DefectApi.Tabular.Targets;

namespace DefectApi.Tabular.Inference;

/// <summary>The part of a trained model that answers: its networks with their preprocessing, its target and its
/// decision threshold. JSON requests, CSV files and the shadow path all score through it, so a model answers one
/// way whatever carried the records.</summary>
public sealed class Scorer
{
    public const int MaxErrors = 100;

    internal const string NoFiniteAnswer =
        "The values are so far outside the training data that the model gives no finite answer. Check the units and magnitudes.";

    private const string MissingInput = "is missing: every record needs each model input (send null for an unknown value).";

    private Dictionary<string, int>? _inputIndex;

    internal Scorer(string target, TargetSpec spec, Ensemble members, IReadOnlyList<ModelInputInfo> inputs, double? threshold)
    {
        Target = target;
        Spec = spec;
        Members = members;
        Inputs = inputs;
        Threshold = threshold;
    }

    /// <summary>Binary, multiclass or regression: never <see cref="TaskKind.Auto"/>.</summary>
    public TaskKind Task => Spec.Task;
    public string Target { get; }
    public string? PositiveClass => Task == TaskKind.Binary ? Spec.Classes![1] : null;

    /// <summary>binary (negative, positive) and multiclass</summary>
    public IReadOnlyList<string>? Classes => Spec.Classes;

    public double? Threshold { get; }
    public IReadOnlyList<ModelInputInfo> Inputs { get; }
    internal TargetSpec Spec { get; }
    internal Ensemble Members { get; }

    /// <summary>Input name → position in Inputs, for readers that fill a RecordBatch.</summary>
    internal Dictionary<string, int> InputIndex => _inputIndex ??=
        Inputs.Select((input, i) => (input.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);

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
                    errors.Add(new RecordError(i, encoder.Name, MissingInput));
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

    private static bool IsFinite(Prediction p) =>
        !(p.Probability is { } probability && !double.IsFinite(probability) || p.Value is { } value && !double.IsFinite(value) ||
          p.Probabilities?.Values.Any(v => !double.IsFinite(v)) == true);

    /// <summary>Predicts records already checked: cells holds rows × inputs values in Inputs order.</summary>
    internal IReadOnlyList<Prediction> PredictValidated(ReadOnlySpan<CellValue> cells, int rows)
    {
        var warnings = new List<string>?[rows];
        var outputs = EnsembleOutputs.Predict(Members, Spec, cells, rows, warnings);
        var predictions = new Prediction[rows];
        for (int r = 0; r < rows; r++) predictions[r] = ToPrediction(outputs.AsSpan(r * Spec.Outputs, Spec.Outputs), warnings[r]);
        return predictions;
    }

    /// <summary>The one place an output becomes an answer, for every task: the class (positive at or above the
    /// threshold for binary, the most probable for multiclass), its probability and the decision, or the value.
    /// Each way out (a Prediction, a CSV row, a log entry) is a sink, so none repeats the rule.</summary>
    internal void Answer<TSink>(ReadOnlySpan<double> output, ref TSink sink) where TSink : IAnswerSink, allows ref struct
    {
        switch (Task)
        {
            case TaskKind.Binary:
                sink.Binary(LabelIndex(output), output[0], IsDefect(output[0]));
                break;
            case TaskKind.Regression:
                sink.Regression(output[0]);
                break;
            default:
                sink.Multiclass(LabelIndex(output), output);
                break;
        }
    }

    internal Prediction ToPrediction(ReadOnlySpan<double> output, IReadOnlyList<string>? warnings)
    {
        var sink = new PredictionSink(Spec.Classes, warnings);
        Answer(output, ref sink);
        return sink.Result!;
    }

    internal bool IsDefect(double probability) => probability >= Threshold!.Value;

    /// <summary>An output as the prediction log keeps it (see <see cref="LoggedScore"/>).</summary>
    internal LoggedScore LoggedAnswer(ReadOnlySpan<double> output)
    {
        var sink = new LoggedScoreSink();
        Answer(output, ref sink);
        return sink.Result;
    }

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

    private struct PredictionSink(string[]? classes, IReadOnlyList<string>? warnings) : IAnswerSink
    {
        public Prediction? Result { get; private set; }

        public void Binary(int label, double probability, bool defect) =>
            Result = new Prediction(classes![label], probability, defect, null, null, warnings);

        public void Regression(double value) => Result = new Prediction(null, null, null, value, null, warnings);

        public void Multiclass(int label, ReadOnlySpan<double> probabilities)
        {
            var byClass = new Dictionary<string, double>(classes!.Length, StringComparer.Ordinal);
            for (int c = 0; c < classes.Length; c++) byClass[classes[c]] = probabilities[c];
            Result = new Prediction(classes[label], null, null, null, byClass, warnings);
        }
    }

    private struct LoggedScoreSink : IAnswerSink
    {
        public LoggedScore Result { get; private set; }
        public void Binary(int label, double probability, bool defect) => Result = new LoggedScore(probability, label);
        public void Regression(double value) => Result = new LoggedScore(value, -1);
        public void Multiclass(int label, ReadOnlySpan<double> probabilities) => Result = new LoggedScore(probabilities[label], label);
    }
}

/// <summary>Where <see cref="Scorer.Answer"/> delivers one record's answer, in the task's own terms.</summary>
internal interface IAnswerSink
{
    /// <param name="label">0 negative, 1 positive (at or above the threshold)</param>
    void Binary(int label, double probability, bool defect);

    void Regression(double value);

    /// <param name="label">the most probable class, first on a tie</param>
    /// <param name="probabilities">one per class, in Classes order</param>
    void Multiclass(int label, ReadOnlySpan<double> probabilities);
}
