using DefectApi.Tabular.Features;
using DefectApi.Tabular.Schema;

namespace DefectApi.Tabular.Tests.Features;

public class FeatureEncoderTests
{
    private static float[] Encode(FeatureEncoder encoder, CellValue value, List<string>? warnings = null)
    {
        var output = new float[encoder.Width];
        encoder.Encode(value, output, warnings);
        return output;
    }

    [Fact]
    public void NumericIsStandardisedAndAGapGetsTheMedianAndAnIndicator()
    {
        var encoder = NumericEncoder.Fit("t", [1, 2, 3, 10, double.NaN]);   // mean 4, population std √12.5, median 2.5

        Assert.Equal(4, encoder.Width);   // z-score, quantile-normal score, z-scored log, missing indicator
        var present = Encode(encoder, CellValue.FromNumber(9));
        Assert.Equal(5 / Math.Sqrt(12.5), present[0], 5);
        Assert.Equal(0f, present[3]);
        var gap = Encode(encoder, CellValue.Missing);
        Assert.Equal(-1.5 / Math.Sqrt(12.5), gap[0], 5);
        Assert.Equal(1f, gap[3]);
    }

    [Fact]
    public void NegativeNumbersWithoutGapsGetTheZScoreAndQuantileScoreOnly() => Assert.Equal(2, NumericEncoder.Fit("t", [-1, 2, 3]).Width);

    [Fact]
    public void FewDistinctLevelsAreAlsoOneHot()
    {
        var thickness = Enumerable.Repeat(40.0, 20).Concat(Enumerable.Repeat(70.0, 20)).Concat(Enumerable.Repeat(100.0, 20)).ToArray();
        var encoder = NumericEncoder.Fit("Steel_Plate_Thickness", thickness);

        Assert.Equal(7, encoder.Width);   // z, quantile, log, then 40 / 70 / 100 / unseen
        Assert.Equal([0f, 0f, 1f, 0f], Encode(encoder, CellValue.FromNumber(70))[3..]);   // levels ordered "100", "40", "70"
        Assert.Equal([0f, 0f, 0f, 1f], Encode(encoder, CellValue.FromNumber(55))[3..]);
    }

    [Fact]
    public void BinsReadZeroBelowOneAboveAndThePositionInside()
    {
        double[] values = [.. Enumerable.Range(0, 101).Select(i => (double)i)];   // quartile edges 0, 25, 50, 75, 100
        var encoder = NumericEncoder.Fit("t", values, bins: 4);

        Assert.Equal(3 + 4, encoder.Width);   // z, quantile, log, then four bins
        Assert.Equal([1f, 0.4f, 0f, 0f], Encode(encoder, CellValue.FromNumber(35))[3..]);
        Assert.Equal([0f, 0f, 0f, 0f], Encode(encoder, CellValue.FromNumber(-5))[3..]);
        Assert.Equal([1f, 1f, 1f, 1f], Encode(encoder, CellValue.FromNumber(250))[3..]);
    }

    [Fact]
    public void BinsRoundTripAndAPlainNumericStillReadsWithoutThem()
    {
        double[] values = [.. Enumerable.Range(0, 50).Select(i => i * 1.5)];
        foreach (int bins in (int[])[0, 8])
        {
            var encoder = NumericEncoder.Fit("t", values, bins);
            var stream = new MemoryStream();
            encoder.Write(new BinaryWriter(stream));
            stream.Position = 0;
            var read = FeatureEncoder.Read(new BinaryReader(stream));

            Assert.Equal("numeric", read.Type);
            Assert.Equal(encoder.Width, read.Width);
            Assert.Equal(Encode(encoder, CellValue.FromNumber(33.3)), Encode(read, CellValue.FromNumber(33.3)));
        }
    }

