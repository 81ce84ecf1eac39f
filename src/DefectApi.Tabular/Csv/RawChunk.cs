namespace DefectApi.Tabular.Csv;

/// <summary>The raw text of up to Capacity rows, column by column, as the tokeniser delivered it.</summary>
internal sealed class RawChunk
{
    private readonly char[][] _text;
    private readonly int[][] _ends;

    public RawChunk(int columns, int capacity)
    {
        _text = new char[columns][];
        _ends = new int[columns][];
        for (int c = 0; c < columns; c++)
        {
            _text[c] = new char[256];
            _ends[c] = new int[capacity];
        }
        Capacity = capacity;
    }

    public int Capacity { get; }
    public int Columns => _text.Length;
    public int Rows { get; private set; }
    public bool IsFull => Rows == Capacity;

    public void Append(int column, ReadOnlySpan<char> field)
    {
        var ends = _ends[column];
        int start = Rows == 0 ? 0 : ends[Rows - 1];
        ref var buffer = ref _text[column];
        if (start + field.Length > buffer.Length) Array.Resize(ref buffer, Math.Max(buffer.Length * 2, start + field.Length));
        field.CopyTo(buffer.AsSpan(start));
        ends[Rows] = start + field.Length;
    }

    public void EndRow() => Rows++;

    public void Clear() => Rows = 0;

    public ReadOnlySpan<char> Cell(int column, int row)
    {
        var ends = _ends[column];
        int start = row == 0 ? 0 : ends[row - 1];
        return _text[column].AsSpan(start, ends[row] - start);
    }
}
