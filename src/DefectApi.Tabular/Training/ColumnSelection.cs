using DefectApi.Tabular.Schema;
using DefectApi.Tabular.Training;

namespace DefectApi.Tabular.Training;

/// <summary>Which columns feed the model: every column but the target, minus Exclude, identifiers and constants;
/// or exactly Features when given. Every column not used is listed with its reason.</summary>
internal static class ColumnSelection
{
    public const string Target = "target", Excluded = "excluded", Identifier = "identifier", Constant = "constant",
        NotInFeatures = "not in features";

    public static (List<int> Used, List<DroppedColumn> Dropped) Choose(IReadOnlyList<ColumnProfile> columns, int target,
        IReadOnlyList<string>? features, IReadOnlyList<string> exclude)
    {
        var names = columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var unknown = (features ?? []).Concat(exclude).Where(n => !names.Contains(n)).Distinct().ToList();
        if (unknown.Count > 0)
            throw new TrainingDataException(
                $"Unknown column(s) in features/exclude: {string.Join(", ", unknown.Select(n => $"'{n}'"))}. " +
                $"The dataset's columns are: {string.Join(", ", columns.Select(c => $"'{c.Name}'"))}.");
        var wanted = features?.ToHashSet(StringComparer.Ordinal);
        var excluded = exclude.ToHashSet(StringComparer.Ordinal);
        var used = new List<int>();
        var dropped = new List<DroppedColumn>();
        for (int i = 0; i < columns.Count; i++)
        {
            var column = columns[i];
            string? reason =
                i == target ? Target
                : excluded.Contains(column.Name) ? Excluded
                : wanted is not null ? (wanted.Contains(column.Name) ? null : NotInFeatures)
                : column.Type == ColumnType.Identifier ? Identifier
                : column.Type == ColumnType.Constant ? Constant
                : null;
            if (reason is null) used.Add(i);
            else dropped.Add(new DroppedColumn(column.Name, reason));
        }
        if (used.Count == 0)
            throw new TrainingDataException(
                "No usable feature columns remain: every column is the target, excluded, an identifier or constant. " +
                "List the columns to use in 'features' or exclude fewer.");
        return (used, dropped);
    }
}