    [Fact]
    public void RobustScalingCentresAtTheMedianDividesByTheQuartileRangeAndClipsSmoothly()
    {
        // median 3, quartiles 2 and 4 (numpy's linear interpolation): (x − 3) / 2, then x / √(1 + (x/3)²).
        var encoder = NumericEncoder.Fit("t", [1, 2, 3, 4, 100], robust: true);

        Assert.Equal(3, encoder.Width);   // the same views: robust first input, quantile-normal score, z-scored log
        Assert.Equal(0f, Encode(encoder, CellValue.FromNumber(3))[0]);
        Assert.Equal(1 / Math.Sqrt(1 + 1.0 / 9), Encode(encoder, CellValue.FromNumber(5))[0], 6);     // 0.948683
        Assert.Equal(48.5 / Math.Sqrt(1 + 48.5 * 48.5 / 9), Encode(encoder, CellValue.FromNumber(100))[0], 6);   // 2.994277
        Assert.Equal(-1.5 / Math.Sqrt(1 + 0.25), Encode(encoder, CellValue.FromNumber(0))[0], 6);     // −1.341641
        Assert.Equal(3f, Encode(encoder, CellValue.FromNumber(1e300))[0]);   // the limit where the square overflows
        Assert.Equal(-3f, Encode(encoder, CellValue.FromNumber(-double.MaxValue))[0]);
        // The plain encoder's first input is still the z-score of the same values.
        Assert.Equal((5 - 22) / Math.Sqrt(1522.0), Encode(NumericEncoder.Fit("t", [1, 2, 3, 4, 100]), CellValue.FromNumber(5))[0], 5);
    }

    [Fact]
    public void SmoothClipIsNearlyTheIdentityNearZeroAndBoundedByThree()
    {
        Assert.Equal(0, NumericEncoder.SmoothClip(0));
        Assert.Equal(3 / Math.Sqrt(2), NumericEncoder.SmoothClip(3), 12);
        Assert.Equal(-3 / Math.Sqrt(2), NumericEncoder.SmoothClip(-3), 12);
        Assert.Equal(0.1 / Math.Sqrt(1 + 0.01 / 9), NumericEncoder.SmoothClip(0.1), 15);
        Assert.Equal(3, NumericEncoder.SmoothClip(double.PositiveInfinity));
        Assert.Equal(1000 / Math.Sqrt(1 + 1e6 / 9), NumericEncoder.SmoothClip(1000), 12);   // 2.999987, just inside the bound
    }

    [Fact]
    public void RobustScalingFallsBackToHalfTheRangeWhenTheQuartilesCoincide()
    {
        // Quartiles both 1: the spread is (5 − 1) / 2 = 2 and the median 1.
        var encoder = NumericEncoder.Fit("t", [1, 1, 1, 1, 1, 1, 5], robust: true);
        Assert.Equal(NumericEncoder.SmoothClip(2), Encode(encoder, CellValue.FromNumber(5))[0], 6);
        Assert.Equal(1.5, NumericEncoder.Quantile([1, 2, 3, 4], 1.0 / 6), 12);
    }

    [Fact]
    public void RobustScalingRoundTripsUnderItsOwnTagWithAndWithoutBins()
    {
        double[] values = [.. Enumerable.Range(0, 50).Select(i => i * 1.5), double.NaN];
        foreach (int bins in (int[])[0, 8])
        {
            var encoder = NumericEncoder.Fit("t", values, bins, robust: true);
            var stream = new MemoryStream();
            encoder.Write(new BinaryWriter(stream));
            var written = stream.ToArray();
            var reader = new BinaryReader(new MemoryStream(written));
            Assert.Equal(NumericEncoder.RobustFormat, reader.ReadString());
            var read = FeatureEncoder.Read(new BinaryReader(new MemoryStream(written)));

            Assert.Equal("numeric", read.Type);
            Assert.Equal(encoder.Width, read.Width);
            foreach (var cell in (CellValue[])[CellValue.FromNumber(33.3), CellValue.FromNumber(-400), CellValue.Missing])
                Assert.Equal(Encode(encoder, cell), Encode(read, cell));
            var again = new MemoryStream();
            read.Write(new BinaryWriter(again));
            Assert.Equal(written, again.ToArray());
        }
    }

    [Fact]
    public void AColumnThatIsAlsoOneHotGetsNoBins()
    {
        var thickness = Enumerable.Repeat(40.0, 20).Concat(Enumerable.Repeat(70.0, 20)).Concat(Enumerable.Repeat(100.0, 20)).ToArray();
        Assert.Equal(7, NumericEncoder.Fit("Steel_Plate_Thickness", thickness, bins: 16).Width);
    }

    [Fact]
    public void NumericRejectsTextAndNonFiniteValues()
    {
        var encoder = NumericEncoder.Fit("t", [1, 2, 3]);

        Assert.Contains("number", encoder.Check(CellValue.FromText("abc")));
        Assert.NotNull(encoder.Check(CellValue.FromNumber(double.NaN)));
        Assert.NotNull(encoder.Check(CellValue.FromNumber(double.PositiveInfinity)));
        Assert.Null(encoder.Check(CellValue.Missing));
    }

