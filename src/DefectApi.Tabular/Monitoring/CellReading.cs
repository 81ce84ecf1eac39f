using System.Globalization;
using DefectApi.Tabular.Features;
using DefectApi.Tabular.Frames;

namespace DefectApi.Tabular.Monitoring;

/// <summary>Reads a cell the way the training profile and the live drift counts both see it, so the two compare like
/// with like whatever form the record arrived in (JSON number or CSV text).</summary>
internal static class CellReading
{
    /// <summary>A numeric input's value, NaN for missing: numbers, true/false as 1/0, text that reads as an invariant
    /// number. Anything else (text that is no number, NaN, ±∞) counts as missing.</summary>
    public static double Number(CellValue cell) => cell.Kind switch
    {
        CellKind.Number when double.IsFinite(cell.Number) => cell.Number,
        CellKind.Boolean => cell.Boolean ? 1 : 0,
        CellKind.Text when double.TryParse(cell.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
        && double.IsFinite(v) => v,
        _ => double.NaN,
    };

    /// <summary>A categorical or boolean input's category, null for missing: categories as the encoder reads them
    /// (trimmed; numbers in their invariant spelling), booleans as "true"/"false" from any word pair the encoder
    /// accepts. An empty text is missing, as an empty CSV field is in training data.</summary>
    public static string? Category(CellValue cell, string type)
    {
        if (type == BooleanEncoder.TypeName) return BooleanEncoder.TryRead(cell, out bool b) ? (b ? "true" : "false") : null;
        var text = CategoricalEncoder.AsText(cell)?.Trim();
        return string.IsNullOrEmpty(text) ? null : text;
    }

    /// <summary>Whether a datetime input is missing (no value or an empty text).</summary>
    public static bool IsMissing(CellValue cell) =>
        cell.Kind == CellKind.Missing || cell.Kind == CellKind.Text && string.IsNullOrWhiteSpace(cell.Text);
}
