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
            throw new TrainingDataException($"Only {targets.Length} rows have a target: add rows so that both training and " +
                "validation get some.");
        return fold;
    }

    /// <summary>Whole groups (lots, batches) to folds: the groups are shuffled with the seed, then each goes, largest
    /// first, to the fold with the fewest rows so far, so folds stay near equal in rows. With 1 fold, shuffled groups
    /// validate until they hold the fraction of the rows (one group at least, never all).</summary>
    public static int[] GroupFolds(string[] groups, int folds, double fraction, int seed)
    {
        var members = GroupRows(groups, Enumerable.Range(0, groups.Length).ToArray());
        var random = new SplitMix64((ulong)seed);
        random.Shuffle(members);
        var fold = new int[groups.Length];
        if (folds == 1)
        {
            Array.Fill(fold, -1);
            int target = Math.Max(1, (int)Math.Round(groups.Length * fraction)), taken = 0;
            for (int g = 0; g < members.Length - 1 && taken < target; g++)
            {
                foreach (int i in members[g]) fold[i] = 0;
                taken += members[g].Length;
            }
            return fold;
        }
        var sizes = new int[folds];
        // A stable sort keeps the shuffled order among groups of one size.
        foreach (var group in members.OrderByDescending(m => m.Length))
        {
            int smallest = Array.IndexOf(sizes, sizes.Min());
            foreach (int i in group) fold[i] = smallest;
            sizes[smallest] += group.Length;
        }
        return fold;
    }

    /// <summary>Forward folds: rows (or whole groups, placed by their earliest row) in time order are cut into folds + 1
    /// contiguous blocks of about equal rows; block 0 only ever trains, block b is fold b − 1. With 1 fold the latest
    /// fraction of the rows validates.</summary>
    /// <param name="time">per row a sortable time; ties keep row order</param>
    public static int[] ForwardFolds(double[] time, string[]? groups, int folds, double fraction)
    {
        var units = groups is null
            ? Enumerable.Range(0, time.Length).Select(i => new[] { i }).ToArray()
            : GroupRows(groups, Enumerable.Range(0, time.Length).ToArray());
        var ordered = units.Select((rows, index) => (Rows: rows, Start: rows.Min(r => time[r]), index))
            .OrderBy(u => u.Start).ThenBy(u => u.index).Select(u => u.Rows).ToArray();
        var fold = new int[time.Length];
        double[] cuts = folds == 1
            ? [time.Length * (1 - fraction)]
            : Enumerable.Range(1, folds).Select(b => (double)time.Length * b / (folds + 1)).ToArray();
        int seen = 0;
        foreach (var unit in ordered)
        {
            // A unit belongs to the block its middle row falls in, so a large lot is not pushed wholly forward.
            double middle = seen + unit.Length / 2.0;
            int block = cuts.Count(c => middle >= c);
            foreach (int i in unit) fold[i] = block - 1;
            seen += unit.Length;
        }
        if (fold.All(f => f < 0) || Enumerable.Range(0, folds).Any(k => !fold.Contains(k)) || fold.All(f => f >= 0))
            throw new TrainingDataException(
                $"Forward validation needs {folds + 1} time blocks with rows in each, but these {time.Length} rows " +
                (groups is null ? "" : $"in {ordered.Length} groups ") + "do not fill them. Add rows or groups, or ask for fewer " +
                "networks (ensembleSize).");
        return fold;
    }

    /// <summary>Each distinct group's positions, groups in order of first appearance.</summary>
    static int[][] GroupRows(string[] groups, int[] positions) =>
        positions.GroupBy(i => groups[i], StringComparer.Ordinal).Select(g => g.ToArray()).ToArray();
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
