namespace DefectApi.Tabular.Csv;

/// <summary>Bad CSV: the message says what to change; Row is the 1-based line number in the file where known,
/// Column the header name.</summary>
public sealed class CsvFormatException(string message, long? row = null, string? column = null) : Exception(message)
{
    public long? Row { get; } = row;
    public string? Column { get; } = column;

    /// <summary>A NUL byte is refused wherever it is, in the first bytes that detection reads or further on, so that
    /// where it sits never decides whether a file is stored.</summary>
    public static CsvFormatException NulByte(long line) => new(
        $"Line {line} contains a NUL byte (0x00), which CSV text never holds: the file may be binary (an image, archive or " +
        "spreadsheet?), UTF-16 without a byte order mark, or damaged. Export it again as CSV text, or remove the byte.", line);
}
