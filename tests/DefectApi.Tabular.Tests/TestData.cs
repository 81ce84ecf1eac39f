using System.Text;
using DefectApi.Tabular.Csv;

namespace DefectApi.Tabular.Tests;

/// <summary>Ingests CSV text in memory, as the web host does with an upload.</summary>
internal static class TestData
{
    public sealed class ListSink : IChunkSink
    {
        public List<byte[]> Chunks { get; } = [];
        public List<int> RowCounts { get; } = [];

        public ValueTask WriteChunkAsync(int index, int rowCount, byte[] data, CancellationToken ct)
        {
            Assert.Equal(Chunks.Count, index);
            Chunks.Add(data);
            RowCounts.Add(rowCount);
            return ValueTask.CompletedTask;
        }
    }

    public static Task<(IngestedDataset Dataset, ListSink Sink)> IngestAsync(string csv, CsvReadOptions? options = null) =>
        IngestAsync(Encoding.UTF8.GetBytes(csv), options);

    public static async Task<(IngestedDataset Dataset, ListSink Sink)> IngestAsync(byte[] bytes, CsvReadOptions? options = null)
    {
        var sink = new ListSink();
        var dataset = await CsvIngestor.IngestAsync(new MemoryStream(bytes), options ?? new CsvReadOptions(), sink, CancellationToken.None);
        return (dataset, sink);
    }

    public static TabularFrame Frame(string csv, int chunkRows = 8192)
    {
        var (dataset, sink) = IngestAsync(csv, new CsvReadOptions { ChunkRows = chunkRows }).GetAwaiter().GetResult();
        return TabularFrame.FromChunks(dataset.Columns, sink.Chunks);
    }

    /// <summary>A CSV with a header and one line per row built from the index.</summary>
    public static string Csv(string header, int rows, Func<int, string> line)
    {
        var text = new StringBuilder(header).Append('\n');
        for (int i = 0; i < rows; i++) text.Append(line(i)).Append('\n');
        return text.ToString();
    }
}
