using DefectApi.Tabular.Frames;

namespace DefectApi.Tabular.Monitoring;

/// <summary>The live counts of every model input and of the output on a <see cref="TrainingProfile"/>'s bins: the one
/// counting code behind both <see cref="DriftAccumulator"/> and <see cref="RollupCounts"/>, so a rollup's drift is the
/// accumulator's by construction. The profile is passed in wherever a value is binned or a report is made, as counts
/// read back from storage come without it.</summary>
internal sealed class DriftCounts
{
    private readonly LiveCounts[] _columns;
    private readonly LiveCounts _output;

    public DriftCounts(TrainingProfile profile)
        : this(profile.Columns.Select(c => new LiveCounts(c)).ToArray(), new LiveCounts(profile.Output)) { }

    private DriftCounts(LiveCounts[] columns, LiveCounts output)
    {
        _columns = columns;
        _output = output;
    }

    /// <summary>Whether these counts are on <paramref name="profile"/>'s bins, input by input and for the output.</summary>
    public bool Fits(TrainingProfile profile) =>
        profile.Columns.Count == _columns.Length && _output.Fits(profile.Output)
        && _columns.Select((c, i) => c.Fits(profile.Columns[i])).All(f => f);

    /// <summary>Counts a cell per model input, in <see cref="ModelArtifact.Inputs"/> order (Missing for a null or absent value).</summary>
    public void AddRecord(TrainingProfile profile, ReadOnlySpan<CellValue> cellsInInputsOrder, string parameterName)
    {
        if (cellsInInputsOrder.Length != _columns.Length)
            throw new ArgumentException($"A record needs {_columns.Length} cells (one per model input), got {cellsInInputsOrder.Length}.",
                parameterName);
        for (int i = 0; i < _columns.Length; i++) _columns[i].Add(profile.Columns[i], cellsInInputsOrder[i]);
    }

    /// <summary>A binary probability or a regression value; not finite counts as missing.</summary>
    public void AddOutputNumber(TrainingProfile profile, double value) => _output.AddNumber(profile.Output, value);

    /// <summary>A multiclass answer: the index of the predicted class in the model's order, null for missing.</summary>
    public void AddOutputClass(TrainingProfile profile, int? classIndex) => _output.AddBin(profile.Output, classIndex);

    /// <summary>Whether <paramref name="other"/> counts on the same bins, input by input and for the output.</summary>
    public bool SameShape(DriftCounts other) =>
        other._columns.Length == _columns.Length && _output.SameShape(other._output)
        && _columns.Select((c, i) => c.SameShape(other._columns[i])).All(s => s);

    /// <summary>Adds counts on the same bins; with others, throws before changing anything.</summary>
    public void Add(DriftCounts other)
    {
        if (!SameShape(other)) throw new InvalidDataException("Drift counts on different inputs or bins cannot be added up.");
        for (int i = 0; i < _columns.Length; i++) _columns[i].Add(other._columns[i]);
        _output.Add(other._output);
    }

    public DriftReport Report(TrainingProfile profile, long records, long outputs) =>
        new(records, outputs, _columns.Select((c, i) => c.Report(profile.Columns[i], records)).ToArray(),
        _output.Report(profile.Output, outputs));

    public void Write(BinaryWriter writer)
    {
        writer.Write7BitEncodedInt(_columns.Length);
        foreach (var column in _columns) column.Write(writer);
        _output.Write(writer);
    }

    public static DriftCounts Read(BinaryReader reader)
    {
        var columns = new LiveCounts[CompactCounts.ReadLength(reader)];
        for (int i = 0; i < columns.Length; i++) columns[i] = LiveCounts.Read(reader);
        return new DriftCounts(columns, LiveCounts.Read(reader));
    }
}
