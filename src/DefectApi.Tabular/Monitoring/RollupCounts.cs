using System.Text;
using DefectApi.Tabular.Frames;
using DefectApi.Tabular.Targets;

namespace DefectApi.Tabular.Monitoring;

/// <summary>
/// What monitoring needs of one model's answers over a stretch of time (an hour), as counts that add up: merging hours
/// is <see cref="Add"/>. It holds the answers, and per model input and for the output the counts on the training
/// profile's bins (the same counting as <see cref="DriftAccumulator"/>, so <see cref="Drift"/> equals its report on the
/// same answers); and, for outcomes joined to answers, what <see cref="OutcomeMetrics.Compute"/> needs: binary a score
/// histogram per actual class (<see cref="ScoreHistogram"/>), the confusion counts of the decisions as given and the sum
/// of the probabilities; regression the sums of e, e² and |e|; multiclass the confusion matrix. <see cref="ToBytes"/>
/// stores it compactly and <see cref="FromBytes(ReadOnlySpan{byte})"/> reads it back without the model. Not
/// thread-safe.
/// </summary>
public sealed class RollupCounts
{
    /// <summary>The first byte of <see cref="ToBytes"/>, raised whenever the layout changes.</summary>
    private const byte FormatVersion = 1;

    /// <summary>The tasks in the order of their stored code.</summary>
    private static readonly TaskKind[] Tasks = [TaskKind.Binary, TaskKind.Regression, TaskKind.Multiclass];

    private readonly TaskKind _task;
    private readonly string[] _classes;
    private readonly DriftCounts? _drift;
    private readonly OutcomeCounts _outcomes;

    /// <summary>Bins answers into <see cref="_drift"/>; null for counts read back without their model.</summary>
    private TrainingProfile? _profile;

    private RollupCounts(TaskKind task, string[] classes, DriftCounts? drift, OutcomeCounts outcomes, TrainingProfile? profile)
    {
        _task = task;
        _classes = classes;
        _drift = drift;
        _outcomes = outcomes;
        _profile = profile;
    }

    /// <summary>Empty counts shaped by the model: its task and classes, and its <see cref="ModelArtifact.Profile"/>'s
    /// bins (a model stored before profiles existed gets no drift counts).</summary>
    public static RollupCounts For(IMonitoredModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        string[] classes = model.Classes?.ToArray() ?? [];
        var drift = model.Profile is { } profile ? new DriftCounts(profile) : null;
        return new RollupCounts(model.Task, classes, drift, OutcomeCounts.For(model.Task, classes.Length), model.Profile);
    }

    public long Answers { get; private set; }

    /// <summary>Outcomes joined to answers, taken-back ones subtracted; also those whose actual the model cannot read
    /// (which count in no metric).</summary>
    public long WithOutcome { get; private set; }

    /// <summary>Counts one answer: its record into each input's bins, its output into the output's bins.</summary>
    /// <param name="inputsInModelOrder">a cell per model input, in <see cref="ModelArtifact.Inputs"/> order (Missing
    /// for a null or absent value), read as <see cref="DriftAccumulator.AddRecord"/> reads them</param>
    /// <param name="score">binary: P(positive class); regression: the value; multiclass: unused</param>
    /// <param name="label">the class answered (multiclass: its bin; null or no class of the model counts as missing)</param>
    /// <exception cref="InvalidOperationException">counts read back without their model, whose model has a profile:
    /// read them with <see cref="FromBytes(ReadOnlySpan{byte}, ModelArtifact)"/> to count more answers</exception>
    public void AddAnswer(ReadOnlySpan<CellValue> inputsInModelOrder, double score, string? label)
    {
        if (_drift is not null)
        {
            var profile = _profile ?? throw new InvalidOperationException(
                "These counts were read back without their model, so there is no training profile to bin answers by; read them " +
                "with FromBytes(bytes, model).");
            _drift.AddRecord(profile, inputsInModelOrder, nameof(inputsInModelOrder));
            if (profile.Output.Kind == BaselineKind.Categorical) _drift.AddOutputClass(profile, ClassIndex(label));
            else _drift.AddOutputNumber(profile, score);
        }
        Answers++;
    }

    /// <summary>Counts (sign +1) or takes back (sign −1, when a later report replaced it) one outcome of an answer.</summary>
    /// <param name="score">the answer's: binary P(positive class) in [0, 1]; regression the value; multiclass unused</param>
    /// <param name="label">the class answered; binary: the positive class (<see cref="ModelArtifact.Classes"/>[1]) is a
    /// decision "defect" at the threshold in force then, anything else a decision "no defect"</param>
    /// <param name="actual">as reported; read as <see cref="OutcomeMetrics.Parse"/> reads it. One the model cannot read
    /// counts in <see cref="WithOutcome"/> alone.</param>
    public void AddOutcome(double score, string? label, string actual, int sign)
    {
        ArgumentNullException.ThrowIfNull(actual);
        if (sign is not (1 or -1)) throw new ArgumentOutOfRangeException(nameof(sign), sign,
            "An outcome is counted (+1) or taken back (−1).");
        if (OutcomeMetrics.ReadActual(_task, _classes, actual) is { } value)
        {
            if (_task == TaskKind.Binary && !(score >= 0 && score <= 1))
                throw new ArgumentOutOfRangeException(nameof(score), score, "A binary answer's score is a probability.");
            if (_task == TaskKind.Regression && !double.IsFinite(score))
                throw new ArgumentOutOfRangeException(nameof(score), score, "A regression answer is a finite number.");
            _outcomes.Add(score, ClassIndex(label), value, sign);
        }
        WithOutcome += sign;
    }

