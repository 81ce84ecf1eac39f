using DefectApi.Datasets;
using DefectApi.Tabular.Csv;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DefectApi.Tests.Datasets;

/// <summary>What an upload leaves in the database while storing overlaps parsing (EF inserts on SQLite, one binary
/// COPY on PostgreSQL): the chunks the tabular layer encodes, byte for byte, or, when the upload fails, nothing.
/// Runs on both providers: <see cref="DatasetUploadStorageTestsOnSqlite"/> and <see cref="DatasetUploadStorageTestsOnPostgres"/>.</summary>
public abstract class DatasetUploadStorageTests(DatabaseProvider provider) : ServiceOnProvider(provider)
{
    sealed class ListSink : IChunkSink
    {
        public List<(int Rows, byte[] Data)> Chunks { get; } = [];

        public ValueTask WriteChunkAsync(int index, int rowCount, byte[] data, CancellationToken ct)
        {
            Chunks.Add((rowCount, data));
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Many chunks' worth of rows with text and numbers, so that several writes are in flight.</summary>
    static string Csv(int rows, int raggedLine = -1)
    {
        var csv = new StringBuilder("Serial,Shift,Temperature [C],Defect\n");
        for (var i = 0; i < rows; i++)
            csv.Append(i + 2 == raggedLine ? $"P{i},A\n" : $"P{i},{(char)('A' + i % 3)},{20 + i % 97 * 0.25},{(i % 11 == 0 ? 1 : 0)}\n");
        return csv.ToString();
    }

    async Task<(int Datasets, int Chunks)> StoredAsync()
    {
        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
        return (await db.Datasets.CountAsync(), await db.DatasetChunks.CountAsync());
    }

    [SkippableFact]
    public async Task AnUploadStoresExactlyTheChunksTheTabularLayerEncodes()
    {
        var csv = Csv(45_000);
        var chunkRows = Factory.Services.GetRequiredService<IOptions<UploadOptions>>().Value.ChunkRows;
        var expected = new ListSink();
        await CsvIngestor.IngestAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), new CsvReadOptions { ChunkRows = chunkRows }, expected,
            default);

        var dataset = await Client.UploadAsync(csv, "many-chunks");

        var id = dataset.GetProperty("id").GetGuid();
        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
        var stored = await db.DatasetChunks.AsNoTracking().Where(c => c.DatasetId == id).OrderBy(c => c.Index)
            .Select(c => new { c.Index, c.RowCount, c.Data }).ToListAsync();
        Assert.True(expected.Chunks.Count > 4, "the upload should span several chunks");
        Assert.Equal(Enumerable.Range(0, expected.Chunks.Count), stored.Select(c => c.Index));
        Assert.Equal(expected.Chunks.Select(c => c.Rows), stored.Select(c => c.RowCount));
        for (var i = 0; i < stored.Count; i++) Assert.Equal(expected.Chunks[i].Data, stored[i].Data);
        Assert.Equal(expected.Chunks.Count, (await db.Datasets.AsNoTracking().SingleAsync(d => d.Id == id)).ChunkCount);
    }

    [SkippableFact]
    public async Task ARaggedLineInALateChunkIsABadRequestAndLeavesNothingStored()
    {
        // About 18 chunks are encoded and written before line 150,002 is read.
        var response = await Client.PostMultipartCsvAsync(Csv(160_000, raggedLine: 150_002), "late-error");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(150_002, problem.GetProperty("row").GetInt64());
        Assert.Equal((0, 0), await StoredAsync());

        // The failed upload took nothing with it: the same service still stores the next one.
        var next = await Client.UploadAsync(Csv(20_000), "after");
        Assert.Equal(20_000, next.GetProperty("rowCount").GetInt64());
    }

    [SkippableFact]
    public async Task AnUploadCancelledMidwayLeavesNothingStored()
    {
        // Through the store rather than HTTP: the in-memory test server reads a request body whole before the endpoint
        // runs, so a client cannot abandon an upload half-way there. Cancelling is what an aborted request does.
        var store = Factory.Services.GetRequiredService<DatasetStore>();
        var stalled = new StalledCsvStream(rowsBeforeStall: 40_000);
        using var abandon = new CancellationTokenSource();
        var staging = store.StageAsync(stalled, null, null, abandon.Token);
        await stalled.Stalled.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, (await StoredAsync()).Datasets);   // the hidden row of the upload in flight
        await Task.Delay(300);                              // lets the chunks read so far reach the database

        await abandon.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => staging);
        Assert.Equal((0, 0), await StoredAsync());
        var list = await Client.GetFromJsonAsync<JsonElement>("/api/datasets");
        Assert.Equal(0, list.GetProperty("total").GetInt64());
    }
}

public sealed class DatasetUploadStorageTestsOnSqlite() : DatasetUploadStorageTests(DatabaseProvider.Sqlite);

public sealed class DatasetUploadStorageTestsOnPostgres() : DatasetUploadStorageTests(DatabaseProvider.Postgres);
