using System.Globalization;

namespace DefectApi.Tabular.Csv;

/// <summary>How raw CSV cell text is read: missing markers and numbers (with '.' or ',' as decimal separator).</summary>
internal static class CellText
{
    private static readonly string[] MissingMarkers = ["NA", "N/A", "NaN", "null", "-", "?"];

    public static bool IsMissing(ReadOnlySpan<char> raw)
    {
        var s = raw.Trim();
        if (s.IsEmpty) return true;
        if (s.Length > 4 || char.IsAsciiDigit(s[0])) return false;
        foreach (var marker in MissingMarkers)
            if (s.Equals(marker, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <summary>Parses a finite number; infinities and text are rejected so they stay text.</summary>
    public static bool TryParseNumber(ReadOnlySpan<char> raw, char decimalSeparator, out double value)
    {
        var s = raw.Trim();
        if (TryParseSimpleDecimal(s, decimalSeparator, out value)) return true;
        if (s.IsEmpty || s.Length > 64 || !MayStartNumber(s[0])) { value = double.NaN; return false; }
        if (decimalSeparator != '.')
        {
            if (s.Contains('.')) { value = double.NaN; return false; }  // "1.234,5": grouping is not supported
            Span<char> copy = stackalloc char[s.Length];
            s.CopyTo(copy);
            copy.Replace(decimalSeparator, '.');
            return Finish(double.TryParse(copy, NumberStyles.Float, CultureInfo.InvariantCulture, out value), ref value);
        }
        return Finish(double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value), ref value);
    }

    /// <summary>Cheap rejection of text before the general parser ("Infinity" is rejected anyway).</summary>
    private static bool MayStartNumber(char c) => char.IsAsciiDigit(c) || c is '-' or '+' or '.' or ',';

    private static bool Finish(bool parsed, ref double value)
    {
        if (parsed && double.IsFinite(value)) return true;
        value = double.NaN;
        return false;
    }

    private static readonly double[] PowersOfTen =
        [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

    /// <summary>Fast path for plain decimals like "-123.45": when the digits fit in 2^53 and there are at most 22
    /// fraction digits, mantissa / 10^k is correctly rounded (Clinger 1990, "How to read floating point numbers
    /// accurately"), so this equals double.Parse.</summary>
    private static bool TryParseSimpleDecimal(ReadOnlySpan<char> s, char decimalSeparator, out double value)
    {
        value = double.NaN;
        int i = 0;
        bool negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+')) { negative = s[0] == '-'; i = 1; }
        long mantissa = 0;
        int digits = 0, fractionDigits = 0;
        bool seenSeparator = false;
        for (; i < s.Length; i++)
        {
            char c = s[i];
            if ((uint)(c - '0') <= 9)
            {
                if (++digits > 15) return false;
                mantissa = mantissa * 10 + (c - '0');
                if (seenSeparator) fractionDigits++;
            }
            else if (c == decimalSeparator && !seenSeparator) seenSeparator = true;
            else return false;
        }
        if (digits == 0) return false;
        double v = mantissa;
        if (fractionDigits > 0) v /= PowersOfTen[fractionDigits];
        value = negative ? -v : v;
        return true;
    }
}
