using System.Globalization;
using DefectApi.Tabular.Features;
using DefectApi.Tabular.Frames;

namespace DefectApi.Tabular.Monitoring;

/// <summary>How a column's live values are put into bins to compare them with training.</summary>
public enum BaselineKind
{
    /// <summary>Bins between ascending edges: (−∞, e₀], (e₀, e₁], …, (eₖ, +∞), plus a missing bin.</summary>
    Numeric,

    /// <summary>A bin per kept category, one for the other categories training saw, one for categories training
    /// never saw, plus a missing bin.</summary>
    Categorical,

    /// <summary>Only the missing share is compared (datetime inputs: see <see cref="TrainingProfile"/>).</summary>
    NotChecked,
}

/// <summary>What training data looked like in one column (or the model's output): the bins and the share of training
/// rows in each. Every share is of all training rows, so the bin shares and <see cref="MissingShare"/> add up to 1.</summary>
public sealed class ColumnBaseline
{
    internal ColumnBaseline(string name, string type, BaselineKind kind, double[] edges, string[] categories, string[] otherCategories,
        double[] shares, double missingShare, double min, double max)
    {
        int bins = kind switch
        {
            BaselineKind.Numeric => edges.Length + 1,
            BaselineKind.Categorical => categories.Length + 1,
            _ => 0,
        };
        if (shares.Length != bins) throw new InvalidDataException($"The training profile of '{name}' has {shares.Length} shares " +
            $"for {bins} bins.");
        for (int i = 1; i < edges.Length; i++)
            if (!(edges[i] > edges[i - 1])) throw new InvalidDataException($"The training profile of '{name}' has bin edges out of order.");
        Name = name;
        Type = type;
        Kind = kind;
        Edges = _edges = edges;
        Categories = categories;
        OtherCategories = otherCategories;
        Shares = _shares = shares;
        MissingShare = missingShare;
        Min = min;
        Max = max;
        _binOfCategory = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < categories.Length; i++) _binOfCategory[categories[i]] = i;
        foreach (var other in otherCategories) _binOfCategory.TryAdd(other, OtherBin);
    }

    private readonly Dictionary<string, int> _binOfCategory;
    private readonly double[] _edges, _shares;

    /// <summary>The model input's name, or the output's ("probability", "value" or "label").</summary>
    public string Name { get; }

    /// <summary>The input's type (numeric | categorical | boolean | datetime) or, for the output, "output".</summary>
    public string Type { get; }

    public BaselineKind Kind { get; }

    /// <summary>Numeric: the ascending, distinct bin edges (inner training deciles, or the levels of a column with few).</summary>
    public IReadOnlyList<double> Edges { get; }

    /// <summary>Categorical: the most common training categories (at most <see cref="TrainingProfile.MaxCategories"/>),
    /// most common first; a multiclass output's classes in the model's order.</summary>
    public IReadOnlyList<string> Categories { get; }

    /// <summary>Categorical: the other categories training saw, which share the "other" bin.</summary>
    public IReadOnlyList<string> OtherCategories { get; }

    /// <summary>Training share per bin: numeric Edges.Count + 1 bins; categorical one per category, then "other".</summary>
    public IReadOnlyList<double> Shares { get; }

    /// <summary>Share of training rows with no value (for the output: 0).</summary>
    public double MissingShare { get; }

    /// <summary>Numeric: the smallest training value (NaN when training had none, and for other kinds).</summary>
    public double Min { get; }

    /// <summary>Numeric: the largest training value (NaN when training had none, and for other kinds).</summary>
    public double Max { get; }

    /// <summary>Categorical: the bin holding categories training saw but did not keep.</summary>
    internal int OtherBin => Categories.Count;

    /// <summary>Categorical: the bin of categories training never saw; its training share is 0.</summary>
    internal int UnseenBin => Categories.Count + 1;

    /// <summary>Bins a live accumulator counts, besides missing: numeric Edges + 1; categorical kept + other + unseen.</summary>
    internal int LiveBins => Kind switch
    {
        BaselineKind.Numeric => Edges.Count + 1,
        BaselineKind.Categorical => Categories.Count + 2,
        _ => 0,
    };

    /// <summary>Numeric: the bin of a finite value, right-closed: the number of edges strictly below it.</summary>
    internal int BinOf(double value) => QuantileNormal.FirstNotBelow(_edges, value);

    /// <summary>Categorical: a (trimmed) category's bin, the unseen bin when training never saw it.</summary>
    internal int BinOf(string category) => _binOfCategory.TryGetValue(category, out int bin) ? bin : UnseenBin;

    /// <summary>A short text naming bin i of LiveBins, for a chart.</summary>
    internal string Label(int bin)
    {
        if (Kind == BaselineKind.Categorical)
            return bin < Categories.Count ? Categories[bin] : bin == OtherBin ? "(other)" : "(unseen)";
        if (Edges.Count == 0) return "all values";
        if (bin == 0) return $"≤ {Number(Edges[0])}";
        if (bin == Edges.Count) return $"> {Number(Edges[^1])}";
        return $"{Number(Edges[bin - 1])} – {Number(Edges[bin])}";
    }

    private static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>Training share of bin i of LiveBins (the unseen bin: 0).</summary>
    internal double TrainingShare(int bin) => bin < Shares.Count ? Shares[bin] : 0;

    internal void Write(BinaryWriter writer)
    {
        writer.Write(Name);
        writer.Write(Type);
        writer.Write((byte)Kind);
        BinaryArrays.WriteDoubles(writer, _edges);
        CategoricalEncoder.WriteStrings(writer, Categories);
        CategoricalEncoder.WriteStrings(writer, OtherCategories);
        BinaryArrays.WriteDoubles(writer, _shares);
        writer.Write(MissingShare);
        writer.Write(Min);
        writer.Write(Max);
    }

    internal static ColumnBaseline Read(BinaryReader reader)
    {
        string name = reader.ReadString(), type = reader.ReadString();
        var kind = (BaselineKind)reader.ReadByte();
        if (!Enum.IsDefined(kind)) throw new InvalidDataException($"Unknown baseline kind {kind} in the training profile.");
        var edges = BinaryArrays.ReadDoubles(reader);
        var categories = CategoricalEncoder.ReadStrings(reader);
        var otherCategories = CategoricalEncoder.ReadStrings(reader);
        var shares = BinaryArrays.ReadDoubles(reader);
        return new ColumnBaseline(name, type, kind, edges, categories, otherCategories, shares, reader.ReadDouble(), reader.ReadDouble(),
            reader.ReadDouble());
    }
}
