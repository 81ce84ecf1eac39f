using System.Globalization;
using DefectApi.Tabular.Frames;
using DefectApi.Tabular.Schema;

namespace DefectApi.Tabular.Features;

/// <summary>
/// Several views of one number, because a small network learns each kind of pattern from a different one:
/// the z-score (x − mean) / std keeps distances and extrapolates; the quantile-normal score spreads heavy tails
/// evenly; for a non-negative column the z-scored log turns products of columns (power = torque × speed, strain =
/// wear × torque) into sums a single unit can threshold; and a column with few distinct values (a team number,
/// a plate thickness) is also one-hot, so each level can behave on its own. A gap is filled with the training
/// median and, when the training split had gaps, one more input says "this was missing".
/// </summary>
internal sealed class NumericEncoder : FeatureEncoder
{
    public const string TypeName = "numeric";

    /// <summary>The stored tag of a numeric encoder with piecewise-linear bins; its Type is still "numeric".
    /// Encoders stored before the bins existed keep the plain tag and read as they always did.</summary>
    public const string BinnedFormat = "numeric+bins";

    /// <summary>The stored tag of a numeric encoder whose first input is RealMLP's robust scale with smooth clipping; a
    /// flag for bins and the robust centre and spread follow the plain body. Encoders without it are written as before.</summary>
    public const string RobustFormat = "numeric+robust";

    /// <summary>RealMLP's smooth clip x / √(1 + (x/c)²) bounds an input to (−c, c) and is nearly the identity well
    /// inside it (Holzmüller et al., NeurIPS 2024, c = 3).</summary>
    public const double SmoothClipBound = 3;
    private const double FarOutsideStds = 3;
    private const int MaxLevels = 20;

    private readonly Scale _plain, _log;
    private readonly double _median, _min, _max, _logShift;
    private readonly bool _missingIndicator, _useLog;
    private readonly QuantileNormal _quantiles;
    private readonly CategoricalEncoder? _levels;
    private readonly PiecewiseLinearBins? _bins;
    private readonly Scale? _robust;

    // A level's slot by the bits of its value: Level(x) round-trips, so equal bits are exactly equal level texts, and
    // scoring needs no string per value.
    private readonly Dictionary<long, int> _levelSlots = [];

    // Centre and spread: a z-score's mean and standard deviation, or the robust scale's median and quartile spread.
    private readonly record struct Scale(double Mean, double Std)
    {
        public static Scale Of(IReadOnlyCollection<double> values)
        {
            var (mean, std) = FiniteStatistics.MeanAndStd(values);
            return new Scale(mean, std > 1e-12 ? std : 1);
        }

        public float Apply(double x) => (float)FiniteStatistics.Standardise(x, Mean, Std);
    }

    private NumericEncoder(string name, Scale plain, double median, double min, double max, bool missingIndicator,
        QuantileNormal quantiles, bool useLog, double logShift, Scale log, CategoricalEncoder? levels, PiecewiseLinearBins? bins,
        Scale? robust) : base(name)
    {
        (_bins, _robust) = (bins, robust);
        if (levels is not null)
            foreach (var level in levels.Categories)
                _levelSlots[BitConverter.DoubleToInt64Bits(double.Parse(level, CultureInfo.InvariantCulture))] = levels.SlotOf(level);
        (_plain, _median, _min, _max, _missingIndicator, _quantiles) = (plain, median, min, max, missingIndicator, quantiles);
        (_useLog, _logShift, _log, _levels) = (useLog, logShift, log, levels);
    }

    public override string Type => TypeName;

    // The fitted parts, for the ONNX export, which restates each step as graph operators.
    internal (double Mean, double Std) PlainScale => (_plain.Mean, _plain.Std);
    internal (double Mean, double Std)? LogScale => _useLog ? (_log.Mean, _log.Std) : null;
    internal double LogShift => _logShift;
    internal double Median => _median;
    internal bool HasMissingIndicator => _missingIndicator;
    internal QuantileNormal Quantiles => _quantiles;
    internal CategoricalEncoder? LevelEncoder => _levels;
    internal PiecewiseLinearBins? Bins => _bins;

