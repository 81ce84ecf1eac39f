using System.Globalization;
using DefectApi.Tabular.Features;

namespace DefectApi.Tabular.Export;

/// <summary>
/// A numeric column's encoder as graph operators, step for step as <see cref="NumericEncoder.Encode"/> does it and
/// in the same double arithmetic, each view cast to float at the end as the service casts it. The input is a
/// double [N, 1]; NaN means missing.
/// </summary>
internal static class OnnxNumericSteps
{
    /// <returns>a float [N, Width] value</returns>
    public static string Encode(OnnxGraphBuilder g, NumericEncoder encoder, string x)
    {
        var missing = g.IsNaN(x);
        var filled = g.Where(missing, g.Scalar(encoder.Median), x);
        var parts = new List<string>
        {
            encoder.RobustScale is { } robust ? g.Cast(SmoothClip(g, StandardiseDouble(g, filled, robust)), OnnxType.Float)
                : Standardise(g, filled, encoder.PlainScale),
            QuantileNormalScore(g, encoder.Quantiles, filled),
        };
        if (encoder.LogScale is { } logScale)
        {
            var shifted = g.Add(g.Max(filled, g.Scalar(encoder.Min)), g.Scalar(encoder.LogShift));
            parts.Add(Standardise(g, g.Op("Log", [shifted]), logScale));
        }
        if (encoder.LevelEncoder is { } levels) parts.Add(Levels(g, levels, x, missing));
        if (encoder.HasMissingIndicator) parts.Add(g.Cast(missing, OnnxType.Float));
        if (encoder.Bins is { } bins) parts.Add(Bins(g, bins, filled));
        return g.Concat(parts);
    }

    /// <summary>(x − mean) / std as FiniteStatistics.Standardise: with halved operands where the plain form overflows.</summary>
    private static string Standardise(OnnxGraphBuilder g, string x, (double Mean, double Std) scale) =>
        g.Cast(StandardiseDouble(g, x, scale), OnnxType.Float);

    private static string StandardiseDouble(OnnxGraphBuilder g, string x, (double Mean, double Std) scale) =>
        g.FiniteOr(g.Div(g.Sub(x, g.Scalar(scale.Mean)), g.Scalar(scale.Std)),
            () => g.Div(g.Sub(g.Div(x, g.Scalar(2.0)), g.Scalar(scale.Mean / 2)), g.Scalar(scale.Std / 2)));

    /// <summary>NumericEncoder.SmoothClip: x / √(1 + (x/3)²), and ±3 where the square would overflow.</summary>
    private static string SmoothClip(OnnxGraphBuilder g, string x)
    {
        var q = g.Div(x, g.Scalar(NumericEncoder.SmoothClipBound));
        var clipped = g.Div(x, g.Op("Sqrt", [g.Add(g.Scalar(1.0), g.Mul(q, q))]));
        var edge = g.Mul(g.Op("Sign", [x]), g.Scalar(NumericEncoder.SmoothClipBound));
        return g.Where(g.Less(g.Op("Abs", [q]), g.Scalar(1e150)), clipped, edge);
    }

    /// <summary>
    /// QuantileNormal.Transform: the interval [v_k, v_k+1] holding x is found by counting the knots at or below x
    /// (k = count − 1), then rank = r_k + t·(r_k+1 − r_k) with t = FiniteStatistics.Fraction(x, v_k, v_k+1). At a knot
    /// t is 0, so the rank is the knot's own, as the service's exact match gives; below the first knot and from the
    /// last one on the rank is the edge's. Then the clip and Acklam's Φ⁻¹.
    /// </summary>
    private static string QuantileNormalScore(OnnxGraphBuilder g, QuantileNormal quantiles, string x)
    {
        var knots = quantiles.Knots.ToArray();
        var ranks = quantiles.KnotRanks.ToArray();
        int count = knots.Length;
        string rank;
        if (count == 1) rank = g.Where(g.IsNaN(x), g.Scalar(ranks[0]), g.Scalar(ranks[0]));   // one knot: one rank, [N, 1]
        else
        {
            var atOrBelow = g.Op("ReduceSum", [g.Cast(g.GreaterOrEqual(x, g.Doubles(knots, 1, count)), OnnxType.Int64), g.Int64s(1)],
                OnnxAttribute.Of("keepdims", 1L));
            var lower = g.Max(g.Min(g.Sub(atOrBelow, g.Int64s(1)), g.Int64s(count - 2)), g.Int64s(0));
            var upper = g.Add(lower, g.Int64s(1));
            string knotTable = g.Doubles(knots, count);
            string lo = g.Gather(knotTable, lower), hi = g.Gather(knotTable, upper);
            var t = g.FiniteOr(g.Div(g.Sub(x, lo), g.Sub(hi, lo)), () =>
            {
                string Half(string v) => g.Div(v, g.Scalar(2.0));
                return g.Div(g.Sub(Half(x), Half(lo)), g.Sub(Half(hi), Half(lo)));
            });
            var steps = new double[count - 1];
            for (int k = 0; k < steps.Length; k++) steps[k] = ranks[k + 1] - ranks[k];
            var inside = g.Add(g.Gather(g.Doubles(ranks, count), lower), g.Mul(t, g.Gather(g.Doubles(steps, count - 1), lower)));
            rank = g.Where(g.Equal(atOrBelow, g.Int64s(0)), g.Scalar(ranks[0]),
                g.Where(g.Equal(atOrBelow, g.Int64s(count)), g.Scalar(ranks[^1]), inside));
        }
        // Math.Clamp(rank, clip, 1 − clip)
        var p = g.Max(g.Min(rank, g.Scalar(1 - QuantileNormal.RankClip)), g.Scalar(QuantileNormal.RankClip));
        return g.Cast(InverseNormal(g, p), OnnxType.Float);
    }

