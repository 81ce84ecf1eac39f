using DefectApi.Tabular.Metrics;
using DefectApi.Tabular.Targets;

namespace DefectApi.Tabular.Monitoring;

/// <summary>The outcome side of a <see cref="RollupCounts"/>: what the live metrics of <see cref="OutcomeMetrics.Compute"/>
/// need, as counts and sums that add up across hours and take an outcome back by adding it with sign −1.</summary>
internal abstract class OutcomeCounts
{
    /// <summary>Outcomes the model could read (one of its classes, or a number), taken-back ones subtracted.</summary>
    public abstract long Readable { get; }

    /// <param name="score">binary: P(positive) in [0, 1]; regression: the value; multiclass: unused</param>
    /// <param name="predicted">classification: the index of the class answered, null when the label is none of the model's</param>
    /// <param name="actual">a class index or the value, as <see cref="OutcomeMetrics.ReadActual"/> gives it</param>
    /// <param name="sign">+1 to count the outcome, −1 to take it back</param>
    public abstract void Add(double score, int? predicted, double actual, int sign);

    public abstract void Add(OutcomeCounts other);

    /// <summary>The keys of <see cref="OutcomeMetrics.Compute"/> for the task; call only with <see cref="Readable"/> above 0.</summary>
    public abstract Dictionary<string, double?> Metrics();

    public abstract void Write(BinaryWriter writer);

    public static OutcomeCounts For(TaskKind task, int classes) => task switch
    {
        TaskKind.Binary => new BinaryOutcomeCounts(),
        TaskKind.Regression => new RegressionOutcomeCounts(),
        _ => new MulticlassOutcomeCounts(classes),
    };

    public static OutcomeCounts Read(TaskKind task, int classes, BinaryReader reader) => task switch
    {
        TaskKind.Binary => BinaryOutcomeCounts.Read(reader),
        TaskKind.Regression => RegressionOutcomeCounts.Read(reader),
        _ => MulticlassOutcomeCounts.Read(classes, reader),
    };

    protected T Same<T>(OutcomeCounts other) where T : OutcomeCounts =>
        other as T ?? throw new InvalidDataException("Outcome counts of different tasks cannot be added up.");
}

/// <summary>Binary: a score histogram per actual class (the AUC), the confusion counts of the decisions as they were
/// given (the threshold in force at prediction time), and the sum of the probabilities.</summary>
internal sealed class BinaryOutcomeCounts : OutcomeCounts
{
    private ScoreHistogram _negatives = new(), _positives = new();
    private long _truePositives, _falsePositives, _falseNegatives, _trueNegatives;
    private double _probabilitySum;

    public override long Readable => _truePositives + _falsePositives + _falseNegatives + _trueNegatives;

    public override void Add(double score, int? predicted, double actual, int sign)
    {
        bool defectAnswered = predicted == 1, defectFound = actual == 1;
        (defectFound ? _positives : _negatives).Add(ScoreHistogram.BinOf(score), sign);
        if (defectFound)
        {
            if (defectAnswered) _truePositives += sign;
            else _falseNegatives += sign;
        }
        else if (defectAnswered) _falsePositives += sign;
        else _trueNegatives += sign;
        _probabilitySum += sign * score;
    }

    public override void Add(OutcomeCounts other)
    {
        var binary = Same<BinaryOutcomeCounts>(other);
        _negatives.Add(binary._negatives);
        _positives.Add(binary._positives);
        _truePositives += binary._truePositives;
        _falsePositives += binary._falsePositives;
        _falseNegatives += binary._falseNegatives;
        _trueNegatives += binary._trueNegatives;
        _probabilitySum += binary._probabilitySum;
    }

    public override Dictionary<string, double?> Metrics()
    {
        var decisions = new BinaryMetrics.Confusion(_truePositives, _falsePositives, _falseNegatives, _trueNegatives);
        double n = Readable;
        return new Dictionary<string, double?>
        {
            ["auc"] = ScoreHistogram.Auc(_negatives, _positives),
            ["precision"] = decisions.Precision,
            ["recall"] = decisions.Recall,
            ["f1"] = decisions.F1,
            ["observedDefectRate"] = (_truePositives + _falseNegatives) / n,
            ["meanPredictedDefectRate"] = _probabilitySum / n,
        };
    }

    public override void Write(BinaryWriter writer)
    {
        foreach (long count in (long[])[_truePositives, _falsePositives, _falseNegatives,
            _trueNegatives]) CompactCounts.WriteSigned(writer, count);
        writer.Write(_probabilitySum);
        _negatives.Write(writer);
        _positives.Write(writer);
    }

