using System.Globalization;
using DefectApi.Tabular.Frames;
using DefectApi.Tabular.Schema;
using DefectApi.Tabular.Targets;

namespace DefectApi.Tabular.Training;

/// <summary>Reads the target column of the training data: the task it asks for, its classes or its scale, and the
/// rows that have a target.</summary>
internal static class TargetResolver
{
    private static readonly string[] DefectWords = ["1", "true", "yes", "ng", "nok", "fail", "failed", "defect", "bad", "scrap"];

    /// <summary>Resolves the task and encodes the target of every row that has one: binary 0/1 (1 = positive),
    /// multiclass class index, regression standardised.</summary>
    public static (TargetSpec Spec, int[] Rows, float[] Targets) Resolve(TabularFrame frame, int column, TabularTrainingOptions options)
    {
        var profile = frame.Columns[column];
        var rows = new List<int>(frame.RowCount);
        var labels = new List<string>(frame.RowCount);
        var numbers = new List<double>(frame.RowCount);
        for (int r = 0; r < frame.RowCount; r++)
        {
            var cell = frame.GetCell(r, column);
            if (cell.Kind == CellKind.Missing) continue;
            rows.Add(r);
            labels.Add(Label(cell, frame, r, column));
            numbers.Add(cell.Kind == CellKind.Number ? cell.Number : double.NaN);
        }
        if (rows.Count == 0)
            throw new TrainingDataException($"Every row's target '{profile.Name}' is missing: choose a target column that has values.");
        var counts = labels.GroupBy(l => l, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        if (counts.Count < 2)
            throw new TrainingDataException(
                $"The target '{profile.Name}' has a single value ('{labels[0]}'): a model needs at least two outcomes. Choose " +
                "another target.");
        bool numeric = numbers.All(double.IsFinite);

        var task = options.Task switch
        {
            TaskKind.Auto when numeric => counts.Count == 2 ? TaskKind.Binary : TaskKind.Regression,
            TaskKind.Auto => counts.Count == 2 ? TaskKind.Binary : TaskKind.Multiclass,
            _ => options.Task,
        };
        return task switch
        {
            TaskKind.Regression => ResolveRegression(profile.Name, numeric, rows, numbers),
            TaskKind.Binary => ResolveBinary(profile.Name, options.PositiveClass, rows, labels, counts, numeric),
            _ => ResolveMulticlass(profile.Name, rows, labels, counts, numeric),
        };
    }

    /// <summary>Boolean columns keep their own words (OK/NG), numbers their invariant spelling (0/1, -1/1).</summary>
    private static string Label(CellValue cell, TabularFrame frame, int row, int column) => cell.Kind switch
    {
        CellKind.Number => cell.Number.ToString("R", CultureInfo.InvariantCulture),
        CellKind.Text => cell.Text!,
        _ => frame.TextValues(column) is var (codes, entries) ? entries[codes[row] - 1] : cell.ToString(),
    };

    private static (TargetSpec, int[], float[]) ResolveRegression(string name, bool numeric, List<int> rows, List<double> numbers)
    {
        if (!numeric)
            throw new TrainingDataException($"Regression needs a numeric target, but '{name}' holds text. Use task 'multiclass' " +
                "or 'binary', or another target.");
        var (mean, std) = FiniteStatistics.MeanAndStd(numbers);
        if (std < 1e-12) std = 1;
        var targets = numbers.Select(v => (float)FiniteStatistics.Standardise(v, mean, std)).ToArray();
        return (new TargetSpec(TaskKind.Regression, null, mean, std), rows.ToArray(), targets);
    }

    private static (TargetSpec, int[], float[]) ResolveBinary(string name, string? positiveClass, List<int> rows, List<string> labels,
        Dictionary<string, int> counts, bool numeric)
    {
        if (counts.Count != 2)
            throw new TrainingDataException(
                $"Binary classification needs exactly two target values, but '{name}' has {counts.Count}. Use task 'multiclass' " +
                "or 'regression'.");
        var ordered = Order(counts.Keys, numeric);
        string positive;
        if (positiveClass is not null)
        {
            positive = ordered.FirstOrDefault(c => c == positiveClass)
                ?? ordered.FirstOrDefault(c => string.Equals(c, positiveClass, StringComparison.OrdinalIgnoreCase))
                ?? throw new TrainingDataException(
                    $"positiveClass '{positiveClass}' is not a value of '{name}'; its values are '{ordered[0]}' and '{ordered[1]}'.");
        }
        else positive = DefaultPositive(ordered, counts);
        string negative = ordered.First(c => c != positive);
        var targets = labels.Select(l => l == positive ? 1f : 0f).ToArray();
        return (new TargetSpec(TaskKind.Binary, [negative, positive], 0, 1), rows.ToArray(), targets);
    }

    /// <summary>The minority class is the defect; on a tie a defect-sounding word (NG, fail, 1, true…) wins.</summary>
    private static string DefaultPositive(string[] ordered, Dictionary<string, int> counts)
    {
        if (counts[ordered[0]] != counts[ordered[1]]) return counts[ordered[0]] < counts[ordered[1]] ? ordered[0] : ordered[1];
        return ordered.FirstOrDefault(c => DefectWords.Contains(c.ToLowerInvariant())) ?? ordered[1];
    }

    private static (TargetSpec, int[], float[]) ResolveMulticlass(string name, List<int> rows, List<string> labels,
        Dictionary<string, int> counts, bool numeric)
    {
        if (counts.Count > TargetSpec.MaxClasses)
            throw new TrainingDataException(
                $"The target '{name}' has {counts.Count} distinct values; classification supports at most {TargetSpec.MaxClasses}. " +
                "Use task 'regression' for a numeric target, or group the classes.");
        var classes = Order(counts.Keys, numeric);
        var index = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        var targets = labels.Select(l => (float)index[l]).ToArray();
        return (new TargetSpec(TaskKind.Multiclass, classes, 0, 1), rows.ToArray(), targets);
    }

    private static string[] Order(IEnumerable<string> labels, bool numeric) => numeric
        ? labels.OrderBy(l => double.Parse(l, CultureInfo.InvariantCulture)).ToArray()
        : labels.Order(StringComparer.Ordinal).ToArray();
}
