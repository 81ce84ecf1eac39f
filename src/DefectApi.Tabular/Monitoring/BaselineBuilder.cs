namespace DefectApi.Tabular.Monitoring;

internal static class BaselineBuilder
{
    /// <summary>Numeric bins: the nine inner training deciles as right-closed edges, equal edges merged (a value
    /// repeated over several deciles would otherwise make empty, ill-defined bins). A column with no more distinct
    /// values than there are deciles (a 0/1 flag, a few plate thicknesses) gets a bin per value instead, so a shift
    /// from one level to another is always seen. Each bin's share is counted on the data, not assumed to be a tenth.</summary>
    /// <param name="values">one per training row, NaN for missing</param>
    public static ColumnBaseline Numeric(string name, string type, IReadOnlyList<double> values)
    {
        var present = values.Where(double.IsFinite).ToArray();
        Array.Sort(present);
        var distinct = present.Distinct().ToArray();
        double[] edges;
        if (distinct.Length <= TrainingProfile.Deciles) edges = distinct.Length > 1 ? distinct[..^1] : distinct;
        else
        {
            var cuts = new List<double>(TrainingProfile.Deciles - 1);
            for (int k = 1; k < TrainingProfile.Deciles; k++)
            {
                // Nearest rank (the smallest value with at least k/10 of the rows at or below it): edges are training
                // values, so ties fall wholly into one bin.
                int rank = (int)Math.Ceiling((double)k * present.Length / TrainingProfile.Deciles);
                double cut = present[Math.Max(rank, 1) - 1];
                if (cuts.Count == 0 || cut > cuts[^1]) cuts.Add(cut);
            }
            edges = cuts.ToArray();
        }
        var counts = new long[edges.Length + 1];
        foreach (double v in present) counts[Features.QuantileNormal.FirstNotBelow(edges, v)]++;
        return new ColumnBaseline(name, type, BaselineKind.Numeric, edges, [], [], Shares(counts, values.Count),
            Share(values.Count - present.Length, values.Count), present.Length > 0 ? present[0] : double.NaN,
            present.Length > 0 ? present[^1] : double.NaN);
    }

    /// <summary>Category shares: the <see cref="TrainingProfile.MaxCategories"/> most common categories (ties by
    /// ordinal name, so the same data gives the same profile), the rest together as "other".</summary>
    /// <param name="values">one per training row, null for missing</param>
    public static ColumnBaseline Categorical(string name, string type, IReadOnlyList<string?> values)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var v in values)
            if (v is not null) counts[v] = counts.GetValueOrDefault(v) + 1;
        var ordered = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToArray();
        var kept = ordered.Take(TrainingProfile.MaxCategories).ToArray();
        var rest = ordered.Skip(TrainingProfile.MaxCategories).ToArray();
        long present = ordered.Sum(kv => kv.Value);
        return new ColumnBaseline(name, type, BaselineKind.Categorical, [], kept.Select(kv => kv.Key).ToArray(),
            rest.Select(kv => kv.Key).ToArray(),
            Shares([.. kept.Select(kv => kv.Value), rest.Sum(kv => kv.Value)], values.Count), Share(values.Count - present, values.Count),
            double.NaN, double.NaN);
    }

    /// <summary>Shares of a fixed list of labels (a multiclass model's classes, in its order), given by index.</summary>
    public static ColumnBaseline Labels(string name, IReadOnlyList<string> labels, IReadOnlyList<int> indices)
    {
        var counts = new long[labels.Count + 1];
        foreach (int i in indices) counts[i]++;
        return new ColumnBaseline(name, TrainingProfile.OutputType, BaselineKind.Categorical, [], [.. labels], [],
            Shares(counts, indices.Count), 0, double.NaN, double.NaN);
    }

    /// <summary>Only the missing share: a datetime input.</summary>
    public static ColumnBaseline NotChecked(string name, string type, int missing, int rows) =>
        new(name, type, BaselineKind.NotChecked, [], [], [], [], Share(missing, rows), double.NaN, double.NaN);

    private static double[] Shares(long[] counts, int rows) => counts.Select(c => Share(c, rows)).ToArray();

    private static double Share(long count, int rows) => rows == 0 ? 0 : (double)count / rows;
}
