namespace DefectApi.Tests.Infrastructure;

/// <summary>A CSV answer read back: its header and its rows, quoted fields (RFC 4180) unquoted.</summary>
public sealed class CsvTable
{
    public IReadOnlyList<string> Header { get; }
    public IReadOnlyList<string[]> Rows { get; }

    CsvTable(IReadOnlyList<string> header, IReadOnlyList<string[]> rows) => (Header, Rows) = (header, rows);

    public int Column(string name)
    {
        int at = Header.ToList().IndexOf(name);
        Assert.True(at >= 0, $"no column '{name}' in {string.Join(",", Header)}");
        return at;
    }

    /// <summary>Each row's cell of one column.</summary>
    public IEnumerable<string> Cells(string column)
    {
        int at = Column(column);
        return Rows.Select(r => r[at]);
    }

    public static CsvTable Parse(string text)
    {
        var lines = new List<string[]>();
        var cells = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c != '"') cell.Append(c);
                else if (i + 1 < text.Length && text[i + 1] == '"') cell.Append(text[++i]);
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { cells.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\n')
            {
                cells.Add(cell.ToString());
                cell.Clear();
                lines.Add([.. cells]);
                cells.Clear();
            }
            else if (c != '\r') cell.Append(c);
        }
        if (cell.Length > 0 || cells.Count > 0) { cells.Add(cell.ToString()); lines.Add([.. cells]); }
        Assert.NotEmpty(lines);
        return new CsvTable(lines[0].Select(h => h.TrimStart('\uFEFF')).ToArray(), lines.Skip(1).ToList());
    }
}
