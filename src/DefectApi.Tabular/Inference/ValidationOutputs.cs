namespace DefectApi.Tabular.Inference;

/// <summary>The ensemble's outputs on the validation split (binary: P(positive); multiclass: rows × classes
/// probabilities; regression: values) and the actuals (binary 0/1, class index, value).</summary>
internal sealed record ValidationOutputs(double[] Outputs, double[] Actuals);
