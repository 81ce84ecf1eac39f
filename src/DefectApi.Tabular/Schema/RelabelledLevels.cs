namespace DefectApi.Tabular.Schema;

/// <summary>Finds text columns that are equal after renaming their levels one for one. Each column's levels are
/// renamed 1, 2, 3… in order of first appearance (a gap stays 0) and the renamed sequence is hashed: two columns
/// match exactly when their renamed sequences are equal, so equal hashes (64 bits) and level counts mean a
/// one-for-one renaming. A column stored as numbers in any chunk, or with more than the cap of levels, is left out.</summary>
internal sealed class RelabelledLevels(int columns, int maxLevels)
{
    readonly Dictionary<string, int>?[] _labels = Enumerable.Range(0, columns)
        .Select(_ => new Dictionary<string, int>(StringComparer.Ordinal)).ToArray();
    readonly ulong[] _hash = Enumerable.Repeat(0xD6E8FEB86659FD93UL, columns).ToArray();
    int[] _renamed = [];

    public void Abandon(int column) => _labels[column] = null;

    public void Add(int column, IReadOnlyList<string> levels, ReadOnlySpan<int> codes)
    {
        var labels = _labels[column];
        if (labels is null) return;
        if (_renamed.Length < levels.Count + 1) _renamed = new int[levels.Count + 1];
        for (int i = 0; i < levels.Count; i++)
        {
            if (!labels.TryGetValue(levels[i], out int label)) labels[levels[i]] = label = labels.Count + 1;
            _renamed[i + 1] = label;
        }
        if (labels.Count > maxLevels) { _labels[column] = null; return; }
        ulong hash = _hash[column];
        foreach (int code in codes) hash = DataReportBuilder.Mix(hash ^ (ulong)_renamed[code]);
        _hash[column] = hash;
    }

    /// <summary>Pairs (earlier column, later column) equal after renaming, each later column once, against its first match.</summary>
    public IEnumerable<(int A, int B)> Pairs()
    {
        var first = new Dictionary<(ulong, int), int>();
        for (int c = 0; c < columns; c++)
        {
            if (_labels[c] is not { Count: > 1 } labels) continue;
            if (first.TryGetValue((_hash[c], labels.Count), out int earlier)) yield return (earlier, c);
            else first[(_hash[c], labels.Count)] = c;
        }
    }
}
