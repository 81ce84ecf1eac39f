using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using DefectApi.Tabular.Csv;

namespace DefectApi.Tabular.Tests.Csv;

/// <summary>Ingestion with storing overlapped: what reaches the sink does not depend on how fast the sink is, memory
/// stays bounded when the sink falls behind, and a failure anywhere ends the ingestion with no write still running.</summary>
public class ChunkPipelineTests
{
    /// <summary>Records chunks like <see cref="TestData.ListSink"/>, but each write takes its time (a database) and
    /// can be made to fail or to wait; it notes whether two writes ever ran at once or one outlived the ingestion.</summary>
    sealed class SlowSink(Func<int, Task>? before = null) : IChunkSink
    {
        int _writing;
        public List<byte[]> Chunks { get; } = [];
        public bool Overlapped { get; private set; }
        public bool Writing => Volatile.Read(ref _writing) > 0;

        public async ValueTask WriteChunkAsync(int index, int rowCount, byte[] data, CancellationToken ct)
        {
            if (Interlocked.Increment(ref _writing) > 1) Overlapped = true;
            try
            {
                Assert.Equal(Chunks.Count, index);
                if (before is not null) await before(index);
                await Task.Delay(2, ct);
                Chunks.Add(data);
            }
            finally { Interlocked.Decrement(ref _writing); }
        }
    }

    static string Csv(int rows, int badLine = -1) =>
        TestData.Csv("serial,torque,line", rows, i => i == badLine ? $"{i},1,A,extra" : $"S{i},{(i * 7919) % 1000 / 10.0}," +
            $"{(char)('A' + i % 3)}");

    static Task<IngestedDataset> Ingest(string csv, IChunkSink sink, CancellationToken ct = default) =>
        CsvIngestor.IngestAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), new CsvReadOptions { ChunkRows = 100 }, sink, ct);

    [Fact]
    public async Task ASlowSinkReceivesTheSameChunksAndTheSameProfilesAsAnInstantOne()
    {
        var csv = Csv(2_550);
        var (expected, instant) = await TestData.IngestAsync(csv, new CsvReadOptions { ChunkRows = 100 });

        var slow = new SlowSink();
        var dataset = await Ingest(csv, slow);

        Assert.Equal(instant.Chunks, slow.Chunks);
        var json = new JsonSerializerOptions { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
        Assert.Equal(JsonSerializer.Serialize(expected, json), JsonSerializer.Serialize(dataset, json));
        Assert.False(slow.Overlapped);
    }

    [Fact]
    public async Task ABadLineInALateChunkFailsOnlyOnceNoWriteIsRunning()
    {
        var sink = new SlowSink();

        var error = await Assert.ThrowsAsync<CsvFormatException>(() => Ingest(Csv(5_000, badLine: 4_321), sink));

        Assert.Equal(4_323, error.Row);
        Assert.False(sink.Writing);
        Assert.InRange(sink.Chunks.Count, 1, 43);
    }

    [Fact]
    public async Task AFailingSinkIsTheErrorReportedAndNoMoreChunksFollow()
    {
        var sink = new SlowSink(index => index == 3 ? throw new InvalidOperationException("disk full") : Task.CompletedTask);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Ingest(Csv(5_000), sink));

        Assert.Equal("disk full", error.Message);
        Assert.Equal(3, sink.Chunks.Count);
        Assert.False(sink.Writing);
    }

    [Fact]
    public async Task CancellingWhileTheSinkWritesStopsEverything()
    {
        using var cancel = new CancellationTokenSource();
        var sink = new SlowSink(index =>
        {
            if (index == 5) cancel.Cancel();
            return Task.CompletedTask;
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Ingest(Csv(5_000), sink, cancel.Token));

        Assert.False(sink.Writing);
        Assert.InRange(sink.Chunks.Count, 5, 6);
    }

    [Fact]
    public async Task ASinkThatFallsBehindStopsTheReadingAfterAFewChunks()
    {
        var release = new TaskCompletionSource();
        var sink = new SlowSink(index => index == 0 ? release.Task : Task.CompletedTask);
        var bytes = Encoding.UTF8.GetBytes(Csv(200_000));
        var input = new CountingStream(bytes);

        var ingesting = CsvIngestor.IngestAsync(input, new CsvReadOptions { ChunkRows = 100 }, sink, CancellationToken.None);
        long read;
        do
        {
            read = input.Position;
            await Task.Delay(200);
        }
        while (input.Position != read);
        release.SetResult();
        await ingesting;

        // Chunks of 100 rows are ~2 KB: a few of them, plus the reader's buffers (64 K chars each), is far below the 4 MB file.
        Assert.InRange(read, 1, 512 * 1024);
        Assert.Equal(2_000, sink.Chunks.Count);
    }

    sealed class CountingStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 4096));
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 4096)], ct);
    }
}
