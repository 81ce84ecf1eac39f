using System.Globalization;

namespace DefectApi.Tabular.Frames;

public enum CellKind { Missing, Number, Text, Boolean }

/// <summary>A cell as it arrives from a caller (JSON or CSV) or from storage.</summary>
public readonly record struct CellValue
{
    private CellValue(CellKind kind, double number, string? text, bool boolean)
    {
        Kind = kind;
        Number = number;
        Text = text;
        Boolean = boolean;
    }

    public static CellValue Missing { get; } = new(CellKind.Missing, double.NaN, null, false);

    public static CellValue FromNumber(double v) => new(CellKind.Number, v, null, false);
    public static CellValue FromText(string s) => new(CellKind.Text, double.NaN, s, false);
    public static CellValue FromBoolean(bool b) => new(CellKind.Boolean, b ? 1 : 0, null, b);

    public CellKind Kind { get; }
    public double Number { get; }
    public string? Text { get; }
    public bool Boolean { get; }

    public override string ToString() => Kind switch
    {
        CellKind.Number => Number.ToString("R", CultureInfo.InvariantCulture),
        CellKind.Text => Text!,
        CellKind.Boolean => Boolean ? "true" : "false",
        _ => "",
    };
}
