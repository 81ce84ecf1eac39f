using System.Globalization;
using DefectApi.Tabular.Csv;
using DefectApi.Tabular.Schema;

namespace DefectApi.Tabular.Frames;

/// <summary>A whole dataset in memory, column-major, decoded from the stored chunks (in chunk index order).
/// Columns of numbers hold doubles (NaN = missing); every other column holds codes into a dictionary (0 = missing).</summary>
public sealed class TabularFrame
{
    private readonly double[]?[] _numbers;
    private readonly int[]?[] _codes;
    private readonly string[]?[] _entries;

    private TabularFrame(IReadOnlyList<ColumnProfile> columns, int rows, double[]?[] numbers, int[]?[] codes, string[]?[] entries)
    {
        Columns = columns;
        RowCount = rows;
        _numbers = numbers;
        _codes = codes;
        _entries = entries;
    }

    public IReadOnlyList<ColumnProfile> Columns { get; }
    public int RowCount { get; }

    public static TabularFrame FromChunks(IReadOnlyList<ColumnProfile> columns, IEnumerable<byte[]> chunks)
    {
        var builders = columns.Select(c => new FrameColumnBuilder(c.HoldsNumbers)).ToArray();
        int rows = 0;
        foreach (var chunk in chunks)
        {
            var (chunkRows, blocks) = ChunkDecoder.Decode(chunk);
            if (blocks.Length != columns.Count)
                throw new InvalidDataException($"A stored chunk has {blocks.Length} columns but the schema has {columns.Count}.");
            for (int c = 0; c < blocks.Length; c++) builders[c].Append(blocks[c], chunkRows);
            rows = checked(rows + chunkRows);
        }
        return new TabularFrame(columns, rows,
            builders.Select(b => b.Numbers(rows)).ToArray(),
            builders.Select(b => b.Codes(rows)).ToArray(),
            builders.Select(b => b.Entries()).ToArray());
    }

    public CellValue GetCell(int row, int column)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, RowCount);
        if (_numbers[column] is { } numbers)
            return double.IsNaN(numbers[row]) ? CellValue.Missing : CellValue.FromNumber(numbers[row]);
        int code = _codes[column]![row];
        if (code == 0) return CellValue.Missing;
        var text = _entries[column]![code - 1];
        if (Columns[column].Type == ColumnType.Boolean && BooleanText.TryParse(text, out bool b)) return CellValue.FromBoolean(b);
        return CellValue.FromText(text);
    }

    public int IndexOf(string columnName)
    {
        for (int i = 0; i < Columns.Count; i++) if (Columns[i].Name == columnName) return i;
        return -1;
    }

    /// <summary>The values of a column held as numbers (NaN = missing), or null for a text-coded one.</summary>
    internal double[]? NumberValues(int column) => _numbers[column];

    /// <summary>Codes (0 = missing, k = Entries[k-1]) of a text-coded column, or null for a numeric one.</summary>
    internal (int[] Codes, string[] Entries)? TextValues(int column) =>
        _codes[column] is { } codes ? (codes, _entries[column]!) : null;

    /// <summary>Builds one column across chunks; a numeric block in a text column (a chunk where every value
    /// happened to be a number) joins as invariant text.</summary>
    private sealed class FrameColumnBuilder(bool numeric)
    {
        private double[] _numbers = numeric ? new double[1024] : [];
        private int[] _codes = numeric ? [] : new int[1024];
        private readonly List<string> _entries = [];
        private readonly Dictionary<string, int> _codeOf = new(StringComparer.Ordinal);
        private int _rows;

        public void Append(DecodedBlock block, int rows)
        {
            if (numeric) AppendNumbers(block, rows);
            else AppendCodes(block, rows);
            _rows += rows;
        }

        private void AppendNumbers(DecodedBlock block, int rows)
        {
            Grow(ref _numbers, rows);
            var target = _numbers.AsSpan(_rows, rows);
            if (block.Numbers is { } numbers) { numbers.CopyTo(target); return; }
            // A chunk holding a text the profile counted as missing ("#VALUE!"): that text becomes NaN.
            for (int r = 0; r < rows; r++) target[r] = block.NumberAt(r);
        }

        private void AppendCodes(DecodedBlock block, int rows)
        {
            Grow(ref _codes, rows);
            var target = _codes.AsSpan(_rows, rows);
            if (block.Codes is { } codes)
            {
                var remap = new int[block.Entries!.Length + 1];
                for (int e = 0; e < block.Entries.Length; e++) remap[e + 1] = CodeOf(block.Entries[e]);
                for (int r = 0; r < rows; r++) target[r] = remap[codes[r]];
                return;
            }
            for (int r = 0; r < rows; r++)
            {
                double v = block.Numbers![r];
                target[r] = double.IsNaN(v) ? 0 : CodeOf(v.ToString("R", CultureInfo.InvariantCulture));
            }
        }

        private int CodeOf(string text)
        {
            if (_codeOf.TryGetValue(text, out int code)) return code;
            _entries.Add(text);
            _codeOf[text] = _entries.Count;
            return _entries.Count;
        }

        private void Grow<T>(ref T[] array, int more)
        {
            if (_rows + more <= array.Length) return;
            Array.Resize(ref array, Math.Max(array.Length * 2, _rows + more));
        }

        public double[]? Numbers(int rows) => numeric ? Trim(_numbers, rows) : null;
        public int[]? Codes(int rows) => numeric ? null : Trim(_codes, rows);
        public string[]? Entries() => numeric ? null : _entries.ToArray();

        private static T[] Trim<T>(T[] array, int rows) => array.Length == rows ? array : array.AsSpan(0, rows).ToArray();
    }
}
