namespace DefectApi.Tabular.Csv;

/// <summary>Bad CSV: the message says what to change; Row is the 1-based line number in the file where known,
/// Column the header name.</summary>
public sealed class CsvFormatException(string message, long? row = null, string? column = null) : Exception(message)
{
    public long? Row { get; } = row;
    public string? Column { get; } = column;
}
