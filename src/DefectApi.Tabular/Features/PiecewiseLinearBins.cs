namespace DefectApi.Tabular.Features;

/// <summary>
/// Piecewise-linear encoding (Gorishniy, Rubachev &amp; Babenko, "On Embeddings for Numerical Features in Tabular Deep
/// Learning", NeurIPS 2022): the training range is cut at quantiles into T bins, and bin t reads 0 below its lower
/// edge, 1 above its upper edge, and the position inside it in between. A network then gets, per column, the
/// thresholds that trees find for free: one unit can fire "above the 70th percentile" without having to learn it
/// from a single scaled number. Values outside the training range saturate (0 or 1 in every bin).
/// </summary>
internal sealed class PiecewiseLinearBins
{
    private readonly double[] _edges;   // ascending, distinct: Count + 1 of them

    private PiecewiseLinearBins(double[] edges) => _edges = edges;

    public int Count => _edges.Length - 1;
    internal IReadOnlyList<double> Edges => _edges;

    /// <param name="sorted">the training values, ascending, no NaN</param>
    /// <returns>null when the column has too few distinct values to cut into at least two bins</returns>
    public static PiecewiseLinearBins? Fit(double[] sorted, int bins)
    {
        if (bins < 2 || sorted.Length < 2) return null;
        var edges = new List<double>(bins + 1);
        for (int k = 0; k <= bins; k++)
        {
            double edge = sorted[(int)Math.Round((double)k * (sorted.Length - 1) / bins)];
            if (edges.Count == 0 || edge > edges[^1]) edges.Add(edge);
        }
        return edges.Count >= 3 ? new PiecewiseLinearBins(edges.ToArray()) : null;
    }

    public void Encode(double x, Span<float> output)
    {
        for (int t = 0; t < Count; t++)
        {
            double lo = _edges[t], hi = _edges[t + 1];
            output[t] = x <= lo ? 0f : x >= hi ? 1f : (float)((x - lo) / (hi - lo));
        }
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(_edges.Length);
        foreach (double edge in _edges) writer.Write(edge);
    }

    public static PiecewiseLinearBins Read(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count is < 3 or > 4096) throw new InvalidDataException("Impossible bin edge count.");
        var edges = new double[count];
        for (int i = 0; i < count; i++)
        {
            edges[i] = reader.ReadDouble();
            if (i > 0 && !(edges[i] > edges[i - 1])) throw new InvalidDataException("Bin edges are not ascending.");
        }
        return new PiecewiseLinearBins(edges);
    }
}