    /// <summary>The median and quartile spread of the first input when it is the robust, smoothly clipped scale.</summary>
    internal (double Center, double Spread)? RobustScale => _robust is { } r ? (r.Mean, r.Std) : null;

    public double Min => _min;
    public double Max => _max;
    public double Mean => _plain.Mean;

    /// <summary>The most common level when the column is also one-hot: only exact levels light their input, so a
    /// value between levels is "unseen" and search and explanations must step from level to level.</summary>
    public double? MostCommonLevel => Levels is [var first, ..] ? first : null;

    /// <summary>The one-hot levels, most common first; null when the column is not also one-hot.</summary>
    public double[]? Levels => _levels?.Categories.Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToArray();
    public override int Width => 2 + (_useLog ? 1 : 0) + (_levels?.Width ?? 0) + (_missingIndicator ? 1 : 0) + (_bins?.Count ?? 0);

    /// <param name="bins">piecewise-linear bins to add (0 for none); a column that is also one-hot gets none,
    /// its levels already say what bins would.</param>
    /// <param name="robust">the first input is <see cref="RobustScaleOf"/> with <see cref="SmoothClip"/>, not the z-score.</param>
    public static NumericEncoder Fit(string name, IReadOnlyList<double> values, int bins = 0, bool robust = false)
    {
        var present = values.Where(v => !double.IsNaN(v)).ToArray();
        bool gaps = present.Length < values.Count;
        if (present.Length == 0) present = [0];
        Array.Sort(present);
        int mid = present.Length / 2;
        double median = present.Length % 2 == 1 ? present[mid] : present[mid - 1] / 2 + present[mid] / 2;   // halves: the sum may overflow
        int distinct = 1;
        for (int i = 1; i < present.Length; i++) if (present[i] != present[i - 1]) distinct++;

        bool useLog = present[0] >= 0 && distinct > 2;
        // log(x) for a positive column; log(x + smallest positive) when zeros occur, so 0 stays finite.
        double logShift = present[0] > 0 ? 0 : present.FirstOrDefault(v => v > 0, 1);
        var log = useLog ? Scale.Of(present.Select(v => Math.Log(v + logShift)).ToArray()) : new Scale(0, 1);
        var levels = distinct is > 2 and <= MaxLevels ? CategoricalEncoder.Fit(name, present.Select(Level)) : null;
        if (levels is { KeptCount: < 2 }) levels = null;   // all levels rare: one-hot would add nothing
        return new NumericEncoder(name, Scale.Of(present), median, present[0], present[^1], gaps, QuantileNormal.Fit(present),
            useLog, logShift, log, levels, levels is null ? PiecewiseLinearBins.Fit(present, bins) : null,
            robust ? RobustScaleOf(present, median) : null);
    }

    /// <summary>RealMLP's robust scale (Holzmüller et al., NeurIPS 2024, section 3): centre at the median and divide by
    /// the interquartile range; where the quartiles coincide, by half the range; a constant column by 1.</summary>
    /// <param name="sorted">the present values, ascending</param>
    private static Scale RobustScaleOf(double[] sorted, double median)
    {
        double spread = FiniteStatistics.Difference(Quantile(sorted, 0.75), Quantile(sorted, 0.25));
        if (!(spread > 0)) spread = FiniteStatistics.Difference(sorted[^1], sorted[0]) / 2;
        return new Scale(median, spread > 0 ? spread : 1);
    }

    /// <summary>The p-quantile with linear interpolation between order statistics (numpy's default).</summary>
    internal static double Quantile(double[] sorted, double p)
    {
        double position = p * (sorted.Length - 1);
        int lo = (int)Math.Floor(position);
        return lo + 1 < sorted.Length ? FiniteStatistics.Lerp(sorted[lo], sorted[lo + 1], position - lo) : sorted[lo];
    }

    /// <summary>x / √(1 + (x/3)²); its limit ±3 where the square would overflow, so an extreme value stays finite.</summary>
    internal static double SmoothClip(double x)
    {
        double q = x / SmoothClipBound;
        return Math.Abs(q) < 1e150 ? x / Math.Sqrt(1 + q * q) : Math.CopySign(SmoothClipBound, x);
    }

