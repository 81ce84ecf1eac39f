using Sylvan.Data.Csv;

namespace DefectApi.Tabular.Csv;

/// <summary>One pass over a CSV stream: dialect detection, Sylvan tokenising, header checks, blank lines skipped,
/// ragged rows and broken quoting reported with their line number. Shared by ingestion and scoring.</summary>
internal sealed class CsvSource : IAsyncDisposable
{
    private readonly CsvDataReader _reader;
    private readonly HashingReadStream _bytes;
    private readonly int _unnamedTail;
    private long _nextLine;

    private CsvSource(CsvDataReader reader, HashingReadStream bytes, CsvDialect dialect, string[] header, int unnamedTail)
    {
        _reader = reader;
        _bytes = bytes;
        Dialect = dialect;
        Header = header;
        _unnamedTail = unnamedTail;
        _nextLine = 1 + header.Sum(h => h.Count('\n')) + 1;
    }

    public CsvDialect Dialect { get; }
    public IReadOnlyList<string> Header { get; }

    /// <summary>1-based line in the file where the current record starts.</summary>
    public long LineNumber { get; private set; }

    public long BytesRead => _bytes.BytesRead;

    public static async Task<CsvSource> OpenAsync(Stream input, CsvReadOptions options, CancellationToken ct)
    {
        var sample = new byte[CsvDialect.SampleBytes];
        int length = 0, n;
        while (length < sample.Length && (n = await input.ReadAsync(sample.AsMemory(length), ct)) > 0) length += n;
        var dialect = CsvDialect.Detect(sample.AsSpan(0, length), length < sample.Length, options);

        var bytes = new HashingReadStream(sample, length, input);
        var text = new StreamReader(bytes, dialect.Encoding, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var readerOptions = new CsvDataReaderOptions
        {
            Delimiter = dialect.Delimiter,
            HasHeaders = true,
            Comment = '\0',           // '#' starts many MES serials; no comment lines in CSV exports
            BufferSize = 1 << 16,
            MaxBufferSize = 64 << 20,
        };
        CsvDataReader reader;
        try
        {
            reader = await CsvDataReader.CreateAsync(text, readerOptions, ct);
        }
        catch (Exception e) when (e is Sylvan.Data.Csv.CsvFormatException or CsvMissingHeadersException or CsvRecordTooLargeException)
        {
            throw new CsvFormatException($"The header row cannot be read ({e.Message}): check the quoting of the first line.", 1);
        }
        var header = Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetName(i).Trim()).ToArray();
        int unnamedTail = UnnamedTail(header);
        header = header[..^unnamedTail];
        ValidateHeader(header, options);
        return new CsvSource(reader, bytes, dialect, header, unnamedTail);
    }

    /// <summary>How many columns at the end have no name. Excel and SAP exports end every line with the delimiter,
    /// which reads as one more, empty, column; it is dropped (a value under it is refused line by line). A header of
    /// nothing but empty names keeps them, so that it is reported as such.</summary>
    private static int UnnamedTail(string[] header)
    {
        int tail = 0;
        while (tail < header.Length && header[^(tail + 1)].Length == 0) tail++;
        return tail == header.Length ? 0 : tail;
    }

