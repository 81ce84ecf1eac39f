namespace DefectApi.Data;

public enum DatasetStatus { Uploading, Ready }

/// <summary>An uploaded CSV. Only <see cref="DatasetStatus.Ready"/> datasets are visible: an upload that dies
/// half-way leaves an <see cref="DatasetStatus.Uploading"/> row that the next start removes.</summary>
public sealed class Dataset
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public DatasetStatus Status { get; set; }
    public long RowCount { get; set; }
    public long SizeBytes { get; set; }
    public string Sha256 { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    /// <summary>The column profiles (schema and statistics) as JSON.</summary>
    public string ColumnsJson { get; set; } = "[]";
    public string Delimiter { get; set; } = ",";
    public string DecimalSeparator { get; set; } = ".";
    public string Encoding { get; set; } = "utf-8";
    public int ChunkCount { get; set; }
    /// <summary>The data report made at upload (duplicates, identifiers, single-valued and near-duplicate columns) as
    /// JSON; null for datasets uploaded before reports existed.</summary>
    public string? ReportJson { get; set; }
}

/// <summary>A block of consecutive rows in the tabular layer's binary encoding.</summary>
public sealed class DatasetChunk
{
    public Guid DatasetId { get; set; }
    public int Index { get; set; }
    public int RowCount { get; set; }
    public required byte[] Data { get; set; }
}
