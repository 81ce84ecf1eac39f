using System.Text;
using DefectApi.Tabular.Csv;

namespace DefectApi.Tabular.Tests.Csv;

public class CsvFormatErrorTests
{
    private static async Task<CsvFormatException> Rejected(string csv, CsvReadOptions? options = null) =>
        await Assert.ThrowsAsync<CsvFormatException>(() => TestData.IngestAsync(csv, options));

    [Theory]
    [InlineData("")]
    [InlineData("\r\n\r\n")]
    public async Task EmptyFileIsRejected(string csv) => Assert.Contains("empty", (await Rejected(csv)).Message);

    [Fact]
    public async Task HeaderWithoutRowsIsRejected() => Assert.Contains("no data rows", (await Rejected("a,b\n")).Message);

    [Fact]
    public async Task DuplicateColumnNamesAreRejectedNamingTheColumn()
    {
        var error = await Rejected("a,b,a\n1,2,3\n");
        Assert.Equal("a", error.Column);
        Assert.Equal(1, error.Row);
    }

    [Fact]
    public async Task EmptyColumnNameIsRejected() => Assert.Contains("no name", (await Rejected("a,,c\n1,2,3\n")).Message);

    [Fact]
    public async Task AValueUnderAnUnnamedTrailingColumnIsRejectedWithItsLine()
    {
        var error = await Rejected("a,b,\n1,2,\n3,4,5\n");
        Assert.Equal(3, error.Row);
        Assert.Contains("column 3, which has no name", error.Message);
    }

    [Fact]
    public async Task AHeaderOfOnlyEmptyNamesIsRejected() => Assert.Contains("Column 1 has no name", (await Rejected(",,\n1,2,3\n"))
        .Message);

    [Fact]
    public async Task RowWithTooManyFieldsIsRejectedWithItsLine()
    {
        var error = await Rejected("a,b\n1,2\n3,4,5\n");
        Assert.Equal(3, error.Row);
        Assert.Contains("3 fields", error.Message);
    }

    [Fact]
    public async Task RowWithTooFewFieldsNamesTheFirstMissingColumn()
    {
        var error = await Rejected("a,b,c\n1,2,3\n\"x\ny\",2,3\n4,5\n");
        Assert.Equal(5, error.Row);
        Assert.Equal("c", error.Column);
    }

    [Fact]
    public async Task UnterminatedQuoteIsRejected()
    {
        var error = await Rejected("a,b\n1,2\n3,\"4\n5,6\n");
        Assert.Contains("quote", error.Message);
        Assert.Equal(3, error.Row);
    }

    [Fact]
    public async Task SingleColumnIsRejected() => Assert.Equal("value", (await Rejected("value\n1\n2\n")).Column);

    [Fact]
    public async Task MoreColumnsThanMaxColumnsIsRejected() =>
        Assert.Contains("at most 3", (await Rejected("a,b,c,d\n1,2,3,4\n", new CsvReadOptions { MaxColumns = 3 })).Message);

    [Theory]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2 })]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04, 20, 0, 8, 0 })]
    [InlineData(new byte[] { 0x61, 0x2C, 0x62, 0x0A, 0x31, 0x00, 0x32, 0x0A })]
    public async Task BinaryContentIsRejected(byte[] bytes)
    {
        var error = await Assert.ThrowsAsync<CsvFormatException>(() => TestData.IngestAsync(bytes));
        Assert.Contains("binary", error.Message);
    }

    [Theory]
    [InlineData(3)]         // inside the first 64 KB, which dialect detection reads
    [InlineData(15_000)]    // far past them, after a chunk has gone to the sink
    public async Task ANulByteIsRejectedNamingItsLineWhereverItIs(int line)
    {
        var csv = TestData.Csv("a,b", 20_000, i => i + 2 == line ? "1\0,2" : $"{i},{i % 7}");

        var error = await Assert.ThrowsAsync<CsvFormatException>(() => TestData.IngestAsync(Encoding.UTF8.GetBytes(csv)));

        Assert.Equal(line, error.Row);
        Assert.StartsWith($"Line {line} contains a NUL byte", error.Message);
    }

    [Fact]
    public async Task ErrorsLateInALargeFileStillNameTheLine()
    {
        var csv = TestData.Csv("a,b", 20_000, i => $"{i},{i}") + "1,2,3\n";
        var error = await Assert.ThrowsAsync<CsvFormatException>(() => TestData.IngestAsync(Encoding.UTF8.GetBytes(csv)));
        Assert.Equal(20_002, error.Row);
    }
}
