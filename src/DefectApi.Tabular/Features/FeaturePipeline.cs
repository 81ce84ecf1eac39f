using DefectApi.Tabular.Frames;
using DefectApi.Tabular.Schema;

namespace DefectApi.Tabular.Features;

/// <summary>The fitted encoders of every input column, laid side by side into one float row per record.</summary>
internal sealed class FeaturePipeline
{
    private readonly int[] _offsets;

    // Arrays, not the list: scoring walks them per record and member, and Width may be computed.
    private readonly FeatureEncoder[] _encoders;
    private readonly int[] _widths;

    public FeaturePipeline(IReadOnlyList<FeatureEncoder> encoders)
    {
        Encoders = encoders;
        _encoders = [.. encoders];
        _widths = encoders.Select(e => e.Width).ToArray();
        _offsets = new int[encoders.Count];
        int width = 0;
        for (int i = 0; i < encoders.Count; i++)
        {
            _offsets[i] = width;
            width += encoders[i].Width;
        }
        Width = width;
    }

    public IReadOnlyList<FeatureEncoder> Encoders { get; }
    public int Width { get; }

    public IReadOnlyList<ModelInputInfo> Inputs =>
        Encoders.Select(e => new ModelInputInfo(e.Name, e.Type, e.Categories)).ToArray();

    /// <summary>Fits each used column on the training rows only; numeric columns get <paramref name="numericBins"/>
    /// piecewise-linear bins besides their scaled views, and with <paramref name="robustScaling"/> a robust, smoothly
    /// clipped first view instead of the z-score.</summary>
    public static FeaturePipeline Fit(TabularFrame frame, IReadOnlyList<int> columns, IReadOnlyList<int> trainRows, int numericBins = 0,
        bool robustScaling = false)
    {
        var encoders = new List<FeatureEncoder>(columns.Count);
        foreach (int c in columns)
        {
            var profile = frame.Columns[c];
            IEnumerable<CellValue> cells = trainRows.Select(r => frame.GetCell(r, c));
            encoders.Add(profile.Type switch
            {
                ColumnType.Numeric => NumericEncoder.Fit(profile.Name, cells.Select(AsNumber).ToArray(), numericBins, robustScaling),
                ColumnType.Boolean => BooleanEncoder.Fit(profile.Name, cells),
                ColumnType.Datetime => new DatetimeEncoder(profile.Name, DateOrderOf(cells)),
                // Identifier and constant columns reach here only when named in Features: a numeric one stays a number.
                _ when profile.Min is not null => NumericEncoder.Fit(profile.Name, cells.Select(AsNumber).ToArray()),
                _ => CategoricalEncoder.Fit(profile.Name, cells.Select(CategoricalEncoder.AsText)),
            });
        }
        return new FeaturePipeline(encoders);
    }

    private static double AsNumber(CellValue value) => value.Kind switch
    {
        CellKind.Number => value.Number,
        CellKind.Boolean => value.Boolean ? 1 : 0,
        _ => double.NaN,
    };

    internal static DateOrder DateOrderOf(IEnumerable<CellValue> cells)
    {
        int orders = DateTimeText.AllOrders;
        char separator = '\0';
        foreach (var cell in cells)
        {
            if (cell.Kind != CellKind.Text) continue;
            orders &= DateTimeText.OrdersParsing(cell.Text);
            if (separator == '\0') separator = DateTimeText.SeparatorOf(cell.Text);
        }
        return DateTimeText.Decide(orders, separator) ?? DateOrder.Iso;
    }

    /// <summary>Encodes the given frame rows into a rows × Width matrix (row-major).</summary>
    public float[] Transform(TabularFrame frame, IReadOnlyList<int> columns, IReadOnlyList<int> rows)
    {
        var output = new float[rows.Count * Width];
        for (int e = 0; e < Encoders.Count; e++)
        {
            var encoder = Encoders[e];
            int column = columns[e];
            for (int i = 0; i < rows.Count; i++)
                encoder.Encode(frame.GetCell(rows[i], column), output.AsSpan(i * Width + _offsets[e], encoder.Width), null);
        }
        return output;
    }

    /// <summary>Encodes one record whose cells are given in Encoders order.</summary>
    public void EncodeRecord(ReadOnlySpan<CellValue> cells, Span<float> output, ICollection<string>? warnings)
    {
        for (int e = 0; e < _encoders.Length; e++)
            _encoders[e].Encode(cells[e], output.Slice(_offsets[e], _widths[e]), warnings);
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(Encoders.Count);
        foreach (var encoder in Encoders) encoder.Write(writer);
    }

    public static FeaturePipeline Read(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count < 0 || count > 1_000_000) throw new InvalidDataException("Impossible input count.");
        var encoders = new FeatureEncoder[count];
        for (int i = 0; i < count; i++) encoders[i] = FeatureEncoder.Read(reader);
        return new FeaturePipeline(encoders);
    }
}
