using DefectApi.Datasets;
using DefectApi.Tabular.Schema;
using DefectApi.Tabular.Training;

namespace DefectApi.Training;

/// <summary>Checks a training request against the service's rules and the dataset's schema before anything is queued,
/// so an impossible request is a 400 naming the field instead of a job that fails later.</summary>
internal static class TrainingRequestValidator
{
    static readonly string[] Tasks = ["auto", "binary", "multiclass", "regression"];

    public static Dictionary<string, string[]> ValidateShape(TrainingJobRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.DatasetId is null || request.DatasetId == Guid.Empty) errors["datasetId"] = ["datasetId is required: the id of an uploaded dataset."];
        if (string.IsNullOrWhiteSpace(request.Target)) errors["target"] = ["target is required: the name of the column to predict."];
        if (request.Task is { } task && !Tasks.Contains(task, StringComparer.OrdinalIgnoreCase))
            errors["task"] = [$"'{task}' is not a task. Use one of: {string.Join(", ", Tasks)}."];
        if (request.ModelName is { } name && (name.Trim().Length == 0 || name.Length > 200 || name.Any(char.IsControl)))
            errors["modelName"] = ["modelName must be 1 to 200 characters, without control characters such as line breaks."];
        if (request.Features is { } features && features.Any(string.IsNullOrWhiteSpace)) errors["features"] = ["features must not contain empty names."];
        if (request.Exclude is { } exclude && exclude.Any(string.IsNullOrWhiteSpace)) errors["exclude"] = ["exclude must not contain empty names."];
        if (errors.ContainsKey("target") || errors.ContainsKey("task")) return errors;
        foreach (var (field, messages) in ToEffective(request, Guid.Empty, "").ToOptions().Validate())
            errors[field] = messages;
        return errors;
    }

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
            datasetId, r.Target ?? "", (r.Task ?? "auto").ToLowerInvariant(), r.PositiveClass, r.Features, r.Exclude ?? d.Exclude,
            r.HiddenLayers ?? TabularTrainingOptions.DefaultHiddenLayers, r.Activation ?? d.Activation, r.Dropout ?? d.Dropout, r.Optimizer ?? d.Optimizer,
            r.LearningRate ?? d.LearningRate, r.L2 ?? d.L2, r.BatchSize ?? d.BatchSize, r.Epochs ?? d.Epochs,
            r.EarlyStoppingPatience ?? d.EarlyStoppingPatience, r.ValidationFraction ?? d.ValidationFraction, r.Seed ?? d.Seed,
            string.IsNullOrWhiteSpace(r.ModelName) ? datasetName : r.ModelName.Trim(), r.FalsePositiveCost, r.FalseNegativeCost,
            r.EnsembleSize);
    }
}
