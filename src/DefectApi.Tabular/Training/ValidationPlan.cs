using DefectApi.Tabular.Features;
using DefectApi.Tabular.Frames;
using DefectApi.Tabular.Schema;

namespace DefectApi.Tabular.Training;

/// <summary>How the validation rows are chosen: at random (default) or forward in time, each validation fold later
/// than the rows its member trained on.</summary>
public enum ValidationKind { Random, Time }

/// <summary>Which validation gave a model's metrics, in words a user can act on.</summary>
/// <param name="TimeColumn">the column that ordered the rows for time validation; null for random folds or row order</param>
/// <param name="GroupColumn">the column whose groups (lots, batches) never straddle a split; null when none</param>
/// <param name="Note">how the order or groups were found, and anything the user should know about them</param>
public sealed record ValidationDescription(ValidationKind Kind, string? TimeColumn, string? GroupColumn, string Note);

/// <summary>The folds for one training: for each labelled row its fold, and whether members train only on earlier folds.</summary>
/// <param name="Folds">fold per labelled row; −1 = never validated (the earliest rows of a forward split, or a
/// hold-out's training rows)</param>
/// <param name="Forward">member k trains on folds below k instead of on every fold but k</param>
internal sealed record ValidationPlan(int[] Folds, int FoldCount, bool Forward, ValidationDescription Description)
{
    /// <summary>Positions of the training and validation parts for fold k, each ascending.</summary>
    public (int[] Train, int[] Validation) Part(int k) =>
        (Enumerable.Range(0, Folds.Length).Where(i => Forward ? Folds[i] < k : Folds[i] != k).ToArray(),
         Enumerable.Range(0, Folds.Length).Where(i => Folds[i] == k).ToArray());

    /// <summary>Resolves the options' validation against the frame. Random folds without groups are exactly the
    /// stratified folds models were always trained with.</summary>
    /// <param name="rows">the labelled rows, in frame order; <paramref name="targets"/> follows them</param>
    public static ValidationPlan For(TabularFrame frame, int[] rows, float[] targets, bool stratified, int foldCount,
        TabularTrainingOptions options, ValidationKind kind)
    {
        int? groupColumn = options.GroupColumn is null ? null : RequireColumn(frame, options.GroupColumn, "groupColumn");
        string[]? groups = groupColumn is { } g ? rows.Select(r => frame.GetCell(r, g).ToString()).ToArray() : null;
        if (groups is not null && groups.Distinct().Count() < 2)
            throw new TrainingDataException(
                $"groupColumn: '{options.GroupColumn}' has a single value on the labelled rows, so no split can keep groups apart. " +
                "Name a column with several lots or batches, or leave groupColumn out.");
        string groupNote = groups is null ? "" : $" Rows of one '{options.GroupColumn}' stay on one side of every split.";

        if (kind == ValidationKind.Random)
        {
            if (groups is null)
                return new(ValidationSplit.Folds(targets, stratified, foldCount, options.ValidationFraction, options.Seed),
                    foldCount, false, new(kind, null, null, "Random folds" + (stratified ? ", stratified by class." : ".")));
            int folds = Math.Min(foldCount, groups.Distinct().Count());
            return new(ValidationSplit.GroupFolds(groups, folds, options.ValidationFraction, options.Seed), folds, false,
                new(kind, null, options.GroupColumn, "Random folds of whole groups." + groupNote));
        }

        var (order, timeColumn, note) = TimeOrder(frame, rows, options.TimeColumn);
        var forward = ValidationSplit.ForwardFolds(order, groups, foldCount, options.ValidationFraction);
        return new(forward, foldCount, true, new(kind, timeColumn, options.GroupColumn, note + groupNote));
    }

    /// <summary>The rows' time as sortable numbers (ticks or the numeric column's values; missing sorts first), the column
    /// used, and how it was chosen.</summary>
    static (double[] Order, string? Column, string Note) TimeOrder(TabularFrame frame, int[] rows, string? named)
    {
        int column;
        string how;
        if (named is not null)
        {
            column = RequireColumn(frame, named, "timeColumn");
            how = $"Forward in time by '{named}'";
        }
        else
        {
            var datetimes = frame.Columns.Where(c => c.Type == ColumnType.Datetime).Select(c => c.Name).ToList();
            if (datetimes.Count != 1)
                return (rows.Select(r => (double)r).ToArray(), null,
                    (datetimes.Count == 0 ? "Forward in row order: the dataset has no datetime column."
                        : $"Forward in row order: the dataset has several datetime columns ({string.Join(", ", datetimes)}); " +
                            "name one with timeColumn.")
                    + " Each validation fold comes after the rows its network trained on.");
            column = frame.IndexOf(datetimes[0]);
            how = $"Forward in time by '{datetimes[0]}', the dataset's only datetime column";
        }

        var profile = frame.Columns[column];
        double[] order;
        if (profile.Type == ColumnType.Datetime)
        {
            var cells = rows.Select(r => frame.GetCell(r, column)).ToArray();
            var dateOrder = FeaturePipeline.DateOrderOf(cells);
            order = cells.Select(c => c.Kind == CellKind.Text && DateTimeText.TryParse(c.Text, dateOrder, out var t)
                ? t.Ticks : double.NegativeInfinity).ToArray();
        }
        else if (profile.Type == ColumnType.Numeric || (profile.HoldsNumbers && profile.Type == ColumnType.Identifier))
        {
            order = rows.Select(r => frame.GetCell(r, column) is { Kind: CellKind.Number } c ? c.Number : double.NegativeInfinity)
                .ToArray();
        }
        else
        {
            throw new TrainingDataException(
                $"timeColumn: '{profile.Name}' is {profile.Type.ToString().ToLowerInvariant()}, not a date/time or a number, so " +
                "it cannot order the rows. Name a datetime or numeric column, or leave timeColumn out.");
        }
        int missing = order.Count(double.IsNegativeInfinity);
        string missingNote = missing == 0 ? "" : $" {missing} row(s) without a time count as earliest and only ever train.";
        return (order, profile.Name, how + ": each validation fold comes after the rows its network trained on." + missingNote);
    }

    static int RequireColumn(TabularFrame frame, string name, string field)
    {
        int index = frame.IndexOf(name);
        if (index < 0)
            throw new TrainingDataException($"{field}: the dataset has no column '{name}'. Name one of its columns, or leave {field} out.");
        return index;
    }
}
