using System.Globalization;
using DefectApi.Tabular.Metrics;
using DefectApi.Tabular.Targets;

namespace DefectApi.Tabular.Monitoring;

/// <summary>How a model's logged answers compare with the outcomes reported later: the live counterpart of the
/// validation metrics, computed the same way.</summary>
public static class OutcomeMetrics
{
    /// <summary>An actual result in the model's terms: a class index (classification) or the value (regression);
    /// null, with what is wrong, when the text is neither one of the model's classes nor a finite number.</summary>
    public static (double? Actual, string? Problem) Parse(IMonitoredModel model, string actual)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(actual);
        if (ReadActual(model.Task, model.Classes, actual) is { } value) return (value, null);
        return model.Task == TaskKind.Regression
            ? (null, $"'{actual}' is not a number; '{model.Target}' is measured in numbers.")
            : (null, $"'{actual}' is not a class of '{model.Target}'; its classes are " +
                $"{string.Join(", ", model.Classes!.Select(c => $"'{c}'"))}.");
    }

    /// <summary><see cref="Parse"/>'s reading for a task and its classes, without the model (rollups read back from
    /// storage have only these): a class index or a finite value, null when the text is neither.</summary>
    internal static double? ReadActual(TaskKind task, IReadOnlyList<string>? classes, string actual)
    {
        if (task == TaskKind.Regression)
            return double.TryParse(actual, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
                && double.IsFinite(value) ? value : null;
        int index = IndexOf(classes!, actual.Trim());
        return index >= 0 ? index : null;
    }

    internal static int IndexOf(IReadOnlyList<string> classes, string actual)
    {
        for (int i = 0; i < classes.Count; i++) if (classes[i] == actual) return i;
        return -1;
    }

    /// <summary>
    /// Binary: auc, precision, recall and f1 at the model's threshold, observedDefectRate (share of actual positives)
    /// and meanPredictedDefectRate (mean probability). Regression: rmse, mae and bias (mean of predicted − actual).
    /// Multiclass: accuracy and macroF1. Null where a metric is undefined (AUC with one class present).
    /// </summary>
    /// <param name="scores">binary: the positive class's probability; regression: the value (multiclass: unused)</param>
    /// <param name="labels">the predicted class (multiclass)</param>
    /// <param name="actuals">from <see cref="Parse"/></param>
    public static IReadOnlyDictionary<string, double?> Compute(IMonitoredModel model, IReadOnlyList<double> scores,
        IReadOnlyList<string?> labels, IReadOnlyList<double> actuals)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(actuals);
        int n = actuals.Count;
        if (n == 0) return new Dictionary<string, double?>();
        switch (model.Task)
        {
            case TaskKind.Binary:
            {
                var probabilities = scores.ToArray();
                var positive = actuals.Select(a => a == 1).ToArray();
                var counts = BinaryMetrics.ConfusionAt(probabilities, positive, model.Threshold!.Value);
                bool bothClasses = positive.Any(p => p) && positive.Any(p => !p);
                return new Dictionary<string, double?>
                {
                    ["auc"] = bothClasses ? BinaryMetrics.Auc(probabilities, positive) : null,
                    ["precision"] = counts.Precision,
                    ["recall"] = counts.Recall,
                    ["f1"] = counts.F1,
                    ["observedDefectRate"] = positive.Count(p => p) / (double)n,
                    ["meanPredictedDefectRate"] = probabilities.Average(),
                };
            }
            case TaskKind.Regression:
            {
                var errors = scores.Zip(actuals, (p, a) => p - a).ToArray();
                return new Dictionary<string, double?>
                {
                    ["rmse"] = Math.Sqrt(errors.Average(e => e * e)),
                    ["mae"] = errors.Average(Math.Abs),
                    ["bias"] = errors.Average(),
                };
            }
            default:
            {
                int classes = model.Classes!.Count;
                var matrix = Enumerable.Range(0, classes).Select(_ => new long[classes]).ToArray();
                for (int i = 0; i < n; i++)
                {
                    int predicted = labels[i] is { } label ? IndexOf(model.Classes, label) : -1;
                    if (predicted >= 0) matrix[(int)actuals[i]][predicted]++;
                }
                long correct = Enumerable.Range(0, classes).Sum(c => matrix[c][c]);
                return new Dictionary<string, double?>
                {
                    ["accuracy"] = (double)correct / n,
                    ["macroF1"] = MulticlassMetrics.MacroF1(matrix),
                };
            }
        }
    }
}