    private int? ClassIndex(string? label) =>
        label is not null && OutcomeMetrics.IndexOf(_classes, label) is var index and >= 0 ? index : null;

    /// <summary>Adds counts of the same shape: another hour of the same model.</summary>
    /// <exception cref="InvalidDataException">the counts are of another task, other classes or other profile bins;
    /// nothing is added then</exception>
    public void Add(RollupCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!SameShape(other)) throw new InvalidDataException("Rollup counts of another task, other classes or another training " +
            "profile cannot be added up.");
        _drift?.Add(other._drift!);
        _outcomes.Add(other._outcomes);
        Answers += other.Answers;
        WithOutcome += other.WithOutcome;
    }

    private bool SameShape(RollupCounts other) =>
        other._task == _task && other._classes.SequenceEqual(_classes, StringComparer.Ordinal)
                             && (_drift is null ? other._drift is null : other._drift is not null && _drift.SameShape(other._drift));

    /// <summary>The live metrics of the readable outcomes, with the keys and meanings of
    /// <see cref="OutcomeMetrics.Compute"/>; precision, recall and F1 of the decisions as they were given. Empty when
    /// no outcome is readable; the AUC is null while one class has no outcomes.</summary>
    public IReadOnlyDictionary<string, double?> Metrics() =>
        _outcomes.Readable > 0 ? _outcomes.Metrics() : new Dictionary<string, double?>();

    /// <summary>The drift of every input and of the output against <paramref name="profile"/> (the model's
    /// <see cref="ModelArtifact.Profile"/>), as <see cref="DriftAccumulator.Report"/> gives it for the same answers.</summary>
    /// <exception cref="InvalidDataException">the counts have no drift counts (their model has no profile) or are not on
    /// this profile's bins</exception>
    public DriftReport Drift(TrainingProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (_drift is null) throw new InvalidDataException("These counts hold no drift counts: their model has no training profile.");
        if (!_drift.Fits(profile)) throw new InvalidDataException("These drift counts are not on this training profile's bins: " +
            "they are another model's.");
        return _drift.Report(profile, Answers, Answers);
    }

    /// <summary>The counts in a compact binary form: a format byte, the task and the class names (so it reads back
    /// without the model), then the counts as variable-length numbers and the score histograms sparse.</summary>
    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(FormatVersion);
            writer.Write((byte)Array.IndexOf(Tasks, _task));
            writer.Write7BitEncodedInt(_classes.Length);
            foreach (string name in _classes) writer.Write(name);
            writer.Write7BitEncodedInt64(Answers);
            CompactCounts.WriteSigned(writer, WithOutcome);
            writer.Write(_drift is not null);
            _drift?.Write(writer);
            _outcomes.Write(writer);
        }
        return stream.ToArray();
    }

    /// <summary>Counts written by <see cref="ToBytes"/>. <see cref="Metrics"/>, <see cref="Add"/>, <see cref="AddOutcome"/>
    /// and <see cref="Drift"/> (given the model's profile) work on them; <see cref="AddAnswer"/> needs the model's
    /// profile, given by <see cref="FromBytes(ReadOnlySpan{byte}, ModelArtifact)"/>.</summary>
    /// <exception cref="InvalidDataException">anything that is not intact counts of a known format</exception>
    public static RollupCounts FromBytes(ReadOnlySpan<byte> bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes.ToArray()), Encoding.UTF8);
        try
        {
            byte format = reader.ReadByte();
            if (format != FormatVersion) throw new InvalidDataException($"These rollup counts are in format {format}; this " +
                $"version reads format {FormatVersion}.");
            int taskCode = reader.ReadByte();
            if (taskCode >= Tasks.Length) throw new InvalidDataException($"Unknown task code {taskCode} in rollup counts.");
            var task = Tasks[taskCode];
            var classes = new string[CompactCounts.ReadLength(reader)];
            for (int c = 0; c < classes.Length; c++) classes[c] = reader.ReadString();
            if (task == TaskKind.Binary ? classes.Length != 2 : task == TaskKind.Regression ? classes.Length != 0 : classes.Length < 2)
                throw new InvalidDataException($"Rollup counts of a {task.WireName()} model with {classes.Length} classes.");
            long answers = CompactCounts.ReadNonNegative(reader), withOutcome = CompactCounts.ReadSigned(reader);
            var drift = reader.ReadByte() switch
            {
                0 => null,
                1 => DriftCounts.Read(reader),
                _ => throw new InvalidDataException("Rollup counts with a damaged drift flag."),
            };
            var outcomes = OutcomeCounts.Read(task, classes.Length, reader);
            if (reader.BaseStream.Position != reader.BaseStream.Length) throw new InvalidDataException("Rollup counts with trailing data.");
            return new RollupCounts(task, classes, drift, outcomes, null) { Answers = answers, WithOutcome = withOutcome };
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or OverflowException)
        {
            throw new InvalidDataException("The rollup counts are damaged or cut short.", e);
        }
    }

    /// <summary>Counts written by <see cref="ToBytes"/> for <paramref name="model"/>, ready to count more answers into
    /// (read, count, write back).</summary>
    /// <exception cref="InvalidDataException">damaged counts, or counts of another task, classes or profile</exception>
    public static RollupCounts FromBytes(ReadOnlySpan<byte> bytes, IMonitoredModel model)
    {
        var counts = FromBytes(bytes);
        if (!counts.SameShape(For(model))) throw new InvalidDataException("These rollup counts are not of this model's task, " +
            "classes or training profile.");
        counts._profile = model.Profile;
        return counts;
    }
}
