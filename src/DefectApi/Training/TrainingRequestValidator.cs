using System.Text.Json;
using DefectApi.Datasets;
using DefectApi.Tabular;
using DefectApi.Tabular.Schema;
using DefectApi.Tabular.Targets;
using DefectApi.Tabular.Training;

namespace DefectApi.Training;

/// <summary>Checks a training request against the dataset's schema before anything is queued, so an impossible request
/// is a 400 naming the field instead of a job that fails later. (Its shape is checked before the handler runs: see
/// <see cref="TrainingJobRequest"/>.)</summary>
internal static class TrainingRequestValidator
{
    /// <summary>Schema checks: the target and every named column exist in the dataset, and enough rows have a target
    /// to train on (the per-class minimum needs the split, so the job checks it).</summary>
    public static Dictionary<string, string[]> ValidateAgainst(TrainingJobRequest request, IReadOnlyList<ColumnProfile> columns, long rowCount)
    {
        var errors = new Dictionary<string, string[]>();
        var names = columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        if (!names.Contains(request.Target!))
            errors["target"] = [$"The dataset has no column '{request.Target}'. Its columns are: {Preview(names)}."];
        else if (rowCount - columns.First(c => c.Name == request.Target).Missing is var labelled && labelled < TabularTrainer.MinLabelledRows)
            errors["target"] = [$"Only {labelled} rows of the dataset have a value for '{request.Target}'; training needs at least " +
                $"{TabularTrainer.MinLabelledRows}, so that some rows can validate what the others taught. Upload more labelled rows, or choose another target."];
        if (request.Features?.Where(f => !names.Contains(f)).ToList() is { Count: > 0 } unknownFeatures)
            errors["features"] = [$"Unknown column(s): {string.Join(", ", unknownFeatures)}."];
        if (request.Exclude?.Where(f => !names.Contains(f)).ToList() is { Count: > 0 } unknownExcluded)
            errors["exclude"] = [$"Unknown column(s): {string.Join(", ", unknownExcluded)}."];
        if (request.Features?.Contains(request.Target!) == true)
            errors["features"] = [.. errors.GetValueOrDefault("features", []), "The target cannot also be a feature."];
        if (request.TimeColumn is { } time && TimeColumnProblem(columns, time) is { } timeProblem) errors["timeColumn"] = [timeProblem];
        if (request.GroupColumn is { } group && GroupColumnProblem(columns, group, request.Target!) is { } groupProblem) errors["groupColumn"] = [groupProblem];
        return errors;
    }

    /// <summary>Only a date/time or a number orders rows; a row number (an identifier holding numbers) does too.</summary>
    static string? TimeColumnProblem(IReadOnlyList<ColumnProfile> columns, string name)
    {
        var orderable = columns.Where(c => c.Type is ColumnType.Datetime or ColumnType.Numeric || (c.Type == ColumnType.Identifier && c.Min is not null))
            .Select(c => c.Name).ToList();
        var column = columns.FirstOrDefault(c => c.Name == name);
        if (column is not null && orderable.Contains(name)) return null;
        string choices = orderable.Count == 0 ? "The dataset has no datetime or numeric column: leave timeColumn out to validate in row order."
            : $"Name one of its datetime or numeric columns: {Preview(orderable)}; or leave timeColumn out.";
        return column is null
            ? $"The dataset has no column '{name}'. {choices}"
            : $"'{name}' is {DatasetMapping.TypeName(column.Type)}, so it cannot order the rows in time. {choices}";
    }

    static string? GroupColumnProblem(IReadOnlyList<ColumnProfile> columns, string name, string target)
    {
        var column = columns.FirstOrDefault(c => c.Name == name);
        if (column is null)
            return $"The dataset has no column '{name}'. Name the column that holds the lot, batch or order, or leave groupColumn out. Its columns are: {Preview(columns.Select(c => c.Name))}.";
        if (name == target) return "The target cannot also be the group column: name the lot, batch or order column.";
        if (column.Distinct < 2)
            return $"'{name}' has a single value, so it cannot keep groups apart: every row is one group. Name a column with several lots or batches, or leave groupColumn out.";
        return null;
    }

    static string Preview(IEnumerable<string> names)
    {
        var list = names.Take(30).ToList();
        return string.Join(", ", list) + (names.Count() > list.Count ? ", …" : "");
    }

    public static EffectiveTrainingRequest ToEffective(TrainingJobRequest r, Guid datasetId, string datasetName)
    {
        var d = new TabularTrainingOptions { Target = r.Target ?? "" };
        return new EffectiveTrainingRequest(
            datasetId, r.Target ?? "", r.Task ?? TaskKind.Auto, r.PositiveClass, r.Features, r.Exclude ?? d.Exclude,
            r.HiddenLayers ?? TabularTrainingOptions.DefaultHiddenLayers, r.Activation ?? TrainingChoices.FromEngine(d.Activation), r.Dropout ?? d.Dropout,
            r.Optimizer ?? TrainingChoices.FromEngine(d.Optimizer),
            r.LearningRate ?? d.LearningRate, r.L2 ?? d.L2, r.BatchSize ?? d.BatchSize, r.Epochs ?? d.Epochs,
            r.EarlyStoppingPatience ?? d.EarlyStoppingPatience, r.ValidationFraction ?? d.ValidationFraction, r.Seed ?? d.Seed,
            string.IsNullOrWhiteSpace(r.ModelName) ? datasetName : r.ModelName.Trim(), r.FalsePositiveCost, r.FalseNegativeCost,
            r.EnsembleSize, r.Leakage ?? d.Leakage, r.Validation ?? ValidationName.Random, r.TimeColumn, r.GroupColumn);
    }
}
