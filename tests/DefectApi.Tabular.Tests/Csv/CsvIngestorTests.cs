using System.Security.Cryptography;
using System.Text;
using DefectApi.Tabular.Csv;
using DefectApi.Tabular.Schema;

namespace DefectApi.Tabular.Tests.Csv;

public class CsvIngestorTests
{
    [Fact]
    public async Task CommaSeparatedFileIsProfiledColumnByColumn()
    {
        var (dataset, sink) = await TestData.IngestAsync("a,b,c\n1,x,true\n2,y,false\n3,x,true\n");

        Assert.Equal(3, dataset.RowCount);
        Assert.Equal(',', dataset.Delimiter);
        Assert.Equal('.', dataset.DecimalSeparator);
        Assert.Equal("utf-8", dataset.Encoding);
        Assert.Equal([ColumnType.Numeric, ColumnType.Categorical, ColumnType.Boolean], dataset.Columns.Select(c => c.Type));
        Assert.Single(sink.Chunks);
        Assert.Equal(3, sink.RowCounts[0]);
    }

    [Theory]
    [InlineData(';')]
    [InlineData('\t')]
    [InlineData('|')]
    [InlineData(',')]
    public async Task DelimiterIsDetectedFromTheFirstLines(char delimiter)
    {
        var csv = $"name{delimiter}value{delimiter}unit\nA{delimiter}1.5{delimiter}mm\nB{delimiter}2.5{delimiter}mm\n";
        var (dataset, _) = await TestData.IngestAsync(csv);

        Assert.Equal(delimiter, dataset.Delimiter);
        Assert.Equal(["name", "value", "unit"], dataset.Columns.Select(c => c.Name));
        Assert.Equal(2.0, dataset.Columns[1].Mean);
    }

    [Fact]
    public async Task DecimalCommaInSemicolonFileIsReadAsNumbers()
    {
        var (dataset, _) = await TestData.IngestAsync("Temp;Druck\n12,5;1000\n13,5;1002,25\n");

        Assert.Equal(';', dataset.Delimiter);
        Assert.Equal(',', dataset.DecimalSeparator);
        Assert.Equal(ColumnType.Numeric, dataset.Columns[0].Type);
        Assert.Equal(13.0, dataset.Columns[0].Mean);
        Assert.Equal(1002.25, dataset.Columns[1].Max);
    }

    [Fact]
    public async Task Utf8ByteOrderMarkIsNotPartOfTheFirstColumnName()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("UDI,Temp\r\n1,2\r\n2,3\r\n")).ToArray();
        var (dataset, _) = await TestData.IngestAsync(bytes);

        Assert.Equal("UDI", dataset.Columns[0].Name);
        Assert.Equal("utf-8-bom", dataset.Encoding);
    }

    [Fact]
    public async Task InvalidUtf8IsReadAsWindows1252()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var bytes = Encoding.GetEncoding(1252).GetBytes("Temperatur [°C];Maß\n20,5;groß\n21,5;klein\n");
        var (dataset, _) = await TestData.IngestAsync(bytes);

        Assert.Equal("windows-1252", dataset.Encoding);
        Assert.Equal(["Temperatur [°C]", "Maß"], dataset.Columns.Select(c => c.Name));
        Assert.Contains(dataset.Columns[1].TopValues, v => v.Value == "groß");
    }

    [Theory]
    [InlineData("a,b\r\n1,2\r\n3,4\r\n")]
    [InlineData("a,b\n1,2\n3,4\n")]
    [InlineData("a,b\n1,2\n3,4")]
    [InlineData("a,b\n1,2\n\n3,4\n\n")]
    public async Task LineEndingsAndBlankLinesDoNotChangeTheRows(string csv)
    {
        var (dataset, sink) = await TestData.IngestAsync(csv);
        var rows = ChunkReader.ReadRows(sink.Chunks[0]);

        Assert.Equal(2, dataset.RowCount);
        Assert.Equal(4.0, rows[1][1].Number);
    }

    [Fact]
    public async Task QuotedFieldsKeepDelimitersQuotesAndNewlines()
    {
        var (_, sink) = await TestData.IngestAsync("id,comment\n1,\"scratch, deep\"\n2,\"said \"\"NG\"\"\nthen OK\"\n");
        var rows = ChunkReader.ReadRows(sink.Chunks[0]);

        Assert.Equal("scratch, deep", rows[0][1].Text);
        Assert.Equal("said \"NG\"\nthen OK", rows[1][1].Text);
    }

    [Fact]
    public async Task HeaderNamesWithSpacesBracketsUnitsAndNonAsciiSurvive()
    {
        var (dataset, _) = await TestData.IngestAsync("Air temperature [K],Druck (bar),Größe µm,\"Rate, %\"\n1,2,3,4\n");

        Assert.Equal(["Air temperature [K]", "Druck (bar)", "Größe µm", "Rate, %"], dataset.Columns.Select(c => c.Name));
    }

    [Fact]
    public async Task MissingMarkersCountAsMissing()
    {
        var (dataset, sink) = await TestData.IngestAsync("v,w\n,1\nNA,1\nN/A,1\nNaN,1\nnull,1\n-,1\n?,1\n5,1\n");
        var rows = ChunkReader.ReadRows(sink.Chunks[0]);

        Assert.Equal(7, dataset.Columns[0].Missing);
        Assert.Equal(ColumnType.Constant, dataset.Columns[0].Type);
        Assert.All(rows.Take(7), r => Assert.Equal(CellKind.Missing, r[0].Kind));
        Assert.Equal(5.0, rows[7][0].Number);
    }

    [Fact]
    public async Task HashAndSizeDescribeTheRawBytes()
    {
        var bytes = Encoding.UTF8.GetBytes(TestData.Csv("a,b", 5000, i => $"{i},{i % 7}"));
        var (dataset, _) = await TestData.IngestAsync(bytes);

        Assert.Equal(bytes.Length, dataset.SizeBytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), dataset.Sha256);
    }

    [Fact]
    public async Task RowsArriveInChunksOfChunkRows()
    {
        var csv = TestData.Csv("a,b", 25, i => $"{i},{(i % 2 == 0 ? "x" : "y")}");
        var (dataset, sink) = await TestData.IngestAsync(csv, new CsvReadOptions { ChunkRows = 10 });

        Assert.Equal([10, 10, 5], sink.RowCounts);
        Assert.Equal(25, dataset.RowCount);
        Assert.Equal(24.0, ChunkReader.ReadRows(sink.Chunks[2])[4][0].Number);
    }

    [Fact]
    public async Task ExplicitDelimiterAndDecimalSeparatorOverrideDetection()
    {
        var options = new CsvReadOptions { Delimiter = ';', DecimalSeparator = ',' };
        var (dataset, _) = await TestData.IngestAsync("a;b\n1,5;2\n", options);

        Assert.Equal(1.5, dataset.Columns[0].Mean);
    }

    [Theory]
    [InlineData("a,b,\n1,x,\n2,y,\n")]
    [InlineData("a;b;\r\n1;x;\r\n2;y\r\n")]
    [InlineData("a,b,,\n1,x,,\n2,y,\n")]
    public async Task ADelimiterEndingEveryLineAddsNoColumn(string csv)
    {
        var (dataset, sink) = await TestData.IngestAsync(csv);

        Assert.Equal(["a", "b"], dataset.Columns.Select(c => c.Name));
        Assert.Equal(2, dataset.RowCount);
        Assert.Equal("y", ChunkReader.ReadRows(sink.Chunks[0])[1][1].Text);
    }
}
