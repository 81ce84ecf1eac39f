namespace DefectApi.Tabular.Features;

/// <summary>
/// Maps a value through the training distribution to a standard normal score: the value's (interpolated) rank
/// among up to <see cref="MaxKnots"/> training quantiles, then the inverse normal CDF. Heavy-tailed measurements
/// (areas, luminosity sums, work in progress) become evenly spread inputs, which suits a network far better than
/// a z-score dominated by a few extreme rows ("RankGauss"; scikit-learn's QuantileTransformer(output_distribution=
/// "normal") does the same). Values outside the training range saturate at the edge.
/// </summary>
internal sealed class QuantileNormal
{
    public const int MaxKnots = 256;
    internal const double RankClip = 1e-3;

    private readonly double[] _values;   // ascending, distinct
    private readonly double[] _ranks;    // their mid-ranks in [0, 1]

    private QuantileNormal(double[] values, double[] ranks)
    {
        _values = values;
        _ranks = ranks;
    }

    internal IReadOnlyList<double> Knots => _values;
    internal IReadOnlyList<double> KnotRanks => _ranks;

    /// <param name="sorted">the training values, ascending, no NaN</param>
    public static QuantileNormal Fit(double[] sorted)
    {
        // A run of equal values gets the middle of its ranks, so a 0/1 flag maps to two symmetric points.
        var runs = new List<(double Value, double Rank)>();
        int n = sorted.Length;
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j + 1 < n && sorted[j + 1] == sorted[i]) j++;
            runs.Add((sorted[i], n == 1 ? 0.5 : (i + j) / 2.0 / (n - 1)));
            i = j + 1;
        }
        if (runs.Count > MaxKnots)
            runs = Enumerable.Range(0, MaxKnots).Select(k => runs[(int)Math.Round((double)k * (runs.Count - 1) / (MaxKnots - 1))]).ToList();
        return new QuantileNormal(runs.Select(r => r.Value).ToArray(), runs.Select(r => r.Rank).ToArray());
    }

    public double Transform(double x)
    {
        int upper = FirstNotBelow(_values, x);
        double rank;
        if (upper < _values.Length && _values[upper] == x) rank = _ranks[upper];
        else if (upper == 0) rank = _ranks[0];
        else if (upper == _values.Length) rank = _ranks[^1];
        else
        {
            double t = Schema.FiniteStatistics.Fraction(x, _values[upper - 1], _values[upper]);
            rank = _ranks[upper - 1] + t * (_ranks[upper] - _ranks[upper - 1]);
        }
        return InverseNormal(Math.Clamp(rank, RankClip, 1 - RankClip));
    }

    /// <summary>The first position whose value is not below x (values.Length when all are): a lower bound that halves
    /// a span with plain comparisons, which scoring calls per value and member, cheaper than Array.BinarySearch's
    /// comparer.</summary>
    internal static int FirstNotBelow(double[] values, double x)
    {
        int low = 0, count = values.Length;
        while (count > 0)
        {
            int half = count >> 1;
            if (values[low + half] < x)
            {
                low += half + 1;
                count -= half + 1;
            }
            else count = half;
        }
        return low;
    }

    // P. J. Acklam's coefficients (2003): a, b for the central region's rational function in (p − ½)², c, d for the
    // tails' in q = √(−2·ln p). Properties over constant data allocate nothing.
    internal static ReadOnlySpan<double> AcklamA =>
        [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01,
        2.506628277459239e+00];
    internal static ReadOnlySpan<double> AcklamB =>
        [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
    internal static ReadOnlySpan<double> AcklamC =>
        [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00,
        2.938163982698783e+00];
    internal static ReadOnlySpan<double> AcklamD =>
        [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];

    /// <summary>Below this p (and above 1 − it) the tail formula applies.</summary>
    internal const double AcklamTail = 0.02425;

    /// <summary>Φ⁻¹(p) by P. J. Acklam's rational approximation (2003), relative error below 1.15e−9.</summary>
    internal static double InverseNormal(double p)
    {
        ReadOnlySpan<double> a = AcklamA, b = AcklamB, c = AcklamC, d = AcklamD;
        const double low = AcklamTail;
        if (p < low)
        {
            double q = Math.Sqrt(-2 * Math.Log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q
                + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - low)
        {
            double q = Math.Sqrt(-2 * Math.Log(1 - p));
            return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q
                + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        double r = p - 0.5, s = r * r;
        return (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s
            + a[5]) * r / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1);
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(_values.Length);
        for (int i = 0; i < _values.Length; i++)
        {
            writer.Write(_values[i]);
            writer.Write(_ranks[i]);
        }
    }

    public static QuantileNormal Read(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count is < 1 or > MaxKnots * 4) throw new InvalidDataException("Impossible quantile count.");
        var values = new double[count];
        var ranks = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = reader.ReadDouble();
            ranks[i] = reader.ReadDouble();
            if (i > 0 && !(values[i] > values[i - 1])) throw new InvalidDataException("Quantiles are not ascending.");
        }
        return new QuantileNormal(values, ranks);
    }
}
