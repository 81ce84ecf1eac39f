using DefectApi.Tabular.Metrics;

namespace DefectApi.Tabular.Tests.Metrics;

public class BinaryMetricsTests
{
    private static readonly double[] Scores = [0.1, 0.4, 0.35, 0.8];
    private static readonly bool[] Labels = [false, false, true, true];

    [Fact]
    public void AucCountsCorrectlyOrderedPairs() => Assert.Equal(0.75, BinaryMetrics.Auc(Scores, Labels), 12);

    [Fact]
    public void AucGivesTiedScoresHalfCredit()
    {
        // Ranks 2, 2, 2 (tie), 4; positives hold 2 + 4 = 6; U = 6 − 3 = 3; AUC = 3 / (2·2).
        Assert.Equal(0.75, BinaryMetrics.Auc([0.5, 0.5, 0.5, 0.9], [false, true, false, true]), 12);
    }

    [Fact]
    public void AucIsOneHalfWhenAClassIsAbsent() => Assert.Equal(0.5, BinaryMetrics.Auc([0.2, 0.9], [true, true]));

    [Fact]
    public void AveragePrecisionSumsPrecisionAtEachRecallStep()
    {
        // From the top: 0.8 (+) P=1 R=.5; 0.4 (−); 0.35 (+) P=2/3 R=1 → .5·1 + .5·2/3.
        Assert.Equal(0.5 + 0.5 * 2.0 / 3, BinaryMetrics.AveragePrecision(Scores, Labels), 12);
        // A tied group enters at once: 0.9 (+) P=1 R=.5, then {0.5 ×3, one +} P=2/4 R=1 → .5 + .25.
        Assert.Equal(0.75, BinaryMetrics.AveragePrecision([0.5, 0.5, 0.5, 0.9], [false, true, false, true]), 12);
    }

    [Fact]
    public void LogLossIsTheMeanNegativeLogLikelihood() =>
        Assert.Equal(-(Math.Log(0.9) + Math.Log(0.8)) / 2, BinaryMetrics.LogLoss([0.9, 0.2], [true, false]), 12);

    [Fact]
    public void MetricsAtAThresholdCountProbabilitiesAtOrAboveItAsPositive()
    {
        var metrics = BinaryMetrics.Compute(Scores, Labels, 0.35);

        Assert.Equal(0.75, (double)metrics["accuracy"], 12);
        Assert.Equal(2.0 / 3, (double)metrics["precision"], 12);
        Assert.Equal(1.0, (double)metrics["recall"], 12);
        Assert.Equal(0.8, (double)metrics["f1"], 12);
        Assert.Equal(0.35, (double)metrics["threshold"]);
        var matrix = (long[][])metrics["confusionMatrix"];
        Assert.Equal([1L, 1L], matrix[0]);   // actual negative: TN, FP
        Assert.Equal([0L, 2L], matrix[1]);   // actual positive: FN, TP
    }

    [Fact]
    public void ThresholdTableHasOnePointPerDistinctProbability()
    {
        var table = ThresholdTable.Build(Scores, Labels);

        Assert.Equal([0.1, 0.35, 0.4, 0.8], table.Select(p => p.Threshold));
        Assert.Equal(new ThresholdPoint(0.4, 0.5, 0.5, 0.5, 1, 1, 1, 1), table[2]);
    }

    [Fact]
    public void ThresholdTableIsThinnedToAtMost201Points()
    {
        var scores = Enumerable.Range(0, 1000).Select(i => i / 1000.0).ToArray();
        var table = ThresholdTable.Build(scores, scores.Select(s => s > 0.7).ToArray());

        Assert.Equal(ThresholdTable.MaxPoints, table.Count);
        Assert.Equal(0.0, table[0].Threshold);
        Assert.Equal(0.999, table[^1].Threshold);
    }

    [Fact]
    public void DefaultThresholdMaximisesF1() => Assert.Equal(0.35, ThresholdTable.MaxF1(ThresholdTable.Build(Scores, Labels)));

    [Theory]
    [InlineData(1.0, 10.0, 0.35)]   // costs 2, 1, 11, 10 at 0.1, 0.35, 0.4, 0.8
    [InlineData(10.0, 1.0, 0.8)]    // costs 20, 10, 11, 1
    public void CostThresholdMinimisesTotalCost(double falsePositiveCost, double falseNegativeCost, double expected) =>
        Assert.Equal(expected, ThresholdTable.LeastCost(ThresholdTable.Build(Scores, Labels), falsePositiveCost, falseNegativeCost));
}
