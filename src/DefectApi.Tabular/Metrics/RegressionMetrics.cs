namespace DefectApi.Tabular.Metrics;

internal static class RegressionMetrics
{
    /// <summary>rmse, mae and r2 = 1 − SS_res / SS_tot (0 when the actual values are all equal), in the
    /// target's own unit.</summary>
    public static ModelMetrics Compute(ReadOnlySpan<double> predicted, ReadOnlySpan<double> actual)
    {
        int n = actual.Length;
        if (n == 0) return new ModelMetrics { ["rmse"] = 0.0, ["mae"] = 0.0, ["r2"] = 0.0 };
        double mean = 0;
        foreach (double a in actual) mean += a;
        mean /= n;
        double squared = 0, absolute = 0, total = 0;
        for (int i = 0; i < n; i++)
        {
            double e = predicted[i] - actual[i];
            squared += e * e;
            absolute += Math.Abs(e);
            total += (actual[i] - mean) * (actual[i] - mean);
        }
        return new ModelMetrics
        {
            ["rmse"] = Math.Sqrt(squared / n),
            ["mae"] = absolute / n,
            ["r2"] = total == 0 ? 0 : 1 - squared / total,
        };
    }
}
