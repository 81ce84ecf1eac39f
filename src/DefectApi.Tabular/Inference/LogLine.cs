using System.Buffers;
using System.Globalization;
using System.Text;
using DefectApi.Tabular.Frames;

namespace DefectApi.Tabular.Inference;

/// <summary>
/// A logged record's values as one line of comma-separated UTF-8 (RFC 4180 quoting, no line break): numbers in
/// invariant form, an empty field for a missing value. Written on the request path into a reused buffer, so logging a
/// record allocates nothing; its column names are kept once elsewhere.
/// </summary>
public sealed class LogLineWriter
{
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create([',', '"', '\n', '\r']);
    private readonly ArrayBufferWriter<byte> _bytes = new(256);
    private bool _started;

    public ReadOnlySpan<byte> Written => _bytes.WrittenSpan;

    public void Clear()
    {
        _bytes.ResetWrittenCount();
        _started = false;
    }

    public void Empty() => Separator();

    /// <summary>A number as the caller's JSON spelled it (already invariant), or any other run of safe UTF-8.</summary>
    public void Raw(ReadOnlySpan<byte> utf8)
    {
        Separator();
        _bytes.Write(utf8);
    }

    public void Number(double value)
    {
        Separator();
        Span<byte> digits = stackalloc byte[32];
        value.TryFormat(digits, out int written, "R", CultureInfo.InvariantCulture);
        _bytes.Write(digits[..written]);
    }

    public void Text(ReadOnlySpan<char> text)
    {
        Separator();
        bool quoted = text.ContainsAny(NeedsQuotes);
        if (quoted) _bytes.Write("\""u8);
        while (!text.IsEmpty)
        {
            int quote = quoted ? text.IndexOf('"') : -1;
            var run = quote < 0 ? text : text[..(quote + 1)];
            var span = _bytes.GetSpan(Encoding.UTF8.GetMaxByteCount(run.Length));
            _bytes.Advance(Encoding.UTF8.GetBytes(run, span));
            if (quote >= 0) _bytes.Write("\""u8);   // a quote inside a quoted field is doubled
            text = quote < 0 ? default : text[(quote + 1)..];
        }
        if (quoted) _bytes.Write("\""u8);
    }

    private void Separator()
    {
        if (_started) _bytes.Write(","u8);
        _started = true;
    }
}

public static class LogLineReader
{
    /// <summary>The line's fields, null for an empty one.</summary>
    public static void Split(string line, List<string?> fields)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(fields);
        fields.Clear();
        int i = 0;
        while (true)
        {
            if (i < line.Length && line[i] == '"')
            {
                var text = new StringBuilder();
                i++;
                while (i < line.Length)
                {
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"') { text.Append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    text.Append(line[i++]);
                }
                fields.Add(text.ToString());
            }
            else
            {
                int end = line.IndexOf(',', i);
                if (end < 0) end = line.Length;
                fields.Add(end == i ? null : line[i..end]);
                i = end;
            }
            if (i >= line.Length) return;
            i++;   // the comma
            if (i == line.Length)
            {
                fields.Add(null);
                return;
            }
        }
    }

    /// <summary>A field as the model's input reads it, as CSV scoring does: a numeric input's number, else the text
    /// (a serial "007" stays "007" for a categorical input); missing where empty.</summary>
    public static CellValue ToCell(string? field, bool numeric) =>
        field is null ? CellValue.Missing
        : numeric && double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number)
            ? CellValue.FromNumber(number)
            : CellValue.FromText(field);
}
