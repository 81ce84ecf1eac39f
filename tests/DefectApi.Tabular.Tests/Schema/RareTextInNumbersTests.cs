using DefectApi.Tabular.Schema;

namespace DefectApi.Tabular.Tests.Schema;

/// <summary>The rule: in a column whose other values are all numbers, text in at most 1 % of the present cells (a
/// spreadsheet's "#VALUE!") is missing, and the profile says which text it was.</summary>
public class RareTextInNumbersTests
{
    static string Readings(int rows, Func<int, string?> text) => TestData.Csv("temp,line", rows, i =>
        (text(i) ?? (20 + i % 10 * 0.5).ToString(CultureInfo.InvariantCulture)) + $",L{i % 2}");

    [Fact]
    public async Task OneExcelErrorAmongFiveHundredNumbersIsMissingAndNamedInTheProfile()
    {
        var (dataset, _) = await TestData.IngestAsync(Readings(501, i => i == 250 ? "#VALUE!" : null));

        var temp = dataset.Columns[0];
        Assert.Equal(ColumnType.Numeric, temp.Type);
        Assert.Equal(1, temp.Missing);
        Assert.Equal(10, temp.Distinct);
        Assert.Equal(24.5, temp.Max);
        Assert.DoesNotContain(temp.TopValues, v => v.Value == "#VALUE!");
        var text = Assert.IsType<TextTreatedAsMissing>(temp.TreatedAsMissing);
        Assert.Equal(1, text.Count);
        Assert.Equal([new ValueCount("#VALUE!", 1)], text.Values);
        Assert.Null(dataset.Columns[1].TreatedAsMissing);
    }

    [Fact]
    public async Task TextInMoreThanOnePercentOfTheCellsKeepsTheColumnCategorical()
    {
        var (dataset, _) = await TestData.IngestAsync(Readings(100, i => i is 10 or 20 ? "#VALUE!" : null));

        Assert.Equal(ColumnType.Categorical, dataset.Columns[0].Type);
        Assert.Null(dataset.Columns[0].TreatedAsMissing);
    }

    [Theory]
    [InlineData(',', '.')]
    [InlineData(';', ',')]
    public void TheTextIsAGapInTrainingDataAndTheNumbersBesideItInItsChunkStayNumbers(char delimiter, char decimalSeparator)
    {
        var csv = Readings(300, i => i == 7 ? "#DIV/0!" : null).Replace(',', delimiter);
        if (decimalSeparator == ',') csv = csv.Replace('.', ',');

        var frame = TestData.Frame(csv, chunkRows: 64);

        Assert.Equal(CellKind.Missing, frame.GetCell(7, 0).Kind);
        Assert.Equal(22.5, frame.GetCell(5, 0).Number);
        Assert.Equal(24.5, frame.GetCell(9, 0).Number);
        Assert.Equal(299, Enumerable.Range(0, 300).Count(r => frame.GetCell(r, 0).Kind == CellKind.Number));
    }

    [Fact]
    public async Task APreviewShowsTheNumbersAsNumbersAndTheTextAsItWas()
    {
        var (dataset, sink) = await TestData.IngestAsync(Readings(200, i => i == 3 ? "#VALUE!" : null));

        var rows = ChunkReader.ReadRows(sink.Chunks[0], dataset.Columns);

        Assert.Equal(CellValue.FromNumber(21), rows[2][0]);
        Assert.Equal(CellValue.FromText("#VALUE!"), rows[3][0]);
        Assert.Equal(CellValue.FromText("L0"), rows[2][1]);
    }
}
