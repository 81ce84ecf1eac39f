using System.Buffers;
using System.Globalization;

namespace DefectApi.Tabular.Csv;

/// <summary>
/// CSV records written into one growing char buffer, field by field, without a string per field. Fields holding the
/// delimiter, a quote or a line break are quoted with quotes doubled (RFC 4180), and each record ends in "\n". A cell
/// that a spreadsheet would run as a formula gets a leading single quote, as OWASP's CSV Injection page recommends:
/// scored files are meant to be opened in Excel, and their cells come from whoever wrote the uploaded file.
/// </summary>
internal sealed class CsvTextBuffer(char delimiter, char decimalSeparator) : IDisposable
{
    private readonly SearchValues<char> _needsQuotes = SearchValues.Create([delimiter, '"', '\n', '\r']);
    private char[] _chars = ArrayPool<char>.Shared.Rent(1 << 16);
    private bool _fieldStarted;

    public int Length { get; private set; }

    public ReadOnlyMemory<char> Written => _chars.AsMemory(0, Length);

    public ReadOnlySpan<char> Slice(int start, int length) => _chars.AsSpan(start, length);

    public void Clear()
    {
        Length = 0;
        _fieldStarted = false;
    }

    /// <summary>Starts a field: a delimiter before every field but a record's first.</summary>
    private void StartField()
    {
        if (_fieldStarted) Append(delimiter);
        _fieldStarted = true;
    }

    /// <summary>Ends a run of fields without a line break: the next field starts a new run (a row kept to copy later).</summary>
    public void EndFields() => _fieldStarted = false;

    public void EndRecord()
    {
        Append('\n');
        _fieldStarted = false;
    }

    public void Field(ReadOnlySpan<char> field)
    {
        StartField();
        if (field.IsEmpty) return;
        bool formula = IsFormula(field);
        if (field.IndexOfAny(_needsQuotes) < 0)
        {
            if (formula) Append('\'');
            Append(field);
            return;
        }
        Append('"');
        if (formula) Append('\'');
        for (int quote; (quote = field.IndexOf('"')) >= 0; field = field[(quote + 1)..])
        {
            Append(field[..(quote + 1)]);
            Append('"');
        }
        Append(field);
        Append('"');
    }

    /// <summary>An empty field, for an answer a row does not have.</summary>
    public void Empty() => StartField();

    /// <summary>A number with 6 significant digits, in the file's decimal separator.</summary>
    public void Number(double value)
    {
        StartField();
        Reserve(32);
        var target = _chars.AsSpan(Length);
        if (!value.TryFormat(target, out int written, "G6", CultureInfo.InvariantCulture))
            throw new InvalidOperationException("32 characters hold any number in G6.");
        if (decimalSeparator != '.') target[..written].Replace('.', decimalSeparator);
        Length += written;
    }

    /// <summary>Text already written before (a row's pass-through fields), copied as it is, delimiter first.</summary>
    public void PassThrough(ReadOnlySpan<char> fields)
    {
        StartField();
        Append(fields);
    }

    /// <summary>'=', '+', '-' and '@' start a formula, and a leading tab or carriage return can hide one. A number such
    /// as -3.5 or +1e5 is not a formula and stays a number, and so does the lone '-' that marks a missing value.</summary>
    private bool IsFormula(ReadOnlySpan<char> field) => field[0] switch
    {
        '\t' or '\r' => true,
        '=' or '+' or '-' or '@' => !(field is "-" || CellText.TryParseNumber(field, '.', out _) ||
                                      CellText.TryParseNumber(field, decimalSeparator, out _)),
        _ => false,
    };

    private void Append(char c)
    {
        Reserve(1);
        _chars[Length++] = c;
    }

    private void Append(ReadOnlySpan<char> text)
    {
        Reserve(text.Length);
        text.CopyTo(_chars.AsSpan(Length));
        Length += text.Length;
    }

    private void Reserve(int more)
    {
        if (Length + more <= _chars.Length) return;
        var larger = ArrayPool<char>.Shared.Rent(Math.Max(_chars.Length * 2, Length + more));
        _chars.AsSpan(0, Length).CopyTo(larger);
        ArrayPool<char>.Shared.Return(_chars);
        _chars = larger;
    }

    public void Dispose()
    {
        ArrayPool<char>.Shared.Return(_chars);
        _chars = [];
    }
}
