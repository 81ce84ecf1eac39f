using DefectApi.Tabular.Schema;

namespace DefectApi.Tabular.Csv;

public static class CsvIngestor
{
    /// <summary>Streams the CSV once: each encoded chunk of ChunkRows rows goes to the sink as soon as it is full,
    /// every column is profiled on the way and the raw bytes are hashed. Memory is bounded by two raw chunks (one
    /// filling while the other is encoded) plus the profiles. Throws CsvFormatException for anything malformed.</summary>
    public static async Task<IngestedDataset> IngestAsync(Stream csv, CsvReadOptions options, IChunkSink sink, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(csv);
        ArgumentNullException.ThrowIfNull(sink);
        if (options.ChunkRows < 1) throw new ArgumentOutOfRangeException(nameof(options), "ChunkRows must be at least 1.");

        await using var source = await CsvSource.OpenAsync(csv, options, ct);
        var profilers = source.Header.Select(name => new ColumnProfiler(name)).ToArray();
        var encoder = new ChunkEncoder(profilers, source.Dialect.DecimalSeparator);
        int columns = profilers.Length, chunkIndex = 0;
        long rows = 0;
        var filling = new RawChunk(columns, options.ChunkRows);
        RawChunk? spare = null;
        Task? encoding = null;

        // Encoding and handing over chunk n overlaps with tokenising chunk n+1; chunks still leave in order.
        async Task EncodeAndSinkAsync(RawChunk raw, int index)
        {
            var bytes = await Task.Run(() => encoder.Encode(raw), ct);
            await sink.WriteChunkAsync(index, raw.Rows, bytes, ct);
        }

        try
        {
            while (await source.ReadAsync(ct))
            {
                for (int c = 0; c < columns; c++) filling.Append(c, source.Field(c));
                filling.EndRow();
                rows++;
                if (!filling.IsFull) continue;
                if (encoding is not null) await encoding;
                spare?.Clear();
                encoding = EncodeAndSinkAsync(filling, chunkIndex++);
                (filling, spare) = (spare ?? new RawChunk(columns, options.ChunkRows), filling);
            }
        }
        catch when (encoding is { IsCompleted: false })
        {
            // Let the chunk in flight finish before the failure surfaces, so no sink write outlives this call.
            try { await encoding; } catch { /* the first failure is the one to report */ }
            throw;
        }
        if (encoding is not null) await encoding;
        if (rows == 0)
            throw new CsvFormatException("The file has a header but no data rows: add at least one row of values.", 2);
        if (filling.Rows > 0) await EncodeAndSinkAsync(filling, chunkIndex);

        string sha256 = await source.FinishAsync(ct);
        var dialect = source.Dialect;
        return new IngestedDataset(profilers.Select(p => p.Finish()).ToArray(), rows, source.BytesRead, sha256,
            dialect.Delimiter, dialect.DecimalSeparator, dialect.EncodingName);
    }
}
