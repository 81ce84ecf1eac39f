using DefectApi.Tabular.Metrics;

namespace DefectApi.Tabular.Tests.Metrics;

public class MulticlassAndRegressionMetricsTests
{
    [Fact]
    public void MulticlassMetricsUseTheMostProbableClass()
    {
        double[] probabilities =
        [
            0.7, 0.2, 0.1,
            0.3, 0.6, 0.1,
            0.1, 0.8, 0.1,
            0.2, 0.2, 0.6,
        ];
        var metrics = MulticlassMetrics.Compute(probabilities, [0, 0, 1, 2], 3);

        Assert.Equal(0.75, (double)metrics["accuracy"], 12);
        Assert.Equal((2.0 / 3 + 2.0 / 3 + 1) / 3, (double)metrics["macroF1"], 12);
        Assert.Equal(-(Math.Log(0.7) + Math.Log(0.3) + Math.Log(0.8) + Math.Log(0.6)) / 4, (double)metrics["logLoss"], 12);
        var matrix = (long[][])metrics["confusionMatrix"];
        Assert.Equal([1L, 1L, 0L], matrix[0]);
        Assert.Equal([0L, 1L, 0L], matrix[1]);
        Assert.Equal([0L, 0L, 1L], matrix[2]);
    }

    [Fact]
    public void RegressionMetricsAreInTheTargetUnit()
    {
        var metrics = RegressionMetrics.Compute([2, 4, 6], [1, 4, 7]);

        Assert.Equal(Math.Sqrt(2.0 / 3), (double)metrics["rmse"], 12);
        Assert.Equal(2.0 / 3, (double)metrics["mae"], 12);
        Assert.Equal(1 - 2.0 / 18, (double)metrics["r2"], 12);
    }
}