    /// <summary>QuantileNormal.InverseNormal: the three regions are computed for every row and the right one chosen.
    /// p lies in [0.001, 0.999] after the clip, so no region's logarithm sees 0.</summary>
    private static string InverseNormal(OnnxGraphBuilder g, string p)
    {
        string Horner(ReadOnlySpan<double> coefficients, string v, bool trailingOne)
        {
            // ((c0·v + c1)·v + c2)…, ending "·v + 1" for the denominators, as the service writes them.
            string acc = g.Mul(g.Scalar(coefficients[0]), v);
            for (int i = 1; i < coefficients.Length; i++)
            {
                acc = g.Add(acc, g.Scalar(coefficients[i]));
                if (i < coefficients.Length - 1 || trailingOne) acc = g.Mul(acc, v);
            }
            return trailingOne ? g.Add(acc, g.Scalar(1.0)) : acc;
        }
        string TailQ(string probability) => g.Op("Sqrt", [g.Mul(g.Scalar(-2.0), g.Op("Log", [probability]))]);

        var qLow = TailQ(p);
        var lowTail = g.Div(Horner(QuantileNormal.AcklamC, qLow, false), Horner(QuantileNormal.AcklamD, qLow, true));
        var qHigh = TailQ(g.Sub(g.Scalar(1.0), p));
        var highTail = g.Div(g.Op("Neg", [Horner(QuantileNormal.AcklamC, qHigh, false)]), Horner(QuantileNormal.AcklamD, qHigh, true));
        var r = g.Sub(p, g.Scalar(0.5));
        var s = g.Mul(r, r);
        var central = g.Div(g.Mul(Horner(QuantileNormal.AcklamA, s, false), r), Horner(QuantileNormal.AcklamB, s, true));
        return g.Where(g.Less(p, g.Scalar(QuantileNormal.AcklamTail)), lowTail,
            g.Where(g.Less(g.Scalar(1 - QuantileNormal.AcklamTail), p), highTail, central));
    }

    /// <summary>A column with few levels is also one-hot over its levels' exact values (the service matches their "R"
    /// spelling, which is one-to-one with the double, except that −0 spells "-0": the sign of 1/x tells it apart).</summary>
    private static string Levels(OnnxGraphBuilder g, CategoricalEncoder levels, string x, string missing)
    {
        string Hits(IReadOnlyList<string> spelled)
        {
            var values = spelled.Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToArray();
            var hits = g.Equal(x, g.Doubles(values, 1, values.Length));
            if (!values.Contains(0.0)) return hits;
            var negativeLevel = values.Select(v => 1 / v < 0 ? 1.0 : 0.0).ToArray();
            var negativeInput = g.Cast(g.Less(g.Div(g.Scalar(1.0), x), g.Scalar(0.0)), OnnxType.Double);
            return g.Op("And", [hits, g.Equal(negativeInput, g.Doubles(negativeLevel, 1, values.Length))]);
        }
        return OnnxOneHot.Slots(g, Hits(levels.Kept), levels.Rare.Count > 0 ? Hits(levels.Rare) : null, missing);
    }

    /// <summary>PiecewiseLinearBins.Encode for all bins at once: 0 at or below the lower edge, 1 at or above the upper,
    /// (x − lo) / (hi − lo) between.</summary>
    private static string Bins(OnnxGraphBuilder g, PiecewiseLinearBins bins, string x)
    {
        var edges = bins.Edges;
        int count = bins.Count;
        var lower = g.Doubles(edges.Take(count).ToArray(), 1, count);
        var widths = g.Doubles(Enumerable.Range(0, count).Select(t => edges[t + 1] - edges[t]).ToArray(), 1, count);
        var upper = g.Doubles(edges.Skip(1).ToArray(), 1, count);
        var fraction = g.Div(g.Sub(x, lower), widths);
        var value = g.Where(g.Op("LessOrEqual", [x, lower]), g.Scalar(0.0), g.Where(g.GreaterOrEqual(x, upper), g.Scalar(1.0), fraction));
        return g.Cast(value, OnnxType.Float);
    }
}
