namespace DefectApi.Tabular.Tests.Monitoring;

public class DriftStatisticsTests
{
    [Fact]
    public void PsiSumsLiveMinusTrainingTimesTheLogOfTheirRatio()
    {
        double psi = DriftStatistics.Psi([0.5, 0.3, 0.2], [0.25, 0.25, 0.5]);

        // By hand: (0.25 − 0.5)·ln(0.25/0.5) + (0.25 − 0.3)·ln(0.25/0.3) + (0.5 − 0.2)·ln(0.5/0.2)
        //        = 0.25·0.693147 + 0.05·0.182322 + 0.3·0.916291 = 0.173287 + 0.009116 + 0.274887 = 0.457290
        Assert.Equal(0.457290, psi, 6);
    }

    [Fact]
    public void IdenticalSharesGiveZero() =>
        Assert.Equal(0, DriftStatistics.Psi([0.1, 0.2, 0.7, 0], [0.1, 0.2, 0.7, 0]));

    [Fact]
    public void ABinEmptyOnOneSideCountsWithTheFloorShareAndStaysFinite()
    {
        double psi = DriftStatistics.Psi([1, 0], [0.99, 0.01]);

        // (0.99 − 1)·ln(0.99) + (0.01 − 0.0001)·ln(0.01 / 0.0001) = 0.000100503 + 0.0099·4.605170 = 0.045692
        Assert.Equal(0.045692, psi, 6);
    }

    [Fact]
    public void PsiIsSymmetric() =>
        Assert.Equal(DriftStatistics.Psi([0.6, 0.4], [0.3, 0.7]), DriftStatistics.Psi([0.3, 0.7], [0.6, 0.4]), 12);

    [Theory]
    [InlineData(0.0, "ok")]
    [InlineData(0.0999, "ok")]
    [InlineData(0.1, "watch")]
    [InlineData(0.25, "watch")]
    [InlineData(0.2501, "alert")]
    [InlineData(4.0, "alert")]
    public void StatusBandsAreTheCustomaryOnes(double psi, string status) => Assert.Equal(status, DriftStatus.Of(psi));
}
