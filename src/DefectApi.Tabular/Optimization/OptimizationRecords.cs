using DefectApi.Tabular.Frames;
using DefectApi.Tabular.Inference;

namespace DefectApi.Tabular.Optimization;

/// <summary>One column the search may change: a numeric range (min/max default to the training range, values snap
/// to min + k·step), or a list of allowed values.</summary>
public sealed record AdjustableColumn(string? Column, double? Min = null, double? Max = null, double? Step = null,
    IReadOnlyList<CellValue>? Values = null);

/// <param name="Goal">minimize | maximize | target; binary: the positive-class probability, regression: the value,
/// multiclass: the probability of TargetClass</param>
public sealed record OptimizationRequest(IReadOnlyDictionary<string, CellValue>? Record, string? Goal,
    IReadOnlyList<AdjustableColumn>? Adjust,
    double? TargetValue = null, int Seed = 42, bool AllowOutsideTrainingData = false, string? TargetClass = null);

public sealed record ColumnChange(string Column, CellValue From, CellValue To);

/// <param name="Recommended">the whole record with the adjusted columns changed</param>
/// <param name="OutsideTrainingData">an input of the recommended record lies outside what training saw</param>
public sealed record OptimizationResult(IReadOnlyDictionary<string, CellValue> Recommended, Prediction Before, Prediction After,
    IReadOnlyList<ColumnChange> Changes, bool OutsideTrainingData);

/// <param name="Field">the request field at fault: goal, adjust[2].min, record.Torque [Nm]…</param>
public sealed record FieldError(string Field, string Message);

public sealed record OptimizationOutcome(OptimizationResult? Result, IReadOnlyList<FieldError> Errors);

/// <summary>Partial dependence: the prediction averaged over sampled training records with the column set to Value.</summary>
public sealed record SensitivityPoint(CellValue Value, double Prediction);

public sealed record SensitivityOutcome(IReadOnlyList<SensitivityPoint>? Points, IReadOnlyList<FieldError> Errors);
