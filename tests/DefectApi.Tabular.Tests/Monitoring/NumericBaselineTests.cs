namespace DefectApi.Tabular.Tests.Monitoring;

/// <summary>How numeric training values become bins: deciles for a continuous column, a bin per level for a column
/// with few, and real shares wherever ties pile up.</summary>
public class NumericBaselineTests
{
    [Fact]
    public void AContinuousColumnIsCutAtItsNineInnerDeciles()
    {
        var baseline = BaselineBuilder.Numeric("x", "numeric", Enumerable.Range(1, 100).Select(i => (double)i).ToArray());

        Assert.Equal([10, 20, 30, 40, 50, 60, 70, 80, 90], baseline.Edges);
        Assert.All(baseline.Shares, s => Assert.Equal(0.1, s, 12));
        Assert.Equal(1, baseline.Min);
        Assert.Equal(100, baseline.Max);
    }

    [Theory]
    [InlineData(0.97)]
    [InlineData(0.05)]
    public void AZeroOneFlagGetsABinPerValueWithItsTrueShare(double shareOfZeros)
    {
        int zeros = (int)Math.Round(shareOfZeros * 1000);
        var values = Enumerable.Range(0, 1000).Select(i => i < zeros ? 0.0 : 1.0).ToArray();

        var baseline = BaselineBuilder.Numeric("flag", "numeric", values);

        Assert.Equal([0.0], baseline.Edges);
        Assert.Equal(shareOfZeros, baseline.Shares[0], 12);
        Assert.Equal(1 - shareOfZeros, baseline.Shares[1], 12);
    }

    [Fact]
    public void AFlagTurningOnIsAnAlertWhileTheSameMixIsOk()
    {
        var training = Enumerable.Range(0, 1000).Select(i => i % 50 == 0 ? 1.0 : 0.0).ToArray();   // 2 % ones
        var profile = new TrainingProfile(1000, [BaselineBuilder.Numeric("flag", "numeric", training)],
            BaselineBuilder.Numeric("probability", TrainingProfile.OutputType, [0.2, 0.8]));
        var same = new DriftAccumulator(profile);
        var flipped = new DriftAccumulator(profile);
        for (int i = 0; i < 500; i++)
        {
            same.AddRecord([CellValue.FromNumber(i % 50 == 0 ? 1 : 0)]);
            flipped.AddRecord([CellValue.FromNumber(i % 5 == 0 ? 1 : 0)]);   // 20 % ones
        }

        Assert.Equal(DriftStatus.Ok, same.Report().Columns[0].Status);
        Assert.Equal(0, same.Report().Columns[0].Psi!.Value, 12);
        // (0.8 − 0.98)·ln(0.8/0.98) + (0.2 − 0.02)·ln(0.2/0.02)
        Assert.Equal(-0.18 * Math.Log(0.8 / 0.98) + 0.18 * Math.Log(10), flipped.Report().Columns[0].Psi!.Value, 12);
        Assert.Equal(DriftStatus.Alert, flipped.Report().Columns[0].Status);
    }

    [Fact]
    public void ATieSpanningSeveralDecilesBecomesOneBinHoldingItsRealShare()
    {
        // 80 % zeros, then 200 distinct positive values: the first eight deciles are all 0.
        var values = Enumerable.Repeat(0.0, 800).Concat(Enumerable.Range(1, 200).Select(i => (double)i)).ToArray();

        var baseline = BaselineBuilder.Numeric("scrap", "numeric", values);

        Assert.Equal([0.0, 100.0], baseline.Edges);
        Assert.Equal([0.8, 0.1, 0.1], baseline.Shares);
    }

    [Fact]
    public void GapsAreTheirOwnShareAndTheBinSharesAddUpToOneWithThem()
    {
        var values = Enumerable.Range(0, 200).Select(i => i % 4 == 0 ? double.NaN : i * 0.37).ToArray();

        var baseline = BaselineBuilder.Numeric("temp", "numeric", values);

        Assert.Equal(0.25, baseline.MissingShare);
        Assert.Equal(1, baseline.Shares.Sum() + baseline.MissingShare, 12);
        Assert.Equal(9, baseline.Edges.Count);
    }

    [Fact]
    public void AConstantColumnHasOneEdgeAtItsValue()
    {
        var baseline = BaselineBuilder.Numeric("c", "numeric", [5.0, 5.0, 5.0]);

        Assert.Equal([5.0], baseline.Edges);
        Assert.Equal([1.0, 0.0], baseline.Shares);
    }
}
