using System.Numerics;
using System.Runtime.InteropServices;

namespace DefectApi.Tabular.Neighbours;

/// <summary>
/// Exact nearest neighbours by brute force over stored rows: every query reads every row once, which for the rows a
/// neighbour component may hold (<see cref="NeighbourTraining.MaxRows"/>) costs about a millisecond per record, with no
/// index structure to build, tune or get wrong. Each row carries its target in the model's terms: 0/1 (binary), the
/// class index (multiclass) or the value in the target's unit (regression).
/// </summary>
internal sealed class NeighbourIndex
{
    /// <summary>The most neighbours a vote may read (the largest k the training chooses from).</summary>
    public const int MaxK = 50;

    /// <summary>Added to each distance before weighing by its inverse, so that a query equal to a stored row gives
    /// that row a large, finite weight (scikit-learn's "distance" weights give it all the weight).</summary>
    public const double Epsilon = 1e-6;

    private readonly float[] _rows;
    private readonly double[] _targets;

    /// <param name="rows">Count × width, row-major</param>
    /// <param name="targets">one per row, in the model's terms</param>
    /// <param name="outputs">1: a vote is the weighted mean of the targets (P(positive) or a value); above 1: the
    /// weighted share of each class</param>
    public NeighbourIndex(float[] rows, int width, double[] targets, int outputs)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        if (rows.Length != targets.Length * width) throw new ArgumentException("Rows and targets differ in count.", nameof(rows));
        if (outputs > 1 && targets.Any(t => t < 0 || t >= outputs || t != Math.Floor(t)))
            throw new ArgumentException("A class target is not a class index.", nameof(targets));
        _rows = rows;
        _targets = targets;
        Width = width;
        Outputs = outputs;
    }

    public int Count => _targets.Length;
    public int Width { get; }
    public int Outputs { get; }

    internal ReadOnlySpan<float> Rows => _rows;
    internal ReadOnlySpan<double> Targets => _targets;

    /// <summary>The nearest stored rows to <paramref name="query"/> by Euclidean distance, nearest first; of rows at
    /// equal distance the lower-numbered comes first (as ONNX TopK orders them). A row whose distance is not a number
    /// (a query that overflowed) is never a neighbour.</summary>
    /// <param name="nearest">receives up to its length row numbers</param>
    /// <param name="squaredDistances">receives their squared distances</param>
    /// <returns>how many neighbours were found: min(nearest.Length, Count) unless distances were NaN</returns>
    public int Search(ReadOnlySpan<float> query, Span<int> nearest, Span<float> squaredDistances)
    {
        if (query.Length != Width) throw new ArgumentException($"A query has {Width} values.", nameof(query));
        int k = Math.Min(Math.Min(nearest.Length, squaredDistances.Length), Count), found = 0;
        if (k == 0) return 0;
        var rows = _rows.AsSpan();
        for (int i = 0; i < Count; i++)
        {
            float d = SquaredDistance(query, rows.Slice(i * Width, Width));
            if (float.IsNaN(d) || found == k && !(d < squaredDistances[k - 1])) continue;
            // Insertion into the sorted list: strictly greater entries move down, so an equal one stays ahead.
            int at = found < k ? found++ : k - 1;
            while (at > 0 && squaredDistances[at - 1] > d)
            {
                squaredDistances[at] = squaredDistances[at - 1];
                nearest[at] = nearest[at - 1];
                at--;
            }
            squaredDistances[at] = d;
            nearest[at] = i;
        }
        return found;
    }

    /// <summary>The distance-weighted vote of the first <paramref name="k"/> neighbours that <see cref="Search"/>
    /// found: each weighs 1 / (distance + <see cref="Epsilon"/>). Writes Outputs values; NaN when there are none.</summary>
    public void Vote(ReadOnlySpan<int> nearest, ReadOnlySpan<float> squaredDistances, int k, Span<double> vote)
    {
        vote = vote[..Outputs];
        vote.Clear();
        double total = 0;
        for (int j = 0; j < k; j++)
        {
            double weight = 1.0 / (MathF.Sqrt(squaredDistances[j]) + Epsilon);
            total += weight;
            double target = _targets[nearest[j]];
            if (Outputs == 1) vote[0] += weight * target;
            else vote[(int)target] += weight;
        }
        for (int c = 0; c < vote.Length; c++) vote[c] /= total;
    }

    /// <summary>Σ (x − y)² in float, Vector&lt;float&gt; lanes then the remainder; <see cref="SquaredDistanceNaive"/>
    /// is its reference.</summary>
    public static float SquaredDistance(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        if (y.Length < x.Length) throw new ArgumentException("The second vector is shorter than the first.", nameof(y));
        int i = 0, lanes = Vector<float>.Count;
        var sum = Vector<float>.Zero;
        if (x.Length >= lanes)
        {
            var xs = MemoryMarshal.Cast<float, Vector<float>>(x);
            var ys = MemoryMarshal.Cast<float, Vector<float>>(y[..x.Length]);
            for (int v = 0; v < xs.Length; v++)
            {
                var d = xs[v] - ys[v];
                sum += d * d;
            }
            i = xs.Length * lanes;
        }
        float total = Vector.Sum(sum);
        for (; i < x.Length; i++)
        {
            float d = x[i] - y[i];
            total += d * d;
        }
        return total;
    }

    /// <summary>The plain loop, kept as the reference the vectorised distance is tested against.</summary>
    public static double SquaredDistanceNaive(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        double total = 0;
        for (int i = 0; i < x.Length; i++) total += ((double)x[i] - y[i]) * ((double)x[i] - y[i]);
        return total;
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(Count);
        writer.Write(Width);
        writer.Write(Outputs);
        foreach (float v in _rows) writer.Write(v);
        foreach (double t in _targets) writer.Write(t);
    }

    public static NeighbourIndex Read(BinaryReader reader)
    {
        int count = reader.ReadInt32(), width = reader.ReadInt32(), outputs = reader.ReadInt32();
        if (count < 1 || width < 1 || outputs < 1 || (long)count * width > 1 << 28)
            throw new InvalidDataException("The neighbour index holds an impossible size.");
        var rows = new float[count * width];
        for (int i = 0; i < rows.Length; i++) rows[i] = reader.ReadSingle();
        var targets = new double[count];
        for (int i = 0; i < count; i++) targets[i] = reader.ReadDouble();
        return new NeighbourIndex(rows, width, targets, outputs);
    }
}
