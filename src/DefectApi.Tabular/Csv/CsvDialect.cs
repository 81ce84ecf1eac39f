using System.Text;

namespace DefectApi.Tabular.Csv;

/// <summary>Encoding, delimiter and decimal separator of a CSV file, decided from its first bytes.</summary>
internal sealed record CsvDialect(Encoding Encoding, string EncodingName, char Delimiter, char DecimalSeparator)
{
    public const int SampleBytes = 64 * 1024;
    private static readonly char[] CandidateDelimiters = [',', ';', '\t', '|'];
    private const int SampleLines = 50;

    static CsvDialect() => System.Text.Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static CsvDialect Detect(ReadOnlySpan<byte> sample, bool endOfInput, CsvReadOptions options)
    {
        var (encoding, name, bomLength) = DetectEncoding(sample, endOfInput);
        var text = encoding.GetString(sample[bomLength..]);
        if (string.IsNullOrWhiteSpace(text))
            throw new CsvFormatException("The file is empty: send a CSV with a header row and at least one data row.");
        var lines = SplitLogicalLines(text, endOfInput);
        char delimiter = options.Delimiter ?? DetectDelimiter(lines);
        char decimalSeparator = options.DecimalSeparator ?? DetectDecimalSeparator(lines, delimiter);
        return new CsvDialect(encoding, name, delimiter, decimalSeparator);
    }

    private static (Encoding Encoding, string Name, int BomLength) DetectEncoding(ReadOnlySpan<byte> sample, bool endOfInput)
    {
        if (sample.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) return (new UTF8Encoding(false), "utf-8-bom", 3);
        if (sample.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) return (new UnicodeEncoding(false, false), "utf-16le", 2);
        if (sample.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return (new UnicodeEncoding(true, false), "utf-16be", 2);
        RejectBinary(sample);
        var checkedPart = endOfInput ? sample : TrimIncompleteUtf8Sequence(sample);
        if (System.Text.Unicode.Utf8.IsValid(checkedPart)) return (new UTF8Encoding(false), "utf-8", 0);
        // Invalid UTF-8 in an MES export almost always means a Western Windows code page (°, µ, ä in headers).
        return (System.Text.Encoding.GetEncoding(1252), "windows-1252", 0);
    }

    private static void RejectBinary(ReadOnlySpan<byte> sample)
    {
        if (sample.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47]) || sample.StartsWith("PK\x03\x04"u8)
            || sample.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B])
            || sample.StartsWith("%PDF"u8))
            throw new CsvFormatException("The file is binary (an image, archive or spreadsheet?), not CSV text: export it as CSV.");
        int nul = sample.IndexOf((byte)0);
        if (nul >= 0) throw CsvFormatException.NulByte(1 + sample[..nul].Count((byte)'\n'));
    }

    /// <summary>The sample may end inside a multi-byte character; that is not an encoding error.</summary>
    private static ReadOnlySpan<byte> TrimIncompleteUtf8Sequence(ReadOnlySpan<byte> sample)
    {
        int end = sample.Length;
        for (int back = 1; back <= 3 && back <= sample.Length; back++)
        {
            byte b = sample[^back];
            if ((b & 0xC0) == 0x80) continue;       // continuation byte: keep looking for the lead byte
            if (b >= 0xC0) end = sample.Length - back;  // lead byte of a possibly cut sequence
            break;
        }
        return sample[..end];
    }

    /// <summary>Lines of the sample, not breaking inside quotes; the last line is dropped when it may be cut.</summary>
    private static List<string> SplitLogicalLines(string text, bool endOfInput)
    {
        var lines = new List<string>();
        bool inQuotes = false;
        int start = 0;
        for (int i = 0; i < text.Length && lines.Count < SampleLines; i++)
        {
            char c = text[i];
            if (c == '"') inQuotes = !inQuotes;
            else if (c == '\n' && !inQuotes)
            {
                var line = text[start..i].TrimEnd('\r');
                if (line.Length > 0) lines.Add(line);
                start = i + 1;
            }
        }
        if (endOfInput && lines.Count < SampleLines && start < text.Length)
        {
            var last = text[start..].TrimEnd('\r', '\n');
            if (last.Length > 0) lines.Add(last);
        }
        if (lines.Count == 0) lines.Add(text.TrimEnd('\r', '\n'));  // one very long header line
        return lines;
    }

    internal static int CountFields(string line, char delimiter)
    {
        int count = 1;
        bool inQuotes = false;
        foreach (char c in line)
        {
            if (c == '"') inQuotes = !inQuotes;
            else if (c == delimiter && !inQuotes) count++;
        }
        return count;
    }

    /// <summary>The delimiter that splits the header into the most fields while every sampled row agrees with it.</summary>
    private static char DetectDelimiter(List<string> lines)
    {
        char best = ',';
        int bestScore = 0;
        foreach (char candidate in CandidateDelimiters)
        {
            int headerFields = CountFields(lines[0], candidate);
            if (headerFields < 2) continue;
            int agreeing = lines.Count(l => CountFields(l, candidate) == headerFields);
            // Consistency matters more than width: a ',' inside decimal-comma values makes rows disagree.
            int score = agreeing * 10_000 + headerFields;
            if (agreeing * 2 >= lines.Count && score > bestScore) { best = candidate; bestScore = score; }
        }
        return best;
    }

    private static char DetectDecimalSeparator(List<string> lines, char delimiter)
    {
        if (delimiter == ',') return '.';
        int commaNumbers = 0, dotNumbers = 0;
        foreach (var line in lines.Skip(1))
            foreach (var field in line.Split(delimiter))
            {
                var f = field.Trim().Trim('"');
                if (LooksLikeDecimal(f, ',')) commaNumbers++;
                else if (LooksLikeDecimal(f, '.')) dotNumbers++;
            }
        return commaNumbers > dotNumbers ? ',' : '.';
    }

    private static bool LooksLikeDecimal(string field, char separator)
    {
        int at = field.IndexOf(separator);
        if (at <= 0 || at == field.Length - 1 || field.IndexOf(separator, at + 1) >= 0) return false;
        var digits = field.AsSpan().TrimStart('-');
        foreach (char c in digits) if (c != separator && !char.IsAsciiDigit(c)) return false;
        return true;
    }
}
