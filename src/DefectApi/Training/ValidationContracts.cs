using System.Text.Json;
using DefectApi.Data;
using DefectApi.Http;
using DefectApi.Tabular.Training;
using DefectApi.Training;

namespace DefectApi.Training;

/// <summary>Which validation gave a model's metrics: its kind, the time and group columns it used, a note on how
/// they were chosen, and its headline metric with the standard error across folds.</summary>
/// <param name="TimeOrdered">with random folds on data with a time: the same figure from forward folds; null otherwise</param>
public sealed record ValidationResponse(ValidationName Kind, string? TimeColumn, string? GroupColumn, string Note,
    string Metric, double? Value, double? StandardError, int Folds, TimeOrderedValidationResponse? TimeOrdered);

/// <param name="DiffersBeyondNoise">the two figures differ by more than their combined standard error: the random
/// folds' figure is not what the line should expect</param>
public sealed record TimeOrderedValidationResponse(string? TimeColumn, string Note, string Metric, double? Value, double? StandardError,
    int Folds, bool DiffersBeyondNoise);

public static class ValidationMapping
{
    public static ValidationResponse ToResponse(this ValidationReport report)
    {
        var (description, figure) = (report.Description, report.Figure);
        TimeOrderedValidationResponse? timeOrdered = null;
        if (report is { TimeOrdered: { } time, TimeOrderedDescription: { } timeDescription })
        {
            double noise = Math.Sqrt(Math.Pow(figure.StandardError ?? 0, 2) + Math.Pow(time.StandardError ?? 0, 2));
            timeOrdered = new(timeDescription.TimeColumn, timeDescription.Note, time.Metric, JsonNumbers.Finite(time.Value),
                JsonNumbers.Finite(time.StandardError), time.Folds, Math.Abs(figure.Value - time.Value) > noise);
        }
        return new ValidationResponse(description.Kind == ValidationKind.Time ? ValidationName.Time : ValidationName.Random,
            description.TimeColumn, description.GroupColumn, description.Note, figure.Metric, JsonNumbers.Finite(figure.Value),
            JsonNumbers.Finite(figure.StandardError), figure.Folds, timeOrdered);
    }

    public static string ToStorageJson(ValidationResponse validation) =>
        JsonSerializer.Serialize(validation, TrainingJobMapping.StorageJson);

    /// <summary>null for models trained before the validation was recorded.</summary>
    public static ValidationResponse? ReadValidation(this Model model) => model.ValidationJson is { } json
        ? JsonSerializer.Deserialize<ValidationResponse>(json, TrainingJobMapping.StorageJson)
        : null;
}
