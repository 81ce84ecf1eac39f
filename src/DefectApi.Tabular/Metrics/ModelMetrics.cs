namespace DefectApi.Tabular.Metrics;

/// <summary>Metric names exactly as API.md: binary auc, prAuc, logLoss, accuracy, precision, recall, f1,
/// confusionMatrix, threshold; regression rmse, mae, r2; multiclass accuracy, macroF1, logLoss, confusionMatrix.
/// Values are double, or long[][] for confusionMatrix (rows = actual, columns = predicted, in Classes order).</summary>
public sealed class ModelMetrics : Dictionary<string, object>
{
}

public sealed record ThresholdPoint(double Threshold, double Precision, double Recall, double F1, long TruePositives,
                                    long FalsePositives, long FalseNegatives, long TrueNegatives);
