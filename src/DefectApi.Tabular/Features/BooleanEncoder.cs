using DefectApi.Tabular.Frames;
using DefectApi.Tabular.Schema;

namespace DefectApi.Tabular.Features;

/// <summary>true → 1, false → 0; a gap becomes the training share of true.</summary>
internal sealed class BooleanEncoder(string name, double trueShare) : FeatureEncoder(name)
{
    public const string TypeName = "boolean";

    public override string Type => TypeName;
    public override int Width => 1;
    public double TrueShare => trueShare;

    public static BooleanEncoder Fit(string name, IEnumerable<CellValue> values)
    {
        int present = 0, trues = 0;
        foreach (var v in values)
        {
            if (!TryRead(v, out bool b)) continue;
            present++;
            if (b) trues++;
        }
        return new BooleanEncoder(name, present == 0 ? 0.5 : (double)trues / present);
    }

    internal static bool TryRead(CellValue value, out bool result)
    {
        result = false;
        switch (value.Kind)
        {
            case CellKind.Boolean: result = value.Boolean; return true;
            case CellKind.Text: return BooleanText.TryParse(value.Text, out result);
            case CellKind.Number when value.Number is 0 or 1: result = value.Number == 1; return true;
            default: return false;
        }
    }

    public override string? Check(CellValue value) =>
        value.Kind == CellKind.Missing || TryRead(value, out _) ? null : "must be true or false (or yes/no, OK/NG, pass/fail, 1/0)";

    public override void Encode(CellValue value, Span<float> output, ICollection<string>? warnings) =>
        output[0] = TryRead(value, out bool b) ? (b ? 1f : 0f) : (float)trueShare;

    public override void Write(BinaryWriter writer)
    {
        WriteHeader(writer);
        writer.Write(trueShare);
    }

    public static BooleanEncoder ReadBody(string name, BinaryReader reader) => new(name, reader.ReadDouble());
}
