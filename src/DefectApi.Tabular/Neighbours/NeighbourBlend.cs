using DefectApi.Tabular.Features;

namespace DefectApi.Tabular.Neighbours;

/// <summary>Which of the encoded inputs the neighbour distance reads.</summary>
public enum NeighbourSpace
{
    /// <summary>Every input the networks read: each number's z-score, quantile-normal score, log and levels, the
    /// one-hot categories, booleans and dates.</summary>
    Encoded,

    /// <summary>Each number only as its quantile-normal score (heavy tails spread evenly, every column counted once);
    /// categories, booleans and dates as the networks read them.</summary>
    Quantiles,
}

/// <summary>
/// The neighbour component of a model: the answer is (1 − Weight) · the networks' average + Weight · the
/// distance-weighted vote of the K nearest training rows, both in the target's terms (probabilities for
/// classification, so a multiclass blend mixes probabilities; values for regression). K and Weight were chosen by
/// the training on out-of-fold predictions (<see cref="NeighbourTraining"/>).
/// </summary>
internal sealed class NeighbourBlend
{
    // Per-thread scratch: a record's vote allocates nothing once a thread has voted as wide.
    [ThreadStatic] private static float[]? _threadQuery;
    [ThreadStatic] private static float[]? _threadDistances;
    [ThreadStatic] private static int[]? _threadNearest;
    [ThreadStatic] private static double[]? _threadVote;

    /// <param name="columns">per neighbour-space input, its position in the encoded row (ascending)</param>
    public NeighbourBlend(NeighbourIndex index, int[] columns, int k, double weight)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Length != index.Width
            || columns.Any(c => c < 0)) throw new InvalidDataException("The neighbour columns do not match the index.");
        if (k < 1
            || k > NeighbourIndex.MaxK) throw new InvalidDataException($"A neighbour count of {k} is outside 1 to {NeighbourIndex.MaxK}.");
        if (!(weight > 0 && weight <= 1)) throw new InvalidDataException($"A neighbour weight of {weight} is outside (0, 1].");
        Index = index;
        Columns = columns;
        K = k;
        Weight = weight;
    }

    public NeighbourIndex Index { get; }
    public int[] Columns { get; }
    public int K { get; }
    public double Weight { get; }

    /// <summary>The encoded positions the distance reads in <paramref name="space"/>.</summary>
    public static int[] ColumnsOf(FeaturePipeline pipeline, NeighbourSpace space)
    {
        var columns = new List<int>(pipeline.Width);
        int offset = 0;
        foreach (var encoder in pipeline.Encoders)
        {
            // A NumericEncoder writes its z-score first and its quantile-normal score second.
            if (space == NeighbourSpace.Quantiles && encoder is NumericEncoder) columns.Add(offset + 1);
            else columns.AddRange(Enumerable.Range(offset, encoder.Width));
            offset += encoder.Width;
        }
        return [.. columns];
    }

    /// <summary>Copies the neighbour-space values of one encoded row.</summary>
    public void Project(ReadOnlySpan<float> encoded, Span<float> query)
    {
        for (int i = 0; i < Columns.Length; i++) query[i] = encoded[Columns[i]];
    }

    /// <summary>Blends the vote into the networks' outputs for rows already encoded.</summary>
    /// <param name="features">rows × <paramref name="width"/> encoded inputs</param>
    /// <param name="outputs">rows × Index.Outputs: the networks' average in, the model's answer out</param>
    public void BlendInto(ReadOnlySpan<float> features, int width, int rows, Span<double> outputs)
    {
        var query = Scratch(ref _threadQuery, Index.Width);
        var distances = Scratch(ref _threadDistances, K);
        var nearest = Scratch(ref _threadNearest, K);
        var vote = Scratch(ref _threadVote, Index.Outputs);
        int classes = Index.Outputs;
        for (int r = 0; r < rows; r++)
        {
            Project(features.Slice(r * width, width), query);
            int found = Index.Search(query, nearest, distances);
            Index.Vote(nearest, distances, found, vote);
            var output = outputs.Slice(r * classes, classes);
            for (int c = 0; c < classes; c++) output[c] = (1 - Weight) * output[c] + Weight * vote[c];
        }
    }

    private static Span<T> Scratch<T>(ref T[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length) buffer = new T[length];
        return buffer.AsSpan(0, length);
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(K);
        writer.Write(Weight);
        writer.Write(Columns.Length);
        foreach (int c in Columns) writer.Write(c);
        Index.Write(writer);
    }

    /// <param name="width">the encoded row's width, which every column must fall inside</param>
    public static NeighbourBlend Read(BinaryReader reader, int width)
    {
        int k = reader.ReadInt32();
        double weight = reader.ReadDouble();
        int count = reader.ReadInt32();
        if (count < 1 || count > width) throw new InvalidDataException("The neighbour component holds an impossible column count.");
        var columns = new int[count];
        for (int i = 0; i < count; i++)
            if ((columns[i] = reader.ReadInt32()) is < 0 || columns[i] >= width)
                throw new InvalidDataException("A neighbour column lies outside the encoded inputs.");
        return new NeighbourBlend(NeighbourIndex.Read(reader), columns, k, weight);
    }
}
