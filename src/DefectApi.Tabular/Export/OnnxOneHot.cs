namespace DefectApi.Tabular.Export;

/// <summary>The layout of <see cref="Features.CategoricalEncoder"/>: one input per kept category, one "other" input
/// shared by the rare ones (when there are any), and an "unseen" input for a present value that is neither. A
/// missing value lights none.</summary>
internal static class OnnxOneHot
{
    /// <param name="kept">bool [N, kept categories]; null when every category is rare</param>
    /// <param name="rare">bool [N, any number], true where the value is one of the rare categories; null when none are</param>
    /// <param name="missing">bool [N, 1]</param>
    /// <returns>float [N, Width]</returns>
    public static string Slots(OnnxGraphBuilder g, string? kept, string? rare, string missing)
    {
        var parts = new List<string>();
        string? seen = null;
        if (kept is not null)
        {
            parts.Add(g.Cast(kept, OnnxType.Float));
            seen = g.AnyAlongRows(kept);
        }
        if (rare is not null)
        {
            var other = g.AnyAlongRows(rare);
            parts.Add(other);
            seen = seen is null ? other : g.Max(seen, other);
        }
        var unseen = seen is null ? g.Scalar(1f) : g.Sub(g.Scalar(1f), seen);
        parts.Add(g.Where(missing, g.Scalar(0f), unseen));
        return g.Concat(parts);
    }
}
