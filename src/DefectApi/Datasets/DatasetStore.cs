using DefectApi.Data;
using DefectApi.Http;
using DefectApi.Tabular.Csv;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DefectApi.Datasets;

/// <summary>Streams an upload into storage in three steps: stage (chunks written under a hidden row), publish (made
/// visible in one transaction, or folded into an identical earlier upload), discard (on any failure).</summary>
public sealed class DatasetStore(IDbContextFactory<DefectDbContext> dbs, IOptions<UploadOptions> options, TimeProvider clock,
    PostgresSizeLimit sizeLimit)
{
    public sealed record Staged(Guid Id, IngestedDataset Ingested, int ChunkCount);

    public async Task<Staged> StageAsync(Stream csv, char? delimiter, char? decimalSeparator, CancellationToken ct)
    {
        var limits = options.Value;
        var id = Guid.CreateVersion7();
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            db.Datasets.Add(new Dataset
            {
                Id = id, Name = "", Status = DatasetStatus.Uploading,
                CreatedAt = clock.GetUtcNow().UtcDateTime
            });
            await db.SaveChangesAsync(ct);
        }
        try
        {
            var limited = new LengthLimitedStream(csv, limits.MaxBytes,
                $"The CSV is larger than the limit of {limits.MaxBytes} bytes (Uploads:MaxBytes). Split the file or raise the limit.");
            var readOptions = new CsvReadOptions
            {
                Delimiter = delimiter, DecimalSeparator = decimalSeparator, ChunkRows = limits.ChunkRows, MaxColumns = limits.MaxColumns,
            };
            await using var sink = ChunkSink.For(await dbs.CreateDbContextAsync(ct), id, sizeLimit);
            var ingested = await CsvIngestor.IngestAsync(limited, readOptions, sink, ct);
            await sink.CompleteAsync(ct);
            return new Staged(id, ingested, sink.Count);
        }
        catch
        {
            await DiscardAsync(id);
            throw;
        }
    }

    /// <summary>Makes a staged upload a dataset, with its audit entry; the same bytes stored before are answered
    /// instead (and nothing is recorded: nothing changed).</summary>
    public async Task<(Dataset Dataset, bool Created)> PublishAsync(Staged staged, string name, AuditEntry audit, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var existing = await db.Datasets.AsNoTracking()
            .Where(d => d.Status == DatasetStatus.Ready && d.Sha256 == staged.Ingested.Sha256)
            .OrderBy(d => d.CreatedAt).FirstOrDefaultAsync(ct);
        if (existing is not null)
        {
            await DeleteRowsAsync(db, staged.Id, ct);
            await transaction.CommitAsync(ct);
            return (existing, false);
        }
        var dataset = await db.Datasets.SingleAsync(d => d.Id == staged.Id, ct);
        var ingested = staged.Ingested;
        dataset.Name = name;
        dataset.Status = DatasetStatus.Ready;
        dataset.RowCount = ingested.RowCount;
        dataset.SizeBytes = ingested.SizeBytes;
        dataset.Sha256 = ingested.Sha256;
        dataset.ColumnsJson = DatasetMapping.ToStorageJson(ingested.Columns);
        dataset.Delimiter = ingested.Delimiter == '\t' ? "tab" : ingested.Delimiter.ToString();
        dataset.DecimalSeparator = ingested.DecimalSeparator.ToString();
        dataset.Encoding = ingested.Encoding;
        dataset.ChunkCount = staged.ChunkCount;
        dataset.ReportJson = DatasetMapping.ToStorageJson(ingested.Report);
        dataset.CreatedAt = clock.GetUtcNow().UtcDateTime;
        db.AuditEntries.Add(audit);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return (dataset, true);
    }

    public async Task DiscardAsync(Guid id)
    {
        await using var db = await dbs.CreateDbContextAsync(CancellationToken.None);
        await DeleteRowsAsync(db, id, CancellationToken.None);
        // A refused upload's chunks would otherwise hold their space (PostgreSQL) and keep the size limit shut.
        if (db.Database.IsNpgsql()) await sizeLimit.ReturnChunkSpaceAsync(db);
    }

    public static async Task DeleteRowsAsync(DefectDbContext db, Guid id, CancellationToken ct)
    {
        await db.DatasetChunks.Where(c => c.DatasetId == id).ExecuteDeleteAsync(ct);
        await db.Datasets.Where(d => d.Id == id).ExecuteDeleteAsync(ct);
    }

    /// <summary>Deletes the rows of uploads that began before <paramref name="startedBefore"/> and never finished: a stopped
    /// process left them half-written.</summary>
    public static async Task<int> RemoveAbandonedUploadsAsync(DefectDbContext db, DateTime startedBefore, CancellationToken ct)
    {
        var partial = await db.Datasets.Where(d => d.Status == DatasetStatus.Uploading && d.CreatedAt < startedBefore)
            .Select(d => d.Id).ToListAsync(ct);
        foreach (var id in partial) await DatasetStore.DeleteRowsAsync(db, id, ct);
        return partial.Count;
    }
}
