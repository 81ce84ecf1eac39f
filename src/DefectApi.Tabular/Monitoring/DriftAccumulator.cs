using DefectApi.Tabular.Frames;
using DefectApi.Tabular.Inference;

namespace DefectApi.Tabular.Monitoring;

/// <summary>
/// Counts live records and outputs into the bins of a model's <see cref="TrainingProfile"/> and reports, per input and
/// for the output, the population stability index against training, the missing and out-of-range shares and a
/// rating. Missing values always have a bin of their own, on both sides: a column that had gaps in training is
/// compared on them too, and gaps that training never had show up as drift. Categories training never saw share one
/// "(unseen)" bin whose training share is 0. Not thread-safe: use one accumulator per report.
/// </summary>
public sealed class DriftAccumulator
{
    private readonly TrainingProfile _profile;
    private readonly DriftCounts _counts;

    /// <summary>An accumulator comparing with the model's training profile.</summary>
    /// <exception cref="InvalidOperationException">the model was stored before training profiles existed
    /// (<see cref="ModelArtifact.Profile"/> is null)</exception>
    public DriftAccumulator(IMonitoredModel model) : this(RequireProfile(model)) { }

    /// <summary>An accumulator comparing with <paramref name="profile"/> (a model's <see cref="ModelArtifact.Profile"/>).</summary>
    public DriftAccumulator(TrainingProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        _profile = profile;
        _counts = new DriftCounts(profile);
    }

    private static TrainingProfile RequireProfile(IMonitoredModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Profile ?? throw new InvalidOperationException(
            "This model was stored before training profiles existed, so there is no training data to compare with; retrain it to " +
            "monitor drift.");
    }

    public long Records { get; private set; }

    public long Outputs { get; private set; }

    /// <summary>Counts one record as the caller gave it: a cell per model input, in <see cref="ModelArtifact.Inputs"/>
    /// order (Missing for a null or absent value). Numeric inputs read numbers, true/false as 1/0 and text that is an
    /// invariant number; anything else counts as missing. Categories are compared trimmed, booleans by meaning
    /// (yes/OK/1 is true).</summary>
    public void AddRecord(ReadOnlySpan<CellValue> cellsInInputsOrder)
    {
        _counts.AddRecord(_profile, cellsInInputsOrder, nameof(cellsInInputsOrder));
        Records++;
    }

    /// <summary>Counts every record a reader put in the batch; an input a record lacks counts as missing.</summary>
    public void AddRecords(RecordBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int width = _profile.Columns.Count;
        var cells = batch.Cells;
        var record = new CellValue[width];
        for (int r = 0; r < batch.Count; r++)
        {
            for (int i = 0; i < width; i++) record[i] = batch.IsGiven(r, i) ? cells[r * width + i] : CellValue.Missing;
            AddRecord(record);
        }
    }

    /// <summary>Counts one answer in the model's terms: binary [P(positive)], regression [value], multiclass the class
    /// probabilities in <see cref="ModelArtifact.Classes"/> order (the predicted class is the most probable, the
    /// first on a tie). A value that is not finite counts as missing.</summary>
    public void AddOutput(ReadOnlySpan<double> output)
    {
        var baseline = _profile.Output;
        int expected = baseline.Kind == BaselineKind.Categorical ? baseline.Categories.Count : 1;
        if (output.Length != expected)
            throw new ArgumentException($"An output of this model has {expected} value(s), got {output.Length}.", nameof(output));
        if (baseline.Kind == BaselineKind.Categorical)
        {
            bool finite = true;
            foreach (double p in output) finite &= double.IsFinite(p);
            _counts.AddOutputClass(_profile, finite ? TrainingProfile.ArgMax(output) : null);
        }
        else _counts.AddOutputNumber(_profile, output[0]);
        Outputs++;
    }

    /// <summary>The drift of every input and of the output so far. With no records (outputs), every input (the
    /// output) has status <see cref="DriftStatus.NoData"/>, null PSI and shares, and its bins show training alone.</summary>
    public DriftReport Report() => _counts.Report(_profile, Records, Outputs);
}
