using System.Text.Json;
using DefectApi.OpenApi;
using DefectApi.Tabular;
using DefectApi.Tabular.Frames;
using DefectApi.Tabular.Optimization;

namespace DefectApi.Predictions;

/// <param name="Goal">minimize | maximize | target; binary: the defect probability, regression: the value,
/// multiclass: the probability of targetClass</param>
/// <param name="AllowOutsideTrainingData">lets numeric ranges and values reach beyond what training saw</param>
/// <remarks>Parameters without a default are required in the document; the model's own checks enforce them.</remarks>
public sealed record OptimizeRequest([property: CellValues] Dictionary<string, JsonElement>? Record, string? Goal,
    List<AdjustRequest>? Adjust, double? TargetValue = null, int? Seed = null, bool? AllowOutsideTrainingData = null,
    string? TargetClass = null);

/// <summary>Either a numeric range (min/max default to the training range; step snaps to min + k·step) or values.</summary>
public sealed record AdjustRequest(string? Column, double? Min = null, double? Max = null, double? Step = null,
    [property: CellValues] List<JsonElement>? Values = null);

public sealed record ColumnChangeResponse(string Column, [property: CellValues] object? From, [property: CellValues] object? To);

public sealed record OptimizeResponse([property: CellValues] IReadOnlyDictionary<string, object?> Recommended, PredictionResponse Before,
    PredictionResponse After, IReadOnlyList<ColumnChangeResponse> Changes, bool OutsideTrainingData);

public sealed record SensitivityPointResponse([property: CellValues] object? Value, double Prediction);

public sealed record SensitivityResponse(string Column, IReadOnlyList<SensitivityPointResponse> Points);

public static class OptimizationMapping
{
    /// <summary>The request in the model's terms; JSON values that cannot be cells are reported by field.</summary>
    public static OptimizationRequest ToTabular(this OptimizeRequest request, Dictionary<string, string[]> errors)
    {
        Dictionary<string, CellValue>? record = null;
        if (request.Record is not null)
        {
            record = new Dictionary<string, CellValue>(StringComparer.Ordinal);
            foreach (var (column, json) in request.Record)
                if (PredictionRequestReader.ToCell(json) is { } cell) record[column] = cell;
                else PredictionRequestReader.Add(errors, $"record.{column}", PredictionRequestReader.InvalidValue);
        }
        var adjust = request.Adjust?.Select((a, i) => new AdjustableColumn(a?.Column, a?.Min, a?.Max, a?.Step,
            a?.Values?.Select((json, v) => PredictionRequestReader.ToCell(json) ?? Invalid(errors, $"adjust[{i}].values[{v}]"))
            .ToList())).ToList();
        return new OptimizationRequest(record, request.Goal, adjust, request.TargetValue, request.Seed ?? 42,
            request.AllowOutsideTrainingData ?? false, request.TargetClass);
    }

    static CellValue Invalid(Dictionary<string, string[]> errors, string field)
    {
        PredictionRequestReader.Add(errors, field, PredictionRequestReader.InvalidValue);
        return CellValue.Missing;
    }

    public static OptimizeResponse ToResponse(this OptimizationResult result) => new(
        result.Recommended.ToDictionary(kv => kv.Key, kv => PredictionRequestReader.ToJsonValue(kv.Value), StringComparer.Ordinal),
        result.Before.ToResponse(), result.After.ToResponse(),
        result.Changes.Select(c => new ColumnChangeResponse(
            c.Column, PredictionRequestReader.ToJsonValue(c.From), PredictionRequestReader.ToJsonValue(c.To))).ToList(),
        result.OutsideTrainingData);
}
