using System.Text.Json;
using DefectApi.Datasets;
using DefectApi.Tabular.Schema;
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
        return errors;
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
            datasetId, r.Target ?? "", r.Task ?? TrainingTask.Auto, r.PositiveClass, r.Features, r.Exclude ?? d.Exclude,
            r.HiddenLayers ?? TabularTrainingOptions.DefaultHiddenLayers, r.Activation ?? TrainingChoices.FromEngine(d.Activation), r.Dropout ?? d.Dropout,
            r.Optimizer ?? TrainingChoices.FromEngine(d.Optimizer),
            r.LearningRate ?? d.LearningRate, r.L2 ?? d.L2, r.BatchSize ?? d.BatchSize, r.Epochs ?? d.Epochs,
            r.EarlyStoppingPatience ?? d.EarlyStoppingPatience, r.ValidationFraction ?? d.ValidationFraction, r.Seed ?? d.Seed,
            string.IsNullOrWhiteSpace(r.ModelName) ? datasetName : r.ModelName.Trim(), r.FalsePositiveCost, r.FalseNegativeCost,
            r.EnsembleSize, r.Leakage ?? d.Leakage);
    }
}