    private static string Level(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    public override string? Check(CellValue value) => value.Kind switch
    {
        CellKind.Number when !double.IsFinite(value.Number) => "must be a finite number (not NaN or Infinity)",
        CellKind.Text => $"must be a number, got text '{Shorten(value.Text!)}'",
        // JSON true/false is not a measurement: scoring it as 1/0 would hide a caller's mix-up of columns.
        CellKind.Boolean => $"must be a number, got {(value.Boolean ? "true" : "false")}",
        _ => null,
    };

    public override void Encode(CellValue value, Span<float> output, ICollection<string>? warnings)
    {
        bool missing = value.Kind == CellKind.Missing;
        double x = missing ? _median : value.Number;
        if (!missing && warnings is not null && (x < _min - FarOutsideStds * _plain.Std || x > _max + FarOutsideStds * _plain.Std))
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"'{Name}' = {x} is far outside the training range [{_min}, {_max}]; the prediction is an extrapolation."));
        int k = 0;
        output[k++] = _robust is { } r ? (float)SmoothClip(FiniteStatistics.Standardise(x, r.Mean, r.Std)) : _plain.Apply(x);
        output[k++] = (float)_quantiles.Transform(x);
        if (_useLog) output[k++] = _log.Apply(Math.Log(Math.Max(x, _min) + _logShift));
        if (_levels is not null)
        {
            // An unseen level of a numeric column is normal (a new thickness), so it does not warn.
            var levelInputs = output.Slice(k, _levels.Width);
            if (missing) levelInputs.Clear();
            else _levels.EncodeSlot(_levelSlots.TryGetValue(BitConverter.DoubleToInt64Bits(x), out int slot) ? slot
                : _levels.UnseenSlot, levelInputs);
            k += _levels.Width;
        }
        if (_missingIndicator) output[k++] = missing ? 1f : 0f;
        _bins?.Encode(x, output.Slice(k, _bins.Count));
    }

    internal static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    public override void Write(BinaryWriter writer)
    {
        writer.Write(_robust is not null ? RobustFormat : _bins is null ? TypeName : BinnedFormat);
        writer.Write(Name);
        foreach (double v in (double[])[_plain.Mean, _plain.Std, _median, _min, _max, _logShift, _log.Mean, _log.Std]) writer.Write(v);
        writer.Write(_missingIndicator);
        writer.Write(_useLog);
        _quantiles.Write(writer);
        writer.Write(_levels is not null);
        _levels?.Write(writer);
        if (_robust is { } robust)
        {
            writer.Write(_bins is not null);
            _bins?.Write(writer);
            writer.Write(robust.Mean);
            writer.Write(robust.Std);
        }
        else _bins?.Write(writer);
    }

    /// <param name="format">the stored tag: <see cref="TypeName"/>, <see cref="BinnedFormat"/> or <see cref="RobustFormat"/></param>
    public static NumericEncoder ReadBody(string name, BinaryReader reader, string format)
    {
        var v = new double[8];
        for (int i = 0; i < v.Length; i++) v[i] = reader.ReadDouble();
        bool missingIndicator = reader.ReadBoolean(), useLog = reader.ReadBoolean();
        var quantiles = QuantileNormal.Read(reader);
        CategoricalEncoder? levels = null;
        if (reader.ReadBoolean())
        {
            reader.ReadString();
            levels = CategoricalEncoder.ReadBody(reader.ReadString(), reader);
        }
        bool robust = format == RobustFormat;
        bool binned = robust ? reader.ReadBoolean() : format == BinnedFormat;
        var bins = binned ? PiecewiseLinearBins.Read(reader) : null;
        Scale? robustScale = robust ? new Scale(reader.ReadDouble(), reader.ReadDouble()) : null;
        return new NumericEncoder(name, new Scale(v[0], v[1]), v[2], v[3], v[4], missingIndicator, quantiles, useLog, v[5],
            new Scale(v[6], v[7]), levels, bins, robustScale);
    }
}
