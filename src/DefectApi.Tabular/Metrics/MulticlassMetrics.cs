namespace DefectApi.Tabular.Metrics;

internal static class MulticlassMetrics
{
    /// <param name="probabilities">rows × classes, row-major</param>
    /// <param name="actual">class index per row</param>
    public static ModelMetrics Compute(ReadOnlySpan<double> probabilities, ReadOnlySpan<int> actual, int classes)
    {
        var matrix = new long[classes][];
        for (int c = 0; c < classes; c++) matrix[c] = new long[classes];
        double logLoss = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            var row = probabilities.Slice(i * classes, classes);
            int predicted = 0;
            for (int c = 1; c < classes; c++) if (row[c] > row[predicted]) predicted = c;
            matrix[actual[i]][predicted]++;
            logLoss -= Math.Log(Math.Clamp(row[actual[i]], 1e-15, 1 - 1e-15));
        }
        long correct = 0;
        for (int c = 0; c < classes; c++) correct += matrix[c][c];
        return new ModelMetrics
        {
            ["accuracy"] = actual.Length == 0 ? 0 : (double)correct / actual.Length,
            ["macroF1"] = MacroF1(matrix),
            ["logLoss"] = actual.Length == 0 ? 0 : logLoss / actual.Length,
            ["confusionMatrix"] = matrix,
        };
    }

    /// <summary>Unweighted mean over classes of F1 = 2TP / (2TP + FP + FN); a class with no actual and no predicted
    /// rows counts as 0, as scikit-learn does.</summary>
    public static double MacroF1(long[][] matrix)
    {
        int classes = matrix.Length;
        double sum = 0;
        for (int c = 0; c < classes; c++)
        {
            long tp = matrix[c][c], fn = 0, fp = 0;
            for (int o = 0; o < classes; o++)
            {
                if (o == c) continue;
                fn += matrix[c][o];
                fp += matrix[o][c];
            }
            double denominator = 2.0 * tp + fp + fn;
            sum += denominator == 0 ? 0 : 2.0 * tp / denominator;
        }
        return classes == 0 ? 0 : sum / classes;
    }
}
