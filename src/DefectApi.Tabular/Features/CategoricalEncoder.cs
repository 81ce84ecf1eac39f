using System.Globalization;
using DefectApi.Tabular.Frames;

namespace DefectApi.Tabular.Features;

/// <summary>One-hot over the categories seen often enough in training; rare ones (fewer than 5 rows or under 1 %)
/// share an "other" input, and a value never seen in training lights a separate "unseen" input. A gap lights none.
/// Surrounding spaces are ignored: "finishing " and "finishing" are one department in real exports.</summary>
internal sealed class CategoricalEncoder : FeatureEncoder
{
    public const string TypeName = "categorical";
    private const int MinRows = 5;
    private const double MinShare = 0.01;

    private readonly string[] _kept;
    private readonly string[] _rare;
    private readonly Dictionary<string, int> _slot = new(StringComparer.Ordinal);

    private CategoricalEncoder(string name, string[] kept, string[] rare) : base(name)
    {
        _kept = kept;
        _rare = rare;
        for (int i = 0; i < kept.Length; i++) _slot[kept[i]] = i;
        foreach (var r in rare) _slot[r] = OtherSlot;
    }

    public override string Type => TypeName;
    private int OtherSlot => _kept.Length;
    public int UnseenSlot => _kept.Length + (_rare.Length > 0 ? 1 : 0);
    public override int Width => UnseenSlot + 1;
    public override IReadOnlyList<string> Categories => [.. _kept, .. _rare];
    public int KeptCount => _kept.Length;
    internal IReadOnlyList<string> Kept => _kept;
    internal IReadOnlyList<string> Rare => _rare;

    /// <summary>The most frequent training category (kept ones are ordered by count).</summary>
    public string? Mode => _kept.Length > 0 ? _kept[0] : _rare.FirstOrDefault();

    public static CategoricalEncoder Fit(string name, IEnumerable<string?> values)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        int present = 0;
        foreach (var v in values)
        {
            if (v is null) continue;
            present++;
            counts[v.Trim()] = counts.GetValueOrDefault(v.Trim()) + 1;
        }
        bool IsRare(int count) => count < MinRows || count < MinShare * present;
        var ordered = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        return new CategoricalEncoder(name,
            ordered.Where(kv => !IsRare(kv.Value)).Select(kv => kv.Key).ToArray(),
            ordered.Where(kv => IsRare(kv.Value)).Select(kv => kv.Key).ToArray());
    }

    public override string? Check(CellValue value) =>
        value.Kind == CellKind.Number && !double.IsFinite(value.Number) ? "must be a category, not NaN or Infinity" : null;

    public override void Encode(CellValue value, Span<float> output, ICollection<string>? warnings)
    {
        var text = AsText(value)?.Trim();
        if (text is null)
        {
            output[..Width].Clear();
            return;
        }
        int slot = SlotOf(text);
        EncodeSlot(slot, output);
        if (slot != UnseenSlot) return;
        warnings?.Add($"'{Name}' = '{NumericEncoder.Shorten(text)}' was not seen in training; it is treated as an unknown category.");
    }

    /// <summary>Lights the input of a category's slot (SlotOf), with no warning: for callers that looked it up themselves.</summary>
    public void EncodeSlot(int slot, Span<float> output)
    {
        output[..Width].Clear();
        output[slot] = 1f;
    }

    /// <summary>The input a category lights: its own, "other" for a rare one, "unseen" for one training never saw.</summary>
    public int SlotOf(string category) => _slot.TryGetValue(category, out int slot) ? slot : UnseenSlot;

    /// <summary>Numbers sent for a category column (JSON 3 for team "3") match the category's text.</summary>
    public static string? AsText(CellValue value) => value.Kind switch
    {
        CellKind.Text => value.Text,
        CellKind.Number => value.Number.ToString("R", CultureInfo.InvariantCulture),
        CellKind.Boolean => value.Boolean ? "true" : "false",
        _ => null,
    };

    public override void Write(BinaryWriter writer)
    {
        WriteHeader(writer);
        WriteStrings(writer, _kept);
        WriteStrings(writer, _rare);
    }

    public static CategoricalEncoder ReadBody(string name, BinaryReader reader) => new(name, ReadStrings(reader), ReadStrings(reader));

    internal static void WriteStrings(BinaryWriter writer, IReadOnlyList<string> values)
    {
        writer.Write(values.Count);
        foreach (var v in values) writer.Write(v);
    }

    internal static string[] ReadStrings(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count < 0 || count > 10_000_000) throw new InvalidDataException("Impossible category count.");
        var values = new string[count];
        for (int i = 0; i < count; i++) values[i] = reader.ReadString();
        return values;
    }
}
