using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace DefectApi.Tabular.Schema;

/// <summary>Builds the <see cref="DataReport"/> while the chunk encoder reads each cell once: a 64-bit hash per row
/// (of each number's value, which the encoder has parsed anyway, and of every other cell's text) finds repeated rows, pairwise sums
/// give the numeric columns' correlations, and a hash of each text column's
/// levels renamed by first appearance finds categories that are the same after renaming. Chunks arrive one at a
/// time and in order (the encoder is one stage), so nothing here is shared between threads.</summary>
public sealed class DataReportBuilder
{
    public const double NearDuplicateCorrelation = 0.999;

    /// <summary>Numeric columns correlated pairwise: the work per row grows with their square, and 100 keeps it below
    /// the cost of parsing the row.</summary>
    public const int MaxCorrelatedColumns = 100;

    /// <summary>Levels tracked per text column: beyond this a column is an identifier or free text, not a category.</summary>
    const int MaxLevels = 1000;

    const int MaxExamples = 5;

    /// <summary>Row hashes kept for duplicate search: 8 bytes each while reading, and 12 more while they are sorted at
    /// the end (240 MB at most).</summary>
    const int MaxHashedRows = 10_000_000;

    readonly string[] _names;
    /// <summary>Each chunk's row hashes, in row order. Duplicates are found once, by sorting them at the end: a
    /// dictionary grown row by row re-allocated ever larger arrays on the large-object heap, and the full collections
    /// that followed cost the whole upload more than the hashing did.</summary>
    readonly List<ulong[]> _chunkHashes = [];
    long _rowsSeen, _rowsHashed;
    ulong[] _rowHash = [];

    readonly PairwiseCorrelation _correlation;
    readonly RelabelledLevels _levels;

    public DataReportBuilder(IReadOnlyList<string> names)
    {
        _names = [.. names];
        _correlation = new PairwiseCorrelation(_names.Length, MaxCorrelatedColumns);
        _levels = new RelabelledLevels(_names.Length, MaxLevels);
    }

    public void BeginChunk(int rows)
    {
        _rowHash = new ulong[rows];
        Array.Fill(_rowHash, 0x9E3779B97F4A7C15UL);
        _correlation.BeginChunk(rows);
    }

    /// <summary>A cell that is not a number (missing or text): its text goes into its row's hash.</summary>
    public void AddText(int row, ReadOnlySpan<char> text) => _rowHash[row] = Mix(_rowHash[row] ^ Hash(text));

    /// <summary>The column's numbers in this chunk (NaN where a cell is missing or text, whose text
    /// <see cref="AddText"/> took). Each number goes into its row's hash by value, so "1.5" and "1.50" repeat each
    /// other, and hashing a parsed number costs one mix where its text took several. The first chunk's numeric blocks
    /// choose the columns that are correlated.</summary>
    public void AddNumbers(int column, ReadOnlySpan<double> numbers, bool storedAsNumbers)
    {
        var hashes = _rowHash.AsSpan(0, numbers.Length);
        for (int r = 0; r < numbers.Length; r++)
        {
            double value = numbers[r];
            // The parser yields no NaN, so NaN marks exactly the cells hashed as text.
            if (!double.IsNaN(value)) hashes[r] = Mix(hashes[r] ^ BitConverter.DoubleToUInt64Bits(value) ^ NumberTag);
        }
        _correlation.AddColumn(column, numbers, storedAsNumbers);
    }

    /// <summary>Keeps a number's hash apart from a text whose hash happens to equal the number's bits.</summary>
    const ulong NumberTag = 0xA0761D6478BD642FUL;

    /// <summary>The column's text block in this chunk: its levels in order of first appearance and each row's code
    /// (0 = missing, k = levels[k − 1]).</summary>
    public void AddLevels(int column, IReadOnlyList<string> levels, ReadOnlySpan<int> codes) => _levels.Add(column, levels, codes);

    /// <summary>The column was stored as numbers in this chunk: its levels are not followed as text.</summary>
    public void AddNumericBlock(int column) => _levels.Abandon(column);