    [Fact]
    public void NumericFarOutsideTheTrainingRangeWarns()
    {
        var encoder = NumericEncoder.Fit("Torque", [10, 11, 12, 13, 14]);
        var warnings = new List<string>();

        Encode(encoder, CellValue.FromNumber(14.5), warnings);
        Assert.Empty(warnings);
        Encode(encoder, CellValue.FromNumber(500), warnings);
        Assert.Contains("Torque", Assert.Single(warnings));
    }

    [Fact]
    public void QuantileNormalScoreIsZeroAtTheMedianAndSymmetricForAFlag()
    {
        var spread = QuantileNormal.Fit([1, 2, 3, 4, 5]);
        Assert.Equal(0, spread.Transform(3), 9);
        Assert.True(spread.Transform(4.5) > spread.Transform(4));
        Assert.Equal(spread.Transform(5), spread.Transform(1000));   // saturates beyond the training range

        var flag = QuantileNormal.Fit([0, 0, 1, 1]);
        Assert.Equal(-flag.Transform(0), flag.Transform(1), 9);
    }

    [Fact]
    public void InverseNormalMatchesKnownQuantiles()
    {
        Assert.Equal(1.959963985, QuantileNormal.InverseNormal(0.975), 7);
        Assert.Equal(-2.326347874, QuantileNormal.InverseNormal(0.01), 7);
    }

    [Fact]
    public void RareCategoriesShareOtherAndUnseenOnesGetTheirOwnInputWithAWarning()
    {
        var values = Enumerable.Repeat("L", 60).Concat(Enumerable.Repeat("M", 30)).Concat(Enumerable.Repeat("H", 3)).ToArray();
        var encoder = CategoricalEncoder.Fit("Type", values);
        var warnings = new List<string>();

        Assert.Equal(4, encoder.Width);   // L, M, other, unseen
        Assert.Equal(["L", "M", "H"], encoder.Categories);
        Assert.Equal([1f, 0f, 0f, 0f], Encode(encoder, CellValue.FromText("L")));
        Assert.Equal([0f, 0f, 1f, 0f], Encode(encoder, CellValue.FromText("H")));
        Assert.Equal([0f, 0f, 0f, 0f], Encode(encoder, CellValue.Missing));
        Assert.Equal([0f, 0f, 0f, 1f], Encode(encoder, CellValue.FromText("X"), warnings));
        Assert.Contains("not seen in training", Assert.Single(warnings));
    }

    [Fact]
    public void NumberSentForACategoryMatchesItsText()
    {
        var encoder = CategoricalEncoder.Fit("team", Enumerable.Range(0, 40).Select(i => (i % 2 + 1).ToString()));
        Assert.Equal(Encode(encoder, CellValue.FromText("2")), Encode(encoder, CellValue.FromNumber(2)));
    }

    [Fact]
    public void BooleanIsZeroOrOneAndAGapIsTheShareOfTrue()
    {
        var encoder = BooleanEncoder.Fit("ok", [CellValue.FromBoolean(true), CellValue.FromBoolean(true), CellValue.FromBoolean(false),
            CellValue.FromBoolean(true)]);

        Assert.Equal([1f], Encode(encoder, CellValue.FromText("yes")));
        Assert.Equal([0f], Encode(encoder, CellValue.FromBoolean(false)));
        Assert.Equal([0.75f], Encode(encoder, CellValue.Missing));
        Assert.NotNull(encoder.Check(CellValue.FromText("maybe")));
    }

    [Fact]
    public void DatetimeBecomesHourWeekdayAndMonthOnCircles()
    {
        var encoder = new DatetimeEncoder("ts", DateOrder.DayFirst);
        var output = Encode(encoder, CellValue.FromText("01.04.2024 06:00"));   // a Monday in April, 06:00

        Assert.Equal(1f, output[0], 5);                                        // sin(2π·6/24)
        Assert.Equal(0f, output[1], 5);
        Assert.Equal((float)Math.Sin(2 * Math.PI / 7), output[2], 5);          // Monday = 1
        Assert.Equal((float)Math.Cos(2 * Math.PI * 3 / 12), output[5], 5);     // April = 3 (January = 0)
        Assert.NotNull(encoder.Check(CellValue.FromText("yesterday")));
    }
}
