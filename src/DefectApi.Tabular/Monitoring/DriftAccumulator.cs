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
    private readonly LiveCounts[] _columns;
    private readonly LiveCounts _output;

    /// <summary>An accumulator comparing with the model's training profile.</summary>
    /// <exception cref="InvalidOperationException">the model was stored before training profiles existed
    /// (<see cref="ModelArtifact.Profile"/> is null)</exception>
    public DriftAccumulator(ModelArtifact model) : this(RequireProfile(model)) { }

    /// <summary>An accumulator comparing with <paramref name="profile"/> (a model's <see cref="ModelArtifact.Profile"/>).</summary>
    public DriftAccumulator(TrainingProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        _profile = profile;
        _columns = profile.Columns.Select(c => new LiveCounts(c)).ToArray();
        _output = new LiveCounts(profile.Output);
    }

    private static TrainingProfile RequireProfile(ModelArtifact model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Profile ?? throw new InvalidOperationException(
            "This model was stored before training profiles existed, so there is no training data to compare with; retrain it to monitor drift.");
    }

    /// <summary>Input records counted so far.</summary>
    public long Records { get; private set; }

    /// <summary>Outputs counted so far.</summary>
    public long Outputs { get; private set; }

    /// <summary>Counts one record as the caller gave it: a cell per model input, in <see cref="ModelArtifact.Inputs"/>
    /// order (Missing for a null or absent value). Numeric inputs read numbers, true/false as 1/0 and text that is an
    /// invariant number; anything else counts as missing. Categories are compared trimmed, booleans by meaning
    /// (yes/OK/1 is true).</summary>
    public void AddRecord(ReadOnlySpan<CellValue> cellsInInputsOrder)
    {
        if (cellsInInputsOrder.Length != _columns.Length)
            throw new ArgumentException($"A record needs {_columns.Length} cells (one per model input), got {cellsInInputsOrder.Length}.",
                nameof(cellsInInputsOrder));
        for (int i = 0; i < _columns.Length; i++) _columns[i].Add(cellsInInputsOrder[i]);
        Records++;
    }

    /// <summary>Counts every record a reader put in the batch; an input a record lacks counts as missing.</summary>
    public void AddRecords(RecordBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int width = _columns.Length;
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
            _output.AddBin(finite ? TrainingProfile.ArgMax(output) : null);
        }
        else _output.AddNumber(output[0]);
        Outputs++;
    }

    /// <summary>The drift of every input and of the output so far. With no records (outputs), every input (the
    /// output) has status <see cref="DriftStatus.NoData"/>, null PSI and shares, and its bins show training alone.</summary>
    public DriftReport Report() =>
        new(Records, Outputs, _columns.Select(c => c.Report(Records)).ToArray(), _output.Report(Outputs));

    /// <summary>One column's live counts: a count per bin of the baseline, the missing ones and those outside what
    /// training saw.</summary>
    private sealed class LiveCounts(ColumnBaseline baseline)
    {
        private readonly long[] _bins = new long[baseline.LiveBins];
        private long _missing, _outOfRange;

        public void Add(CellValue cell)
        {
            switch (baseline.Kind)
            {
                case BaselineKind.Numeric:
                    AddNumber(CellReading.Number(cell));
                    break;
                case BaselineKind.Categorical:
                    AddBin(CellReading.Category(cell, baseline.Type) is { } category ? baseline.BinOf(category) : null);
                    break;
                default:
                    if (CellReading.IsMissing(cell)) _missing++;
                    break;
            }
        }

        public void AddNumber(double value)
        {
            if (!double.IsFinite(value))
            {
                _missing++;
                return;
            }
            _bins[baseline.BinOf(value)]++;
            // Written so that a column training never saw a value of (Min and Max NaN) counts every value as outside.
            if (!(value >= baseline.Min && value <= baseline.Max)) _outOfRange++;
        }

        /// <param name="bin">a categorical bin, null for missing</param>
        public void AddBin(int? bin)
        {
            if (bin is not { } b)
            {
                _missing++;
                return;
            }
            _bins[b]++;
            if (b == baseline.UnseenBin) _outOfRange++;
        }

        public ColumnDrift Report(long count)
        {
            // The PSI's bins: the baseline's, then missing.
            var training = new double[_bins.Length + 1];
            var live = new double[_bins.Length + 1];
            var labels = new string[_bins.Length + 1];
            for (int b = 0; b < _bins.Length; b++)
            {
                training[b] = baseline.TrainingShare(b);
                live[b] = count == 0 ? 0 : (double)_bins[b] / count;
                labels[b] = baseline.Label(b);
            }
            training[^1] = baseline.MissingShare;
            live[^1] = count == 0 ? 0 : (double)_missing / count;
            labels[^1] = "(missing)";
            var bins = Enumerable.Range(0, labels.Length).Where(b => training[b] > 0 || live[b] > 0)
                .Select(b => new DriftBin(labels[b], training[b], live[b])).ToArray();

            string name = baseline.Name, type = baseline.Type;
            if (count == 0) return new ColumnDrift(name, type, null, null, null, DriftStatus.NoData, bins);
            double missingShare = live[^1];
            if (baseline.Kind == BaselineKind.NotChecked)
                return new ColumnDrift(name, type, null, missingShare, null, DriftStatus.NotChecked, bins);
            double psi = DriftStatistics.Psi(training, live);
            return new ColumnDrift(name, type, psi, missingShare, (double)_outOfRange / count, DriftStatus.Of(psi), bins);
        }
    }
}
