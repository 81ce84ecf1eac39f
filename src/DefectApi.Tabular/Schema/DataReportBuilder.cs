using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace DefectApi.Tabular.Schema;

/// <summary>Builds the <see cref="DataReport"/> while the chunk encoder reads each cell once: a 64-bit hash per row
/// finds repeated rows, pairwise sums give the numeric columns' correlations, and a hash of each text column's
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

    /// <summary>Row hashes kept for duplicate search (8 bytes and a row number each; a few hundred MB at most).</summary>
    const int MaxHashedRows = 10_000_000;

    readonly string[] _names;
    readonly Dictionary<ulong, long> _firstRowOfHash = [];
    readonly List<DuplicateRow> _examples = [];
    long _duplicates, _rowsSeen;
    ulong[] _rowHash = [];

    readonly PairwiseCorrelation _correlation;
    readonly RelabelledLevels _levels;

    public DataReportBuilder(IReadOnlyList<string> names)
    {
        _names = [.. names];
        _correlation = new PairwiseCorrelation(_names.Length, MaxCorrelatedColumns);
        _levels = new RelabelledLevels(_names.Length, MaxLevels);
    }

    /// <summary>Starts a chunk of <paramref name="rows"/> rows.</summary>
    public void BeginChunk(int rows)
    {
        if (_rowHash.Length < rows) _rowHash = new ulong[rows];
        Array.Fill(_rowHash, 0x9E3779B97F4A7C15UL, 0, rows);
        _correlation.BeginChunk(rows);
    }

    public void AddCell(int row, ReadOnlySpan<char> text) => _rowHash[row] = Mix(_rowHash[row] ^ Hash(text));

    /// <summary>The column's numbers in this chunk (NaN where a cell is missing or text); the first chunk's numeric
    /// blocks choose the columns that are correlated.</summary>
    public void AddNumbers(int column, ReadOnlySpan<double> numbers, bool storedAsNumbers) => _correlation.AddColumn(column, numbers, storedAsNumbers);

    /// <summary>The column's text block in this chunk: its levels in order of first appearance and each row's code
    /// (0 = missing, k = levels[k − 1]).</summary>
    public void AddLevels(int column, IReadOnlyList<string> levels, ReadOnlySpan<int> codes) => _levels.Add(column, levels, codes);

    /// <summary>The column was stored as numbers in this chunk: its levels are not followed as text.</summary>
    public void AddNumericBlock(int column) => _levels.Abandon(column);

    public void EndChunk(int rows)
    {
        _correlation.EndChunk();
        for (int r = 0; r < rows; r++)
        {
            long row = ++_rowsSeen;
            if (_firstRowOfHash.Count >= MaxHashedRows) continue;
            if (_firstRowOfHash.TryAdd(_rowHash[r], row)) continue;
            _duplicates++;
            if (_examples.Count < MaxExamples) _examples.Add(new DuplicateRow(row, _firstRowOfHash[_rowHash[r]]));
        }
    }

    public DataReport Finish(IReadOnlyList<ColumnProfile> profiles)
    {
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
        return new DataReport(_duplicates, [.. _examples],
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
