namespace DefectApi.Tabular.Schema;

/// <summary>The word pairs a boolean column may use; 0/1 stays numeric on purpose (it is often a count or flag
/// that users want to see as a number).</summary>
internal static class BooleanText
{
    private static readonly (string True, string False)[] Pairs =
        [("true", "false"), ("yes", "no"), ("ok", "ng"), ("pass", "fail"), ("y", "n")];

    public const int AllPairs = (1 << 5) - 1;

    public static IEnumerable<string> TrueWords => Pairs.Select(p => p.True);
    public static IEnumerable<string> FalseWords => Pairs.Select(p => p.False);

    /// <summary>Bit mask of the pairs this word belongs to (0 when none).</summary>
    public static int PairsContaining(ReadOnlySpan<char> raw)
    {
        var s = raw.Trim();
        int mask = 0;
        for (int i = 0; i < Pairs.Length; i++)
            if (s.Equals(Pairs[i].True, StringComparison.OrdinalIgnoreCase) || s.Equals(Pairs[i].False, StringComparison.OrdinalIgnoreCase))
                mask |= 1 << i;
        return mask;
    }

    public static bool TryParse(ReadOnlySpan<char> raw, out bool value)
    {
        var s = raw.Trim();
        foreach (var (t, f) in Pairs)
        {
            if (s.Equals(t, StringComparison.OrdinalIgnoreCase)) { value = true; return true; }
            if (s.Equals(f, StringComparison.OrdinalIgnoreCase)) { value = false; return true; }
        }
        value = false;
        return false;
    }
}
