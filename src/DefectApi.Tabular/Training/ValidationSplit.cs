namespace DefectApi.Tabular.Training;

/// <summary>Seeded hold-out splits. For classification every class is split on its own (stratified), so a rare
/// defect class is present in every part in its true proportion.</summary>
internal static class ValidationSplit
{
    /// <summary>Assigns each target row to one of <paramref name="folds"/> folds, dealing each class's shuffled
    /// rows round-robin; with 1 fold it degenerates to a single hold-out of <paramref name="fraction"/>.</summary>
    /// <returns>fold index per row; rows with fold == k form validation part k.</returns>
    public static int[] Folds(float[] targets, bool stratified, int folds, double fraction, int seed)
    {
        var groups = stratified
            ? Enumerable.Range(0, targets.Length).GroupBy(i => targets[i]).OrderBy(g => g.Key).Select(g => g.ToArray()).ToList()
            : [Enumerable.Range(0, targets.Length).ToArray()];
        var random = new SplitMix64((ulong)seed);
        var fold = new int[targets.Length];
        int dealt = 0;
        foreach (var group in groups)
        {
            random.Shuffle(group);
            if (folds == 1)
            {
                // Hold-out: the first round(n·fraction) rows of the class validate (one at least, never all).
                int take = group.Length < 2 ? 0 : Math.Clamp((int)Math.Round(group.Length * fraction), 1, group.Length - 1);
                for (int i = 0; i < group.Length; i++) fold[group[i]] = i < take ? 0 : -1;
                continue;
            }
            // Continue the round-robin across classes so small classes do not all start in fold 0.
            for (int i = 0; i < group.Length; i++) fold[group[i]] = dealt++ % folds;
        }
        int validating = fold.Count(f => f == 0);
        if (validating == 0 || validating == targets.Length)
            throw new TrainingDataException($"Only {targets.Length} rows have a target: add rows so that both training and validation get some.");
        return fold;
    }

    /// <summary>Positions of the training and validation parts for fold k, each ascending.</summary>
    public static (int[] Train, int[] Validation) Part(int[] folds, int k) =>
        (Enumerable.Range(0, folds.Length).Where(i => folds[i] != k).ToArray(),
         Enumerable.Range(0, folds.Length).Where(i => folds[i] == k).ToArray());
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