    public static BinaryOutcomeCounts Read(BinaryReader reader) => new()
    {
        _truePositives = CompactCounts.ReadSigned(reader),
        _falsePositives = CompactCounts.ReadSigned(reader),
        _falseNegatives = CompactCounts.ReadSigned(reader),
        _trueNegatives = CompactCounts.ReadSigned(reader),
        _probabilitySum = reader.ReadDouble(),
        _negatives = ScoreHistogram.Read(reader),
        _positives = ScoreHistogram.Read(reader),
    };
}

/// <summary>Regression: the count and the sums of e, e² and |e| with e = predicted − actual.</summary>
internal sealed class RegressionOutcomeCounts : OutcomeCounts
{
    private long _count;
    private double _errorSum, _squaredErrorSum, _absoluteErrorSum;

    public override long Readable => _count;

    public override void Add(double score, int? predicted, double actual, int sign)
    {
        double error = score - actual;
        _count += sign;
        _errorSum += sign * error;
        _squaredErrorSum += sign * error * error;
        _absoluteErrorSum += sign * Math.Abs(error);
    }

    public override void Add(OutcomeCounts other)
    {
        var regression = Same<RegressionOutcomeCounts>(other);
        _count += regression._count;
        _errorSum += regression._errorSum;
        _squaredErrorSum += regression._squaredErrorSum;
        _absoluteErrorSum += regression._absoluteErrorSum;
    }

    // Taking an outcome back subtracts in floating point, which can leave a sum of squares a rounding below zero.
    public override Dictionary<string, double?> Metrics() => new()
    {
        ["rmse"] = Math.Sqrt(Math.Max(0, _squaredErrorSum / _count)),
        ["mae"] = _absoluteErrorSum / _count,
        ["bias"] = _errorSum / _count,
    };

    public override void Write(BinaryWriter writer)
    {
        CompactCounts.WriteSigned(writer, _count);
        writer.Write(_errorSum);
        writer.Write(_squaredErrorSum);
        writer.Write(_absoluteErrorSum);
    }

    public static RegressionOutcomeCounts Read(BinaryReader reader) => new()
    {
        _count = CompactCounts.ReadSigned(reader),
        _errorSum = reader.ReadDouble(),
        _squaredErrorSum = reader.ReadDouble(),
        _absoluteErrorSum = reader.ReadDouble(),
    };
}

/// <summary>Multiclass: the confusion matrix [actual][predicted], and the count of readable outcomes, which also takes
/// answers whose label is none of the model's classes (they count against accuracy, as in <see cref="OutcomeMetrics.Compute"/>).</summary>
internal sealed class MulticlassOutcomeCounts(int classes) : OutcomeCounts
{
    private readonly long[][] _matrix = Enumerable.Range(0, classes).Select(_ => new long[classes]).ToArray();
    private long _count;

    public override long Readable => _count;

    public override void Add(double score, int? predicted, double actual, int sign)
    {
        _count += sign;
        if (predicted is { } p) _matrix[(int)actual][p] += sign;
    }

    public override void Add(OutcomeCounts other)
    {
        var multiclass = Same<MulticlassOutcomeCounts>(other);
        if (multiclass._matrix.Length != _matrix.Length) throw new InvalidDataException("Confusion matrices of different classes " +
            "cannot be added up.");
        _count += multiclass._count;
        for (int a = 0; a < _matrix.Length; a++)
            for (int p = 0; p < _matrix.Length; p++) _matrix[a][p] += multiclass._matrix[a][p];
    }

    public override Dictionary<string, double?> Metrics()
    {
        long correct = 0;
        for (int c = 0; c < _matrix.Length; c++) correct += _matrix[c][c];
        return new Dictionary<string, double?>
        {
            ["accuracy"] = (double)correct / _count,
            ["macroF1"] = MulticlassMetrics.MacroF1(_matrix),
        };
    }

    public override void Write(BinaryWriter writer)
    {
        CompactCounts.WriteSigned(writer, _count);
        foreach (var row in _matrix)
            foreach (long count in row) CompactCounts.WriteSigned(writer, count);
    }

    public static MulticlassOutcomeCounts Read(int classes, BinaryReader reader)
    {
        // Every cell of the matrix takes at least a byte: refuse a class count the data cannot hold before allocating.
        if ((long)classes * classes > reader.BaseStream.Length - reader.BaseStream.Position)
            throw new InvalidDataException("A stored confusion matrix runs past the end of the data.");
        var counts = new MulticlassOutcomeCounts(classes) { _count = CompactCounts.ReadSigned(reader) };
        foreach (var row in counts._matrix)
            for (int p = 0; p < row.Length; p++) row[p] = CompactCounts.ReadSigned(reader);
        return counts;
    }
}
