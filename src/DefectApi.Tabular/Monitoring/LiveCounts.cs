using DefectApi.Tabular.Frames;

namespace DefectApi.Tabular.Monitoring;

/// <summary>One column's live counts on the bins of its <see cref="ColumnBaseline"/>: a count per bin, the missing
/// ones and those outside what training saw. The counts are plain numbers that can be stored and added up; the baseline
/// that bins a value is passed in, because counts read back from storage (<see cref="RollupCounts"/>) come without
/// their model.</summary>
internal sealed class LiveCounts
{
    private readonly long[] _bins;
    private long _missing, _outOfRange;

    public LiveCounts(ColumnBaseline baseline) : this(baseline.Kind, new long[baseline.LiveBins]) { }

    private LiveCounts(BaselineKind kind, long[] bins)
    {
        Kind = kind;
        _bins = bins;
    }

    private BaselineKind Kind { get; }

    /// <summary>Whether these counts are on <paramref name="baseline"/>'s bins (same kind, same number of bins).</summary>
    public bool Fits(ColumnBaseline baseline) => baseline.Kind == Kind && baseline.LiveBins == _bins.Length;

    public void Add(ColumnBaseline baseline, CellValue cell)
    {
        switch (baseline.Kind)
        {
            case BaselineKind.Numeric:
                AddNumber(baseline, CellReading.Number(cell));
                break;
            case BaselineKind.Categorical:
                AddBin(baseline, CellReading.Category(cell, baseline.Type) is { } category ? baseline.BinOf(category) : null);
                break;
            default:
                if (CellReading.IsMissing(cell)) _missing++;
                break;
        }
    }

    public void AddNumber(ColumnBaseline baseline, double value)
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

    /// <param name="baseline">a categorical baseline</param>
    /// <param name="bin">a categorical bin, null for missing</param>
    public void AddBin(ColumnBaseline baseline, int? bin)
    {
        if (bin is not { } b)
        {
            _missing++;
            return;
        }
        _bins[b]++;
        if (b == baseline.UnseenBin) _outOfRange++;
    }

    /// <summary>Whether <paramref name="other"/> counts on the same bins.</summary>
    public bool SameShape(LiveCounts other) => other.Kind == Kind && other._bins.Length == _bins.Length;

    /// <summary>Adds another column's counts on the same bins.</summary>
    public void Add(LiveCounts other)
    {
        if (!SameShape(other))
            throw new InvalidDataException("Drift counts on different bins cannot be added up.");
        for (int b = 0; b < _bins.Length; b++) _bins[b] += other._bins[b];
        _missing += other._missing;
        _outOfRange += other._outOfRange;
    }

    /// <param name="count">the records (or outputs) counted, the denominator of every live share</param>
    public ColumnDrift Report(ColumnBaseline baseline, long count)
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

    /// <summary>The kind, the number of bins, then every count as a variable-length number.</summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write((byte)Kind);
        writer.Write7BitEncodedInt(_bins.Length);
        foreach (long count in _bins) writer.Write7BitEncodedInt64(count);
        writer.Write7BitEncodedInt64(_missing);
        writer.Write7BitEncodedInt64(_outOfRange);
    }

    public static LiveCounts Read(BinaryReader reader)
    {
        var kind = (BaselineKind)reader.ReadByte();
        if (!Enum.IsDefined(kind)) throw new InvalidDataException($"Unknown baseline kind {kind} in drift counts.");
        var counts = new LiveCounts(kind, new long[CompactCounts.ReadLength(reader)]);
        for (int b = 0; b < counts._bins.Length; b++) counts._bins[b] = CompactCounts.ReadNonNegative(reader);
        counts._missing = CompactCounts.ReadNonNegative(reader);
        counts._outOfRange = CompactCounts.ReadNonNegative(reader);
        return counts;
    }
}
