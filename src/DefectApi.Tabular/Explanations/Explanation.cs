using DefectApi.Tabular.Frames;

namespace DefectApi.Tabular.Explanations;

/// <summary>How much one input column moved the prediction away from the baseline record's.</summary>
public sealed record Reason(string Column, CellValue Value, double Contribution);

/// <param name="Prediction">the explained output for the record: binary the positive-class probability, regression the
/// value, multiclass the predicted class's probability</param>
/// <param name="BaselinePrediction">the same output for the baseline record (training means, most common categories)</param>
/// <param name="Reasons">the largest contributions first; all of them sum to about Prediction − BaselinePrediction</param>
public sealed record Explanation(double Prediction, double BaselinePrediction, IReadOnlyList<Reason> Reasons);
