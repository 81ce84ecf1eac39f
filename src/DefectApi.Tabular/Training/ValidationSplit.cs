namespace DefectApi.Tabular.Training;

/// <summary>Seeded hold-out split. For classification every class is split on its own (stratified), so a rare
/// defect class is present in both parts in its true proportion.</summary>
internal static class ValidationSplit
{
    /// <returns>Positions (into the target rows) of the training and validation parts, each in ascending order.</returns>
    public static (int[] Train, int[] Validation) Split(float[] targets, bool stratified, double fraction, int seed)
    {
        var groups = stratified
            ? Enumerable.Range(0, targets.Length).GroupBy(i => targets[i]).OrderBy(g => g.Key).Select(g => g.ToArray()).ToList()
            : [Enumerable.Range(0, targets.Length).ToArray()];
        var random = new SplitMix64((ulong)seed);
        var train = new List<int>();
        var validation = new List<int>();
        foreach (var group in groups)
        {
            random.Shuffle(group);
            int take = group.Length < 2 ? 0 : Math.Clamp((int)Math.Round(group.Length * fraction), 1, group.Length - 1);
            validation.AddRange(group.Take(take));
            train.AddRange(group.Skip(take));
        }
        if (validation.Count == 0 || train.Count == 0)
            throw new TrainingDataException($"Only {targets.Length} rows have a target: add rows so that both training and validation get some.");
        train.Sort();
        validation.Sort();
        return (train.ToArray(), validation.ToArray());
    }
}

/// <summary>SplitMix64 (Steele, Lea, Flood 2014): a tiny generator whose sequence is fixed by the seed on every
/// platform and .NET version, which System.Random does not promise.</summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public int NextInt(int maxExclusive) => (int)(Next() % (ulong)maxExclusive);

    /// <summary>Fisher–Yates.</summary>
    public void Shuffle<T>(T[] items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
