using DefectApi.Tabular.Csv;

namespace DefectApi.Bench;

/// <summary>CSV text ingested in memory, as an upload would be, into a frame to train or score on.</summary>
internal static class BenchFrames
{
    public static TabularFrame FromCsv(string csv)
    {
        var chunks = new List<byte[]>();
        var dataset = CsvIngestor.IngestAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), new CsvReadOptions(), new ListSink(chunks),
            CancellationToken.None).GetAwaiter().GetResult();
        return TabularFrame.FromChunks(dataset.Columns, chunks);
    }

    private sealed class ListSink(List<byte[]> chunks) : IChunkSink
    {
        public ValueTask WriteChunkAsync(int index, int rowCount, byte[] data, CancellationToken ct)
        {
            chunks.Add(data);
            return ValueTask.CompletedTask;
        }
    }
}
