namespace DefectApi.Tabular.Tests.Frames;

public class TabularFrameTests
{
    [Fact]
    public void FrameDecodesEveryChunkInOrder()
    {
        var frame = TestData.Frame(TestData.Csv("n,t,b", 1000, i => $"{i * 0.5},{(i % 3 == 0 ? "" : "k" + i % 4)}," +
            $"{(i % 2 == 0 ? "OK" : "NG")}"),
            chunkRows: 128);

        Assert.Equal(1000, frame.RowCount);
        Assert.Equal(499.5, frame.GetCell(999, 0).Number);
        Assert.Equal(CellKind.Missing, frame.GetCell(999, 1).Kind);
        Assert.Equal("k2", frame.GetCell(998, 1).Text);
        Assert.True(frame.GetCell(998, 2).Boolean);
        Assert.False(frame.GetCell(999, 2).Boolean);
    }

    [Fact]
    public void ChunkOfOnlyNumbersInATextColumnJoinsAsText()
    {
        var frame = TestData.Frame("code,v\n1,1\n2,2\nA,3\nB,4\n", chunkRows: 2);

        Assert.Equal("2", frame.GetCell(1, 0).Text);
        Assert.Equal("A", frame.GetCell(2, 0).Text);
    }

    [Fact]
    public async Task CorruptChunkIsInvalidData()
    {
        var (dataset, sink) = await TestData.IngestAsync("a,b\n1,2\n");
        var broken = sink.Chunks[0][..^3];

        Assert.Throws<InvalidDataException>(() => TabularFrame.FromChunks(dataset.Columns, [broken]));
        Assert.Throws<InvalidDataException>(() => ChunkReader.ReadRows([1, 2, 3, 4]));
    }
}
