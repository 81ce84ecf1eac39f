using DefectApi.Tabular.Metrics;
using DefectApi.Tabular.Targets;

namespace DefectApi.Tabular.Training;

/// <summary>A validation's headline metric (AUC, accuracy or R²) on every out-of-fold row, with its standard error
/// across folds: two validations whose figures differ by less than their noise tell the same story.</summary>
/// <param name="StandardError">spread of the per-fold figures / √folds; null with a single hold-out</param>
public sealed record ValidationFigure(string Metric, double Value, double? StandardError, int Folds);

/// <summary>What validation gave the model's metrics, and (for random folds on data with a time) the time-ordered
/// figure beside it.</summary>
/// <param name="TimeOrdered">null unless the folds were random and the data has a time to order by</param>
public sealed record ValidationReport(ValidationDescription Description, ValidationFigure Figure,
    ValidationDescription? TimeOrderedDescription = null, ValidationFigure? TimeOrdered = null);

internal static class ValidationFigures
{
    /// <param name="parts">per member: the labelled positions it validated on and its outputs there, in target terms</param>
    public static ValidationFigure Of(TargetSpec target, float[] targets, IReadOnlyList<(int[] ValidAt, double[] Outputs)> parts)
    {
        var perFold = parts.Where(p => p.ValidAt.Length > 0).Select(p => Metric(target, targets, p.ValidAt, p.Outputs)).ToArray();
        var pooledAt = parts.SelectMany(p => p.ValidAt).ToArray();
        var pooled = parts.SelectMany(p => p.Outputs).ToArray();
        double value = Metric(target, targets, pooledAt, pooled);
        double? error = null;
        if (perFold.Length > 1 && perFold.All(double.IsFinite))
        {
            double mean = perFold.Average();
            error = Math.Sqrt(perFold.Sum(v => (v - mean) * (v - mean)) / (perFold.Length - 1) / perFold.Length);
        }
        return new ValidationFigure(MetricName(target), value, error, perFold.Length);
    }

    static string MetricName(TargetSpec target) => target.Task switch
    {
        TaskKind.Binary => "auc",
        TaskKind.Multiclass => "accuracy",
        _ => "r2",
    };

    /// <summary>Rows validated by several members count once per member here, which only matters for repeated folds.</summary>
    static double Metric(TargetSpec target, float[] targets, int[] at, double[] outputs)
    {
        switch (target.Task)
        {
            case TaskKind.Binary:
                return BinaryMetrics.Auc(outputs, at.Select(i => targets[i] == 1).ToArray());
            case TaskKind.Regression:
                var actual = at.Select(i => (double)(targets[i] * target.Std + target.Mean)).ToArray();
                return (double)RegressionMetrics.Compute(outputs, actual)["r2"];
            default:
                int k = target.Outputs, correct = 0;
                for (int r = 0; r < at.Length; r++)
                {
                    int best = 0;
                    for (int c = 1; c < k; c++) if (outputs[r * k + c] > outputs[r * k + best]) best = c;
                    if (best == (int)targets[at[r]]) correct++;
                }
                return at.Length == 0 ? double.NaN : (double)correct / at.Length;
        }
    }
}
