using DefectApi.Tabular.Frames;
using DefectApi.Tabular.Schema;

namespace DefectApi.Tabular.Features;

/// <summary>Hour of day, day of week and month as points on circles (sin, cos), so 23:00 sits next to 00:00 and
/// December next to January; a gap gives the circle's centre (all zeros).</summary>
internal sealed class DatetimeEncoder(string name, DateOrder order) : FeatureEncoder(name)
{
    public const string TypeName = "datetime";

    public override string Type => TypeName;
    public override int Width => 6;
    internal DateOrder Order => order;

    internal bool TryRead(CellValue value, out DateTime time)
    {
        time = default;
        return value.Kind == CellKind.Text
            && (DateTimeText.TryParse(value.Text, order, out time) || DateTimeText.TryParse(value.Text, DateOrder.Iso, out time));
    }

    public override string? Check(CellValue value) => value.Kind == CellKind.Missing || TryRead(value, out _)
        ? null
        : $"must be a date and time like " +
            $"{(order == DateOrder.Iso ? "2024-03-31T14:05:00" : order == DateOrder.DayFirst ? "31.03.2024 14:05" : "3/31/2024 14:05")}";

    public override void Encode(CellValue value, Span<float> output, ICollection<string>? warnings)
    {
        output[..Width].Clear();
        if (!TryRead(value, out var time)) return;
        Circle(time.Hour + time.Minute / 60.0, 24, output);
        Circle((int)time.DayOfWeek, 7, output[2..]);
        Circle(time.Month - 1, 12, output[4..]);
    }

    private static void Circle(double position, double period, Span<float> output) =>
        (output[0], output[1]) = PointOnCircle(position, period);

    /// <summary>(sin, cos) of the angle position / period of a turn.</summary>
    internal static (float Sin, float Cos) PointOnCircle(double position, double period)
    {
        double angle = 2 * Math.PI * position / period;
        return ((float)Math.Sin(angle), (float)Math.Cos(angle));
    }

    public override void Write(BinaryWriter writer)
    {
        WriteHeader(writer);
        writer.Write((int)order);
    }

    public static DatetimeEncoder ReadBody(string name, BinaryReader reader)
    {
        int order = reader.ReadInt32();
        if (!Enum.IsDefined((DateOrder)order)) throw new InvalidDataException("Unknown date order.");
        return new DatetimeEncoder(name, (DateOrder)order);
    }
}
