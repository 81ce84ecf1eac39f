using System.Text.Json.Serialization;
using DefectApi.OpenApi;
using DefectApi.Tabular;
using DefectApi.Tabular.Inference;

namespace DefectApi.Predictions;

/// <summary>One record's prediction. Which fields it has depends on the model's task, so none is required: binary
/// label, probability (of the positive class) and defect; regression value; multiclass label and probabilities.
/// Through a deployment each also has the predictionId under which it is logged, for reporting its outcome.</summary>
public sealed record PredictionResponse(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? PredictionId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Label = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Probability = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Defect = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Value = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, double>? Probabilities = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Warnings = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ReasonResponse>? Reasons = null);

/// <summary>With ?explain=true: how much one input moved this prediction away from the baseline record's.</summary>
public sealed record ReasonResponse(string Column, [property: CellValues] object? Value, double Contribution);

public sealed record PredictResponse(Guid ModelId, string ModelName, int ModelVersion, IReadOnlyList<PredictionResponse> Predictions);

public static class PredictionMapping
{
    public static PredictionResponse ToResponse(this Prediction p) =>
        new(null, p.Label, p.Probability, p.Defect, p.Value, p.Probabilities, p.Warnings is { Count: > 0 } ? p.Warnings : null);
}
