namespace DefectApi.Tabular.Csv;

/// <summary>Receives each encoded chunk of rows as soon as ingestion has filled it.</summary>
public interface IChunkSink
{
    ValueTask WriteChunkAsync(int index, int rowCount, byte[] data, CancellationToken ct);
}
