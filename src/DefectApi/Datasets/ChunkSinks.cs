using DefectApi.Data;
using DefectApi.Tabular.Csv;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace DefectApi.Datasets;

/// <summary>Writes a staged upload's chunks under its hidden row. Each provider has its own fastest way that keeps the
/// staging rule: a failed upload leaves nothing that <see cref="DatasetStore.DiscardAsync"/> cannot remove.</summary>
internal abstract class ChunkSink(DefectDbContext db) : IChunkSink, IAsyncDisposable
{
    protected DefectDbContext Db { get; } = db;

    public int Count { get; protected set; }

    public static ChunkSink For(DefectDbContext db, Guid datasetId, PostgresSizeLimit sizeLimit) =>
        db.Database.IsNpgsql() ? new CopyChunkSink(db, datasetId, sizeLimit) : new EfChunkSink(db, datasetId);

    public abstract ValueTask WriteChunkAsync(int index, int rowCount, byte[] data, CancellationToken ct);

    /// <summary>Makes every written chunk durable; called once ingestion has succeeded.</summary>
    public virtual Task CompleteAsync(CancellationToken ct) => Task.CompletedTask;

    public virtual ValueTask DisposeAsync() => Db.DisposeAsync();
}

/// <summary>SQLite: one short transaction per chunk. A single transaction for the whole upload would hold SQLite's one
/// writer lock for as long as the upload takes, and every other write (job states, the prediction log) would time out.</summary>
internal sealed class EfChunkSink(DefectDbContext db, Guid datasetId) : ChunkSink(db)
{
    public override async ValueTask WriteChunkAsync(int index, int rowCount, byte[] data, CancellationToken ct)
    {
        Db.DatasetChunks.Add(new DatasetChunk { DatasetId = datasetId, Index = index, RowCount = rowCount, Data = data });
        await Db.SaveChangesAsync(ct);
        Db.ChangeTracker.Clear();
        Count++;
    }
}

/// <summary>PostgreSQL: the whole upload is one binary COPY. Rows stream to the server without a round trip per chunk,
/// so the server stores chunk n while this process parses chunk n+1. The rows commit together when the COPY
/// completes (still hidden under the Uploading row); a COPY disposed before completing is cancelled and writes none.
/// Each chunk asks the size limit first: PostgreSQL has no quota of its own to stop the COPY.</summary>
internal sealed class CopyChunkSink(DefectDbContext db, Guid datasetId, PostgresSizeLimit sizeLimit) : ChunkSink(db)
{
    const string Copy = "COPY \"DatasetChunks\" (\"DatasetId\", \"Index\", \"RowCount\", \"Data\") FROM STDIN (FORMAT BINARY)";
    readonly PostgresSizeLimit.Upload _room = sizeLimit.StartUpload();
    NpgsqlBinaryImporter? _copy;

    public override async ValueTask WriteChunkAsync(int index, int rowCount, byte[] data, CancellationToken ct)
    {
        await _room.EnsureRoomAsync(data.Length + PostgresSizeLimit.RowOverhead, ct);
        if (_copy is null)
        {
            await Db.Database.OpenConnectionAsync(ct);
            _copy = await ((NpgsqlConnection)Db.Database.GetDbConnection()).BeginBinaryImportAsync(Copy, ct);
        }
        await _copy.StartRowAsync(ct);
        await _copy.WriteAsync(datasetId, NpgsqlDbType.Uuid, ct);
        await _copy.WriteAsync(index, NpgsqlDbType.Integer, ct);
        await _copy.WriteAsync(rowCount, NpgsqlDbType.Integer, ct);
        await _copy.WriteAsync(data, NpgsqlDbType.Bytea, ct);
        Count++;
    }

    public override async Task CompleteAsync(CancellationToken ct)
    {
        if (_copy is not null) await _copy.CompleteAsync(ct);
        _room.Complete();
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            if (_copy is not null) await _copy.DisposeAsync();
        }
        catch (Exception e) when (e is NpgsqlException or IOException or OperationCanceledException)
        {
            // Cancelling an unfinished COPY on a connection that a cancelled write has broken fails too; the server
            // rolls the COPY back with the session, and the failure that led here is the one to report.
        }
        finally
        {
            _room.Dispose();
            await Db.DisposeAsync();
        }
    }
}