    public void EndChunk(int rows)
    {
        _correlation.EndChunk();
        _rowsSeen += rows;
        int kept = (int)Math.Min(rows, MaxHashedRows - _rowsHashed);
        if (kept <= 0) return;
        _chunkHashes.Add(kept == rows ? _rowHash : _rowHash[..kept]);
        _rowsHashed += kept;
    }

    /// <summary>Rows whose hash an earlier row has, and the first few of them (by row) with the row they repeat.</summary>
    (long Count, List<DuplicateRow> Examples) FindDuplicates()
    {
        var hashes = new ulong[_rowsHashed];
        var rows = new int[_rowsHashed];
        int at = 0;
        foreach (var chunk in _chunkHashes)
        {
            chunk.CopyTo(hashes, at);
            at += chunk.Length;
        }
        for (int i = 0; i < rows.Length; i++) rows[i] = i + 1;
        _chunkHashes.Clear();
        Array.Sort(hashes, rows);
        long count = 0;
        // The examples with the lowest row numbers, kept in a heap whose top is the highest of them.
        var examples = new PriorityQueue<DuplicateRow, int>(Comparer<int>.Create((a, b) => b.CompareTo(a)));
        for (int start = 0, end; start < hashes.Length; start = end)
        {
            int first = rows[start];
            for (end = start + 1; end < hashes.Length && hashes[end] == hashes[start]; end++) first = Math.Min(first, rows[end]);
            count += end - start - 1;
            for (int i = start; i < end; i++)
            {
                if (rows[i] == first) continue;
                if (examples.Count < MaxExamples) examples.Enqueue(new DuplicateRow(rows[i], first), rows[i]);
                else if (rows[i] < examples.Peek().Row) examples.EnqueueDequeue(new DuplicateRow(rows[i], first), rows[i]);
            }
        }
        return (count, examples.UnorderedItems.Select(e => e.Element).OrderBy(e => e.Row).ToList());
    }

    public DataReport Finish(IReadOnlyList<ColumnProfile> profiles)
    {
        var (duplicates, examples) = FindDuplicates();
        var notes = new List<string>();
        if (_rowsSeen > MaxHashedRows)
            notes.Add($"Duplicate rows were sought among the first {MaxHashedRows:N0} rows only.");
        var nearDuplicates = new List<NearDuplicateColumns>();
        bool Informative(int c) => profiles[c].Type is not (ColumnType.Constant or ColumnType.Identifier);
        foreach (var (a, b, r) in _correlation.Pairs(NearDuplicateCorrelation))
            if (profiles[a].Type == ColumnType.Numeric && profiles[b].Type == ColumnType.Numeric)
                nearDuplicates.Add(new(_names[b], _names[a], "correlated", Math.Round(r, 6)));
        foreach (var (a, b) in _levels.Pairs())
            if (Informative(a) && Informative(b))
                nearDuplicates.Add(new(_names[b], _names[a], "relabelled", null));
        if (_correlation.Skipped > 0)
            notes.Add($"Correlations were checked between the first {MaxCorrelatedColumns} numeric columns only; " +
                      $"{_correlation.Skipped} more were not compared.");
        return new DataReport(duplicates, examples,
            profiles.Where(p => p.Type == ColumnType.Identifier).Select(p => p.Name).ToList(),
            profiles.Where(p => p.Type == ColumnType.Constant).Select(p => p.Name).ToList(),
            nearDuplicates, notes);
    }

    /// <summary>A fast 64-bit hash of the text's UTF-16 bytes, 8 at a time (not for adversaries: only the uploader's
    /// own rows are compared).</summary>
    internal static ulong Hash(ReadOnlySpan<char> text)
    {
        var bytes = MemoryMarshal.AsBytes(text);
        ulong hash = 0xC2B2AE3D27D4EB4FUL ^ (ulong)bytes.Length;
        while (bytes.Length >= 8)
        {
            hash = Mix(hash ^ BinaryPrimitives.ReadUInt64LittleEndian(bytes));
            bytes = bytes[8..];
        }
        if (bytes.Length > 0)
        {
            ulong tail = 0;
            for (int i = 0; i < bytes.Length; i++) tail |= (ulong)bytes[i] << (8 * i);
            hash = Mix(hash ^ tail);
        }
        return hash;
    }

    /// <summary>SplitMix64's finaliser: every input bit moves about half the output bits.</summary>
    internal static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
