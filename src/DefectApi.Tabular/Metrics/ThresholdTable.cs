namespace DefectApi.Tabular.Metrics;

/// <summary>Precision/recall/F1 at the distinct validation probabilities (thinned to at most MaxPoints), and the
/// threshold choices derived from them.</summary>
internal static class ThresholdTable
{
    public const int MaxPoints = 201;

    public static IReadOnlyList<ThresholdPoint> Build(ReadOnlySpan<double> probabilities, ReadOnlySpan<bool> positive)
    {
        var distinct = probabilities.ToArray().Distinct().Order().ToArray();
        var candidates = Thin(distinct);
        var points = new List<ThresholdPoint>(candidates.Length);
        foreach (double t in candidates)
        {
            var c = BinaryMetrics.ConfusionAt(probabilities, positive, t);
            points.Add(new ThresholdPoint(t, c.Precision, c.Recall, c.F1, c.TruePositives, c.FalsePositives, c.FalseNegatives,
                c.TrueNegatives));
        }
        return points;
    }

    /// <summary>Evenly spaced picks by rank keep the curve's shape where most probabilities lie.</summary>
    private static double[] Thin(double[] sortedDistinct)
    {
        if (sortedDistinct.Length <= MaxPoints) return sortedDistinct;
        var picks = new double[MaxPoints];
        for (int i = 0; i < MaxPoints; i++)
            picks[i] = sortedDistinct[(int)Math.Round((double)i * (sortedDistinct.Length - 1) / (MaxPoints - 1))];
        return picks;
    }

    /// <summary>The threshold with the highest F1 (the lower one on ties, catching more defects); 0.5 without data.</summary>
    public static double MaxF1(IReadOnlyList<ThresholdPoint> table)
    {
        if (table.Count == 0) return 0.5;
        var best = table[0];
        foreach (var point in table) if (point.F1 > best.F1) best = point;
        return best.Threshold;
    }

    /// <summary>The threshold with the least total cost FP·costFP + FN·costFN (the lower one on ties).</summary>
    public static double LeastCost(IReadOnlyList<ThresholdPoint> table, double falsePositiveCost, double falseNegativeCost)
    {
        if (table.Count == 0) return 0.5;
        var best = table[0];
        double Cost(ThresholdPoint p) => p.FalsePositives * falsePositiveCost + p.FalseNegatives * falseNegativeCost;
        foreach (var point in table) if (Cost(point) < Cost(best)) best = point;
        return best.Threshold;
    }
}
