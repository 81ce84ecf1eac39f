using DefectApi.Tabular.Schema;

namespace DefectApi.Tabular.Csv;

/// <param name="Sha256">lowercase hex of the raw bytes</param>
public sealed record IngestedDataset(IReadOnlyList<ColumnProfile> Columns, long RowCount, long SizeBytes, string Sha256,
                                     char Delimiter, char DecimalSeparator, string Encoding)
{
    /// <summary>Null when the read options did not ask for one.</summary>
    public DataReport? Report { get; init; }
}
