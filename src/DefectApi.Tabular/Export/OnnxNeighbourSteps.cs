using DefectApi.Tabular.Neighbours;

namespace DefectApi.Tabular.Export;

/// <summary>
/// The neighbour component (<see cref="NeighbourBlend"/>) as graph operators, step for step as the service computes
/// it: the stored rows are a constant [1, rows, width]; each record's squared distances to them are Σ (x − row)² in
/// float (ReduceSum of the broadcast difference, so a record equal to a stored row is at distance 0 exactly, as in
/// the service); TopK takes the K smallest, lower row first on ties; weights 1 / (√d² + ε) in double; the vote is
/// Σ weight · target / Σ weight (binary, regression) or each class's weighted share (multiclass); the answer is
/// (1 − w) · networks + w · vote. A batch of N records takes N × rows × width floats while it is scored.
/// </summary>
internal static class OnnxNeighbourSteps
{
    /// <summary>Stored floats past which the file would approach protobuf's 2 GB message limit.</summary>
    public const long MaxStoredFloats = 1L << 27;

    /// <param name="features">float [N, <paramref name="encodedWidth"/>], the shared preprocessing's output</param>
    /// <param name="networks">double [N, outputs], the networks' average in the target's terms</param>
    /// <returns>double [N, outputs]</returns>
    public static string Blend(OnnxGraphBuilder g, NeighbourBlend blend, string features, int encodedWidth, string networks,
        long maxStoredFloats)
    {
        var index = blend.Index;
        if ((long)index.Count * index.Width > maxStoredFloats)
            throw new OnnxExportException("neighbour index",
                $"The model's neighbour component holds {index.Count} rows of {index.Width} inputs, more than the " +
                $"{maxStoredFloats} values an ONNX file of this scorer can carry. Export a model trained without neighbours.");
        g.Prefix = "neighbours/";
        // The columns are ascending and distinct, so as many as the encoded width are all of them.
        string query = blend.Columns.Length == encodedWidth ? features
            : g.Op("Gather", [features, g.Int64s([.. blend.Columns.Select(c => (long)c)])], OnnxAttribute.Of("axis", 1L));
        var rows = g.Floats(index.Rows.ToArray(), 1, index.Count, index.Width);
        var difference = g.Sub(g.Unsqueeze(query, 1), rows);
        var squared = g.ReduceSum(g.Mul(difference, difference), 2, keepDims: false);
        var (nearestSquared, nearest) = g.SmallestK(squared, Math.Min(blend.K, index.Count));
        var weights = g.Div(g.Scalar(1.0),
            g.Add(g.Cast(g.Op("Sqrt", [nearestSquared]), OnnxType.Double), g.Scalar(NeighbourIndex.Epsilon)));
        var total = g.ReduceSum(weights, 1, keepDims: true);
        string votes;
        if (index.Outputs == 1)
        {
            var targets = g.Gather(g.Doubles(index.Targets.ToArray(), index.Count), nearest);
            votes = g.ReduceSum(g.Mul(targets, weights), 1, keepDims: true);
        }
        else
        {
            var oneHot = new double[index.Count * index.Outputs];
            for (int r = 0; r < index.Count; r++) oneHot[r * index.Outputs + (int)index.Targets[r]] = 1;
            var classes = g.Gather(g.Doubles(oneHot, index.Count, index.Outputs), nearest);
            votes = g.ReduceSum(g.Mul(classes, g.Unsqueeze(weights, 2)), 1, keepDims: false);
        }
        var vote = g.Div(votes, total);
        return g.Add(g.Mul(networks, g.Scalar(1 - blend.Weight)), g.Mul(vote, g.Scalar(blend.Weight)));
    }
}
