using DefectApi.Tabular.Schema;

namespace DefectApi.Tabular.Csv;

public static class CsvIngestor
{
    /// <summary>Streams the CSV once: each encoded chunk of ChunkRows rows goes to the sink as soon as it is full,
    /// every column is profiled on the way and the raw bytes are hashed. Tokenising, encoding and storing overlap (see
    /// <see cref="ChunkPipeline"/>), so memory is bounded by a few chunks plus the profiles. Throws CsvFormatException for
    /// anything malformed, and only once no sink write is still running.</summary>
    public static async Task<IngestedDataset> IngestAsync(Stream csv, CsvReadOptions options, IChunkSink sink, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(csv);
        ArgumentNullException.ThrowIfNull(sink);
        if (options.ChunkRows < 1) throw new ArgumentOutOfRangeException(nameof(options), "ChunkRows must be at least 1.");

        await using var source = await CsvSource.OpenAsync(csv, options, ct);
        var profilers = source.Header.Select(name => new ColumnProfiler(name)).ToArray();
        var report = options.DataReport ? new DataReportBuilder(source.Header) : null;
        int columns = profilers.Length;
        long rows = 0;
        await using (var pipeline = new ChunkPipeline(new ChunkEncoder(profilers, source.Dialect.DecimalSeparator, report), sink, ct))
        {
            var filling = new RawChunk(columns, options.ChunkRows);
            while (await source.ReadAsync(ct))
            {
                for (int c = 0; c < columns; c++) filling.Append(c, source.Field(c));
                filling.EndRow();
                rows++;
                if (filling.IsFull) filling = await pipeline.SubmitAsync(filling) ?? new RawChunk(columns, options.ChunkRows);
            }
            if (rows == 0)
                throw new CsvFormatException("The file has a header but no data rows: add at least one row of values.", 2);
            if (filling.Rows > 0) await pipeline.SubmitAsync(filling);
            await pipeline.CompleteAsync();
        }

        string sha256 = await source.FinishAsync(ct);
        var dialect = source.Dialect;
        var columnProfiles = profilers.Select(p => p.Finish()).ToArray();
        return new IngestedDataset(columnProfiles, rows, source.BytesRead, sha256, dialect.Delimiter, dialect.DecimalSeparator,
            dialect.EncodingName)
        {
            Report = report?.Finish(columnProfiles),
        };
    }
}
