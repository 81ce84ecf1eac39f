using System.Globalization;

namespace DefectApi.Tabular.Features;

/// <summary>Standardises (x − mean) / std; a gap is filled with the training median, and when the training split had
/// gaps a second input says "this was missing" so the network can learn what a gap means on the line.</summary>
internal sealed class NumericEncoder : FeatureEncoder
{
    public const string TypeName = "numeric";
    private const double FarOutsideStds = 3;

    private readonly double _mean, _std, _median, _min, _max;
    private readonly bool _missingIndicator;

    private NumericEncoder(string name, double mean, double std, double median, double min, double max, bool missingIndicator)
        : base(name)
    {
        (_mean, _std, _median, _min, _max, _missingIndicator) = (mean, std, median, min, max, missingIndicator);
    }

    public override string Type => TypeName;
    public override int Width => _missingIndicator ? 2 : 1;

    public static NumericEncoder Fit(string name, IReadOnlyList<double> values)
    {
        var present = values.Where(v => !double.IsNaN(v)).ToArray();
        if (present.Length == 0) return new NumericEncoder(name, 0, 1, 0, 0, 0, true);
        Array.Sort(present);
        double mean = present.Average();
        double variance = present.Sum(v => (v - mean) * (v - mean)) / present.Length;
        double std = variance > 1e-24 ? Math.Sqrt(variance) : 1;
        int mid = present.Length / 2;
        double median = present.Length % 2 == 1 ? present[mid] : (present[mid - 1] + present[mid]) / 2;
        return new NumericEncoder(name, mean, std, median, present[0], present[^1], present.Length < values.Count);
    }

    public override string? Check(CellValue value) => value.Kind switch
    {
        CellKind.Number when !double.IsFinite(value.Number) => "must be a finite number (not NaN or Infinity)",
        CellKind.Text => $"must be a number, got text '{Shorten(value.Text!)}'",
        _ => null,
    };

    public override void Encode(CellValue value, Span<float> output, ICollection<string>? warnings)
    {
        bool missing = value.Kind == CellKind.Missing;
        double x = missing ? _median : value.Kind == CellKind.Boolean ? (value.Boolean ? 1 : 0) : value.Number;
        if (!missing && warnings is not null && (x < _min - FarOutsideStds * _std || x > _max + FarOutsideStds * _std))
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"'{Name}' = {x} is far outside the training range [{_min}, {_max}]; the prediction is an extrapolation."));
        output[0] = (float)((x - _mean) / _std);
        if (_missingIndicator) output[1] = missing ? 1f : 0f;
    }

    internal static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    public override void Write(BinaryWriter writer)
    {
        WriteHeader(writer);
        writer.Write(_mean);
        writer.Write(_std);
        writer.Write(_median);
        writer.Write(_min);
        writer.Write(_max);
        writer.Write(_missingIndicator);
    }

    public static NumericEncoder ReadBody(string name, BinaryReader reader) =>
        new(name, reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadBoolean());
}