    private static void ValidateHeader(string[] header, CsvReadOptions options)
    {
        if (header.Length == 0)
            throw new CsvFormatException("The file is empty: send a CSV with a header row and at least one data row.");
        if (header.Length == 1)
            throw new CsvFormatException(
                $"The header has a single column '{header[0]}': separate the columns with ',', ';', tab or '|'.", 1, header[0]);
        if (header.Length > options.MaxColumns)
            throw new CsvFormatException($"The file has {header.Length} columns; at most {options.MaxColumns} are allowed.", 1);
        if (Array.FindIndex(header, h => h.Contains('\0')) is >= 0 and var withNul)
            throw CsvFormatException.NulByte(1 + string.Concat(header.Take(withNul)).Count('\n'));
        for (int i = 0; i < header.Length; i++)
            if (header[i].Length == 0)
                throw new CsvFormatException($"Column {i + 1} has no name: give every column a header name.", 1);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in header)
            if (!seen.Add(name))
                throw new CsvFormatException($"The column name '{name}' appears more than once: make header names unique.", 1, name);
    }

    /// <summary>Moves to the next non-blank record; throws CsvFormatException for ragged rows and broken quoting.
    /// Completes synchronously while the tokeniser's buffer holds whole records, which is almost always.</summary>
    public ValueTask<bool> ReadAsync(CancellationToken ct)
    {
        while (true)
        {
            Task<bool> read;
            try
            {
                read = _reader.ReadAsync(ct);
                if (!read.IsCompleted) return new ValueTask<bool>(CompleteAsync(read, ct));
                if (!read.GetAwaiter().GetResult()) return ValueTask.FromResult(false);
            }
            catch (Exception e) when (TranslateReadError(e) is { } translated)
            {
                throw translated;
            }
            if (AcceptRecord()) return ValueTask.FromResult(true);
        }
    }

    private async Task<bool> CompleteAsync(Task<bool> pending, CancellationToken ct)
    {
        try
        {
            if (!await pending) return false;
        }
        catch (Exception e) when (TranslateReadError(e) is { } translated)
        {
            throw translated;
        }
        return AcceptRecord() || await ReadAsync(ct);
    }

    /// <summary>Tracks line numbers and checks the field count; false for a blank line, which is skipped.</summary>
    private bool AcceptRecord()
    {
        LineNumber = _nextLine;
        var raw = _reader.GetRawRecordSpan();
        _nextLine += raw.Count('\n');
        int nul = raw.IndexOf('\0');
        if (nul >= 0) throw CsvFormatException.NulByte(LineNumber + raw[..nul].Count('\n'));
        int fields = _reader.RowFieldCount;
        if (fields == 1 && _reader.GetFieldSpan(0).Trim().IsEmpty) return false;
        // Rows may end with or without the unnamed trailing fields, as long as those hold nothing.
        if (fields < Header.Count || fields > Header.Count + _unnamedTail) ThrowRagged(fields);
        for (int c = Header.Count; c < fields; c++)
            if (!_reader.GetFieldSpan(c).Trim().IsEmpty)
                throw new CsvFormatException(
                    $"Line {LineNumber} has a value in column {c + 1}, which has no name in the header: name that column in the " +
                    "header, or remove the value.", LineNumber);
        return true;
    }

    private CsvFormatException? TranslateReadError(Exception e) => e switch
    {
        CsvRecordTooLargeException =>
            new CsvFormatException($"Line {_nextLine}: the record is too large; is a quote left open?", _nextLine),
        Sylvan.Data.Csv.CsvFormatException f => new CsvFormatException(
            $"Line {_nextLine}: a quoted field is not closed ({f.Message}) — close the quote or escape it as \"\".",
            _nextLine, f.FieldOrdinal >= 0 && f.FieldOrdinal < Header.Count ? Header[f.FieldOrdinal] : null),
        _ => null,
    };

    private void ThrowRagged(int fields)
    {
        if (fields > Header.Count)
            throw new CsvFormatException(
                $"Line {LineNumber} has {fields} fields but the header has {Header.Count + _unnamedTail}: quote values that " +
                $"contain '{Dialect.Delimiter}' or remove the extra fields.", LineNumber);
        var column = Header[fields];
        throw new CsvFormatException(
            $"Line {LineNumber} has {fields} fields but the header has {Header.Count}: the value for '{column}' and after is missing.",
            LineNumber, column);
    }

    public ReadOnlySpan<char> Field(int ordinal) => _reader.GetFieldSpan(ordinal);

    /// <summary>Reads to the end of the input and returns the SHA-256 of every byte.</summary>
    public Task<string> FinishAsync(CancellationToken ct) => _bytes.FinishAsync(ct);

    public async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync();
        await _bytes.DisposeAsync();
    }
}
