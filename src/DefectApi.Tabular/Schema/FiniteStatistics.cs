namespace DefectApi.Tabular.Schema;

/// <summary>
/// Means and standard deviations that stay finite for every finite input. A column may hold values near ±1.8e308
/// (1e308 and −1e308 are ordinary doubles), where a plain x − mean or (x − mean)² overflows to infinity, which
/// JSON cannot carry and a network turns into NaN. The values are divided by a power of two near their largest
/// magnitude first: that division is exact, and binary rounding behaves the same at every power of two, so wherever
/// the plain formula was finite the result is the same to the bit.
/// </summary>
internal static class FiniteStatistics
{
    /// <summary>2^k with 2^k ≤ magnitude &lt; 2^(k+1) when magnitude ≥ 2, else 1: scaled values then lie within ±2,
    /// so their squares and sums cannot overflow.</summary>
    public static double ScaleFor(double magnitude) => magnitude >= 2 ? Math.ScaleB(1.0, Math.ILogB(magnitude)) : 1;

    /// <summary>Mean and population standard deviation, in two passes over the scaled values.</summary>
    public static (double Mean, double Std) MeanAndStd(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) return (0, 0);
        double scale = ScaleFor(values.Max(Math.Abs));
        var scaled = values.Select(v => v / scale).ToArray();
        double mean = scaled.Average();
        double variance = scaled.Sum(v => (v - mean) * (v - mean)) / scaled.Length;
        return (Unscale(mean, scale), Unscale(Math.Sqrt(variance), scale));
    }

    /// <summary>A scaled figure back in the values' unit. A spread wider than double's range (values near both
    /// +1.8e308 and −1.8e308) is reported as the largest double rather than as infinity.</summary>
    public static double Unscale(double scaled, double scale) => Math.Clamp(scaled * scale, -double.MaxValue, double.MaxValue);

    /// <summary>origin + k·step, also when k·step alone overflows but the point itself does not.</summary>
    public static double OnGrid(double origin, double k, double step)
    {
        double v = origin + k * step;
        return double.IsFinite(v) ? v : 2 * (origin / 2 + k * (step / 2));
    }

    /// <summary>(x − center) / spread, also where x − center alone would overflow (x and center huge and of
    /// opposite signs): halving both first is exact and cannot overflow.</summary>
    public static double Standardise(double x, double center, double spread)
    {
        double z = (x - center) / spread;
        return double.IsFinite(z) ? z : (x / 2 - center / 2) / (spread / 2);
    }

    /// <summary>a + t·(b − a), also when b − a overflows (a and b huge and of opposite signs).</summary>
    public static double Lerp(double a, double b, double t)
    {
        double v = a + t * (b - a);
        return double.IsFinite(v) ? v : a * (1 - t) + b * t;
    }

    /// <summary>a − b, or the largest double of its sign where the difference overflows: a step or span sized from it
    /// stays finite.</summary>
    public static double Difference(double a, double b) => Math.Clamp(a - b, -double.MaxValue, double.MaxValue);

    /// <summary>Where x lies between lo and hi as a fraction, also when hi − lo overflows.</summary>
    public static double Fraction(double x, double lo, double hi)
    {
        double t = (x - lo) / (hi - lo);
        return double.IsFinite(t) ? t : (x / 2 - lo / 2) / (hi / 2 - lo / 2);
    }
}

/// <summary>Welford's one-pass mean and variance (B. P. Welford, 1962, "Note on a method for calculating corrected
/// sums of squares and products") over the values divided by a power of two that follows the largest magnitude
/// seen so far; rescaling the running sums by a power of two is exact, so the figures equal plain Welford's
/// wherever those were finite.</summary>
internal struct RunningMoments()
{
    private long _count;
    private double _scale = 1, _mean, _m2;

    public void Add(double value)
    {
        double magnitude = Math.Abs(value);
        if (magnitude >= 2 * _scale)
        {
            double scale = FiniteStatistics.ScaleFor(magnitude), ratio = _scale / scale;
            _mean *= ratio;
            _m2 *= ratio * ratio;
            _scale = scale;
        }
        double x = value / _scale;
        _count++;
        double delta = x - _mean;
        _mean += delta / _count;
        _m2 += delta * (x - _mean);
    }

    public readonly double Mean => FiniteStatistics.Unscale(_mean, _scale);

    /// <summary>The sample standard deviation (n − 1), 0 for fewer than two values.</summary>
    public readonly double SampleStd => _count > 1 ? FiniteStatistics.Unscale(Math.Sqrt(_m2 / (_count - 1)), _scale) : 0;
}
