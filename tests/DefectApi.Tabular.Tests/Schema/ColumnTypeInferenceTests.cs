using DefectApi.Tabular.Schema;

namespace DefectApi.Tabular.Tests.Schema;

public class ColumnTypeInferenceTests
{
    private static async Task<ColumnProfile> Profile(IEnumerable<string> values)
    {
        var csv = "x,other\n" + string.Concat(values.Select((v, i) => $"\"{v}\",{i % 3}\n"));
        var (dataset, _) = await TestData.IngestAsync(csv);
        return dataset.Columns[0];
    }

    [Theory]
    [InlineData("true", "false")]
    [InlineData("yes", "no")]
    [InlineData("OK", "NG")]
    [InlineData("pass", "fail")]
    public async Task WordPairsMakeABooleanColumn(string yes, string no) =>
        Assert.Equal(ColumnType.Boolean, (await Profile([yes, no, yes, yes])).Type);

    [Fact]
    public async Task ZeroOneColumnStaysNumeric() => Assert.Equal(ColumnType.Numeric, (await Profile(["0", "1", "1", "0"])).Type);

    [Fact]
    public async Task IsoTimestampsMakeADatetimeColumn() =>
        Assert.Equal(ColumnType.Datetime, (await Profile(["2024-01-05T08:30:00", "2024-01-06 14:00", "2024-02-01"])).Type);

    [Fact]
    public async Task DayFirstDatesAreRecognisedByADayAboveTwelve()
    {
        var profile = await Profile(["05.01.2024 08:30", "25.01.2024 09:00", "01.02.2024 10:15"]);
        Assert.Equal(ColumnType.Datetime, profile.Type);
    }

    [Fact]
    public async Task MonthFirstDatesAreRecognised() =>
        Assert.Equal(ColumnType.Datetime, (await Profile(["1/1/2015", "1/13/2015", "3/11/2015"])).Type);

    [Fact]
    public async Task MixedDayFirstAndMonthFirstIsNotADate() =>
        Assert.Equal(ColumnType.Categorical, (await Profile(["25/01/2024", "01/25/2024", "02/02/2024"])).Type);

    [Fact]
    public async Task UniqueSerialsMakeAnIdentifier() =>
        Assert.Equal(ColumnType.Identifier, (await Profile(Enumerable.Range(0, 60).Select(i => $"SN-{i:D5}"))).Type);

    [Fact]
    public async Task FewSerialsStayCategorical() =>
        Assert.Equal(ColumnType.Categorical, (await Profile(Enumerable.Range(0, 40).Select(i => $"SN-{i:D5}"))).Type);

    [Fact]
    public async Task RowIndexOneToNIsAnIdentifier() =>
        Assert.Equal(ColumnType.Identifier, (await Profile(Enumerable.Range(1, 100).Select(i => i.ToString()))).Type);

    [Fact]
    public async Task OneValueMakesAConstant() => Assert.Equal(ColumnType.Constant, (await Profile(["A", "A", "", "A"])).Type);

    [Fact]
    public async Task NumericProfileHasExactStatistics()
    {
        var profile = await Profile(["2", "4", "4", "4", "5", "5", "7", "9", ""]);

        Assert.Equal(1, profile.Missing);
        Assert.Equal(5, profile.Distinct);
        Assert.Equal(2.0, profile.Min);
        Assert.Equal(9.0, profile.Max);
        Assert.Equal(5.0, profile.Mean!.Value, 12);
        Assert.Equal(Math.Sqrt(32.0 / 7), profile.Std!.Value, 12);  // sample standard deviation
        Assert.Equal(new ValueCount("4", 3), profile.TopValues[0]);
    }

    [Fact]
    public async Task TopValuesAreAtMostTenMostFrequentFirst()
    {
        var profile = await Profile(Enumerable.Range(0, 30).SelectMany(i => Enumerable.Repeat($"c{i}", i + 1)));

        Assert.Equal(10, profile.TopValues.Count);
        Assert.Equal(new ValueCount("c29", 30), profile.TopValues[0]);
    }

    [Fact]
    public async Task DistinctBeyondTheExactCapIsEstimatedClosely()
    {
        var (dataset, _) = await TestData.IngestAsync(TestData.Csv("serial,v", 30_000, i => $"S{i},{i % 5}"));
        var serial = dataset.Columns[0];

        Assert.Equal(ColumnType.Identifier, serial.Type);
        Assert.InRange(serial.Distinct, 29_000, 31_000);
    }
}
