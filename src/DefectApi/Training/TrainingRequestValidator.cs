using DefectApi.Datasets;
using DefectApi.Tabular;
using DefectApi.Tabular.Schema;
using DefectApi.Tabular.Targets;
using DefectApi.Tabular.Training;

namespace DefectApi.Training;

/// <summary>Turns the body of <c>POST /api/training-jobs</c> into a <see cref="TrainingOrder"/>, or into a 400 naming
/// each field to change. The body's attributes run before the handler (AddValidation); what they cannot say is checked
/// here, once: first what needs no data, then the request against the dataset's columns.</summary>
internal static class TrainingRequestValidator
{
    /// <summary>An empty id or name, and the training options' own rules (each hidden layer's width, both costs or
    /// neither), which the tabular layer owns. Gives the options the request asks for, every default filled in.</summary>
    public static Dictionary<string, string[]> Check(TrainingJobRequest request, out TabularTrainingOptions options)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Fail(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
            list.Add(message);
        }

        if (request.DatasetId == Guid.Empty) Fail("datasetId", "datasetId is required: the id of an uploaded dataset.");
        if (request.ModelName is { } name && (name.Trim().Length == 0 || name.Any(char.IsControl)))
            Fail("modelName", "modelName must be 1 to 200 characters, without control characters such as line breaks.");
        if (request.Features?.Any(string.IsNullOrWhiteSpace) == true) Fail("features", "features must not contain empty names.");
        if (request.Exclude?.Any(string.IsNullOrWhiteSpace) == true) Fail("exclude", "exclude must not contain empty names.");
        options = ToOptions(request);
        foreach (var (field, messages) in options.Validate())
            foreach (var message in messages) Fail(field, message);
        return errors.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>The order a job stores: the checked options, the dataset, and the model's name (the dataset's by default).</summary>
    public static TrainingOrder Order(TrainingJobRequest request, TabularTrainingOptions options, Guid datasetId, string datasetName) =>
        new(datasetId, string.IsNullOrWhiteSpace(request.ModelName) ? datasetName : request.ModelName.Trim(), options);

    /// <summary>The API's choices as the trainer's own values; a field left out takes the trainer's default.</summary>
    static TabularTrainingOptions ToOptions(TrainingJobRequest r)
    {
        var d = new TabularTrainingOptions { Target = r.Target ?? "" };
        return d with
        {
            Task = r.Task ?? d.Task,
            PositiveClass = r.PositiveClass,
            Features = r.Features,
            Exclude = r.Exclude ?? d.Exclude,
            Leakage = r.Leakage ?? d.Leakage,
            HiddenLayers = r.HiddenLayers ?? TabularTrainingOptions.DefaultHiddenLayers,
            Activation = r.Activation is { } activation ? TrainingChoices.ToEngine(activation) : d.Activation,
            Dropout = r.Dropout ?? d.Dropout,
            Optimizer = r.Optimizer is { } optimizer ? TrainingChoices.ToEngine(optimizer) : d.Optimizer,
            LearningRate = r.LearningRate ?? d.LearningRate,
            L2 = r.L2 ?? d.L2,
            BatchSize = r.BatchSize ?? d.BatchSize,
            Epochs = r.Epochs ?? d.Epochs,
            EarlyStoppingPatience = r.EarlyStoppingPatience ?? d.EarlyStoppingPatience,
            ValidationFraction = r.ValidationFraction ?? d.ValidationFraction,
            Seed = r.Seed ?? d.Seed,
            FalsePositiveCost = r.FalsePositiveCost,
            FalseNegativeCost = r.FalseNegativeCost,
            EnsembleSize = r.EnsembleSize,
            Validation = TrainingChoices.ToTabular(r.Validation ?? ValidationName.Random),
            TimeColumn = r.TimeColumn,
            GroupColumn = r.GroupColumn,
        };
    }

    /// <summary>Schema checks: the target and every named column exist in the dataset, and enough rows have a target
    /// to train on (the per-class minimum needs the split, so the job checks it).</summary>
    public static Dictionary<string, string[]> CheckAgainst(
        TabularTrainingOptions options, IReadOnlyList<ColumnProfile> columns, long rowCount)
    {
        var errors = new Dictionary<string, string[]>();
        var names = columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        if (!names.Contains(options.Target))
            errors["target"] = [$"The dataset has no column '{options.Target}'. Its columns are: {Preview(names)}."];
        else if (rowCount - columns.First(c => c.Name == options.Target).Missing is var labelled
            && labelled < TabularTrainer.MinLabelledRows)
            errors["target"] = [$"Only {labelled} rows of the dataset have a value for '{options.Target}'; training needs at least " +
                $"{TabularTrainer.MinLabelledRows}, so that some rows can validate what the others taught. Upload more labelled " +
                "rows, or choose another target."];
        if (options.Features?.Where(f => !names.Contains(f)).ToList() is { Count: > 0 } unknownFeatures)
            errors["features"] = [$"Unknown column(s): {string.Join(", ", unknownFeatures)}."];
        if (options.Exclude?.Where(f => !names.Contains(f)).ToList() is { Count: > 0 } unknownExcluded)
            errors["exclude"] = [$"Unknown column(s): {string.Join(", ", unknownExcluded)}."];
        if (options.Features?.Contains(options.Target) == true)
            errors["features"] = [.. errors.GetValueOrDefault("features", []), "The target cannot also be a feature."];
        if (options.TimeColumn is { } time && TimeColumnProblem(columns, time) is { } timeProblem) errors["timeColumn"] = [timeProblem];
        if (options.GroupColumn is { } group && GroupColumnProblem(columns, group, options.Target) is { } groupProblem)
            errors["groupColumn"] = [groupProblem];
        return errors;
    }

    /// <summary>Only a date/time or a number orders rows; a row number (an identifier holding numbers) does too.</summary>
    static string? TimeColumnProblem(IReadOnlyList<ColumnProfile> columns, string name)
    {
        var orderable = columns.Where(c =>
            c.Type is ColumnType.Datetime or ColumnType.Numeric || (c.Type == ColumnType.Identifier && c.Min is not null))
            .Select(c => c.Name).ToList();
        var column = columns.FirstOrDefault(c => c.Name == name);
        if (column is not null && orderable.Contains(name)) return null;
        string choices = orderable.Count == 0 ? "The dataset has no datetime or numeric column: leave timeColumn out to validate " +
            "in row order."
            : $"Name one of its datetime or numeric columns: {Preview(orderable)}; or leave timeColumn out.";
        return column is null
            ? $"The dataset has no column '{name}'. {choices}"
            : $"'{name}' is {DatasetMapping.TypeName(column.Type)}, so it cannot order the rows in time. {choices}";
    }

    static string? GroupColumnProblem(IReadOnlyList<ColumnProfile> columns, string name, string target)
    {
        var column = columns.FirstOrDefault(c => c.Name == name);
        if (column is null)
            return $"The dataset has no column '{name}'. Name the column that holds the lot, batch or order, or leave " +
                $"groupColumn out. Its columns are: {Preview(columns.Select(c => c.Name))}.";
        if (name == target) return "The target cannot also be the group column: name the lot, batch or order column.";
        if (column.Distinct < 2)
            return $"'{name}' has a single value, so it cannot keep groups apart: every row is one group. Name a column with " +
                "several lots or batches, or leave groupColumn out.";
        return null;
    }

    static string Preview(IEnumerable<string> names)
    {
        var list = names.Take(30).ToList();
        return string.Join(", ", list) + (names.Count() > list.Count ? ", …" : "");
    }
}
