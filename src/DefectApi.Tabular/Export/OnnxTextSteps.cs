using DefectApi.Tabular.Features;

namespace DefectApi.Tabular.Export;

/// <summary>
/// The encoders of text-like columns as graph operators. Categorical and boolean inputs are strings [N, 1] where ""
/// means missing (the service's null); a datetime input is a double [N, 1] of seconds since 1970-01-01T00:00 of the
/// wall-clock reading (the service ignores time zones), NaN when missing: parsing the many date spellings the
/// service reads is not something ONNX operators can do exactly.
/// </summary>
internal static class OnnxTextSteps
{
    /// <summary>Rare categories share one pattern; one longer than this would strain RE2's default memory budget.</summary>
    private const int MaxRarePatternLength = 200_000;

    public static string Categorical(OnnxGraphBuilder g, CategoricalEncoder encoder, string text)
    {
        var missing = g.Matches(text, "");
        string? kept = encoder.Kept.Count == 0 ? null
            : g.Concat(encoder.Kept.Select(c => g.Matches(text, OnnxPatterns.Trimmed(c))).ToArray());
        string? rare = null;
        if (encoder.Rare.Count > 0)
        {
            var pattern = OnnxPatterns.TrimmedAnyOf(encoder.Rare);
            if (pattern.Length > MaxRarePatternLength)
                throw new OnnxExportException($"categorical encoder '{encoder.Name}'",
                    $"The column '{encoder.Name}' has {encoder.Rare.Count} rare categories, too many for one ONNX string pattern.");
            rare = g.Matches(text, pattern);
        }
        return OnnxOneHot.Slots(g, kept, rare, missing);
    }

    /// <summary>BooleanEncoder: a true word or "1" → 1, a false word or "0" → 0 (the service takes the numbers 1 and 0
    /// too), anything else (the service refuses other text) and "" → the training share of true.</summary>
    public static string Boolean(OnnxGraphBuilder g, BooleanEncoder encoder, string text)
    {
        var isTrue = g.Matches(text, OnnxPatterns.TrimmedAnyWordIgnoringCase(Schema.BooleanText.TrueWords.Append("1")));
        var isFalse = g.Matches(text, OnnxPatterns.TrimmedAnyWordIgnoringCase(Schema.BooleanText.FalseWords.Append("0")));
        return g.Where(isTrue, g.Scalar(1f), g.Where(isFalse, g.Scalar(0f), g.Scalar((float)encoder.TrueShare)));
    }

    /// <summary>
    /// DatetimeEncoder: minute of day, day of week and month as indices into tables of the service's own points on
    /// the circles. The calendar month comes from the day number by H. Hinnant's civil_from_days ("chrono-Compatible
    /// Low-Level Date Algorithms"), all in whole doubles, where Floor of a quotient is exact.
    /// </summary>
    public static string Datetime(OnnxGraphBuilder g, string seconds)
    {
        var missing = g.IsNaN(seconds);
        var t = g.Where(missing, g.Scalar(0.0), seconds);
        string FloorDiv(string a, double b) => g.Op("Floor", [g.Div(a, g.Scalar(b))]);
        string Times(double a, string b) => g.Mul(g.Scalar(a), b);

        var days = FloorDiv(t, 86_400);
        var minuteOfDay = FloorDiv(g.Sub(t, Times(86_400, days)), 60);
        // 1970-01-01 was a Thursday, DayOfWeek 4 (Sunday is 0).
        var shifted = g.Add(days, g.Scalar(4.0));
        var dayOfWeek = g.Sub(shifted, Times(7, FloorDiv(shifted, 7)));
        var z = g.Add(days, g.Scalar(719_468.0));
        var era = FloorDiv(z, 146_097);
        var dayOfEra = g.Sub(z, Times(146_097, era));
        var yearOfEra = FloorDiv(g.Sub(g.Add(g.Sub(dayOfEra, FloorDiv(dayOfEra, 1_460)), FloorDiv(dayOfEra, 36_524)),
            FloorDiv(dayOfEra, 146_096)), 365);
        var dayOfYear = g.Sub(dayOfEra, g.Sub(g.Add(Times(365, yearOfEra), FloorDiv(yearOfEra, 4)), FloorDiv(yearOfEra, 100)));
        var monthFromMarch = FloorDiv(g.Add(Times(5, dayOfYear), g.Scalar(2.0)), 153);
        // March-based month 0..11 → January-based index 0..11.
        var monthIndex = g.Where(g.Less(monthFromMarch, g.Scalar(10.0)), g.Add(monthFromMarch, g.Scalar(2.0)),
            g.Sub(monthFromMarch, g.Scalar(10.0)));

        var parts = new List<string>();
        foreach (var (index, period, positions) in new[]
        {
            (minuteOfDay, 24.0, Enumerable.Range(0, 24 * 60).Select(m => m / 60 + m % 60 / 60.0)),
            (dayOfWeek, 7.0, Enumerable.Range(0, 7).Select(d => (double)d)),
            (monthIndex, 12.0, Enumerable.Range(0, 12).Select(m => (double)m)),
        })
        {
            var points = positions.Select(p => DatetimeEncoder.PointOnCircle(p, period)).ToArray();
            // Clamped so that a value far outside the calendar cannot index past a table.
            var at = g.Max(g.Min(g.Cast(index, OnnxType.Int64), g.Int64s(points.Length - 1)), g.Int64s(0));
            parts.Add(g.Gather(g.Floats(points.Select(p => p.Sin).ToArray(), points.Length), at));
            parts.Add(g.Gather(g.Floats(points.Select(p => p.Cos).ToArray(), points.Length), at));
        }
        return g.Where(missing, g.Scalar(0f), g.Concat(parts));
    }
}
