using DefectApi.Tabular.Frames;

namespace DefectApi.Tabular.Features;

/// <summary>
/// One column cut into a few bins over the labelled rows, to judge what the column says about the target on its own.
/// Numbers: each distinct value its own bin when there are at most <c>maxBins</c> of them (a 0/1 flag keeps its two
/// levels), otherwise equal-frequency bins cut at the quantiles. Text: a bin per level with at least
/// <see cref="MinLevelRows"/> rows and one bin for all rarer levels together (a timestamp or a free-text code then
/// says only "filled in or not"). Missing cells always have bin <see cref="Missing"/>, so a column filled in only for
/// some outcomes shows it. The cuts never look at the target, so they may be taken on every labelled row before the
/// target's rates are estimated out of fold.
/// </summary>
/// <param name="Bin">bin of each labelled row, in the order of the labelled rows</param>
/// <param name="Count">bins, the missing bin included</param>
/// <param name="ValueLevels">distinct non-missing values when they each have a bin, else 0</param>
internal sealed record ColumnBins(int[] Bin, int Count, int ValueLevels)
{
    public const int Missing = 0;

    /// <summary>Fewest rows a text level needs for a bin of its own.</summary>
    public const int MinLevelRows = 10;

    public bool HasMissing => Array.IndexOf(Bin, Missing) >= 0;

    /// <summary>Two levels and no gaps: a flag such as a failure mode's 0/1.</summary>
    public bool IsFlag => ValueLevels == 2 && !HasMissing;

    /// <summary>Only whether the cell is filled in: the pattern of a column recorded for some outcomes only.</summary>
    public ColumnBins FilledOrNot() => new(Bin.Select(b => b == Missing ? Missing : 1).ToArray(), 2, 1);

    public static ColumnBins Of(TabularFrame frame, int column, int[] rows, int maxBins) =>
        frame.NumberValues(column) is { } numbers
            ? OfNumbers(numbers, rows, maxBins)
            : OfCodes(frame.TextValues(column)!.Value.Codes, rows);

    private static ColumnBins OfNumbers(double[] numbers, int[] rows, int maxBins)
    {
        var present = rows.Select(r => numbers[r]).Where(v => !double.IsNaN(v)).ToArray();
        Array.Sort(present);
        var distinct = new List<double>();
        foreach (double v in present)
            if (distinct.Count == 0 || distinct[^1] != v) distinct.Add(v);
        bool byValue = distinct.Count <= maxBins;
        // Equal-frequency cuts; a value equal to a cut goes above it. Ties at a cut merge bins, never split a value.
        var cuts = byValue ? distinct.Skip(1).ToArray()
            : Enumerable.Range(1, maxBins - 1).Select(j => present[(long)j * present.Length / maxBins]).Distinct().ToArray();
        var bin = new int[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            double v = numbers[rows[i]];
            if (double.IsNaN(v)) { bin[i] = Missing; continue; }
            int at = Array.BinarySearch(cuts, v);
            bin[i] = 1 + (at >= 0 ? at + 1 : ~at);
        }
        return new ColumnBins(bin, cuts.Length + 2, byValue ? distinct.Count : 0);
    }

    private static ColumnBins OfCodes(int[] codes, int[] rows)
    {
        var counts = new Dictionary<int, int>();
        foreach (int r in rows) counts[codes[r]] = counts.GetValueOrDefault(codes[r]) + 1;
        // Levels in code order (first appearance in the file), so the bins do not depend on hashing.
        var own = counts.Where(kv => kv.Key != 0 && kv.Value >= MinLevelRows).Select(kv => kv.Key).Order().ToArray();
        var binOf = new Dictionary<int, int>();
        for (int i = 0; i < own.Length; i++) binOf[own[i]] = i + 1;
        int rare = own.Length + 1;
        bool anyRare = counts.Keys.Any(code => code != 0 && !binOf.ContainsKey(code));
        var bin = rows.Select(r => codes[r] == 0 ? Missing : binOf.GetValueOrDefault(codes[r], rare)).ToArray();
        return new ColumnBins(bin, rare + 1, anyRare ? 0 : own.Length);
    }
}
