using System.Numerics;

namespace DefectApi.Tabular.Schema;

/// <summary>Pearson correlation between every pair of numeric columns, from sums over the rows where both have a
/// number. The first chunk decides which columns take part (those stored as numbers there, up to a cap); a chunk
/// where neither column of a pair has a gap takes a vectorised dot product, others a row-by-row loop. Values are
/// shifted by each column's first number so that the sums do not cancel for columns far from zero.
/// <para>After the first <see cref="ScreenRows"/> rows only the pairs that correlate by at least
/// <see cref="ScreenBound"/> so far are followed: the sought pairs (|r| ≥ 0.999) are near-copies whose every stretch of
/// rows correlates about as well, and the work per row, which grows with the square of the columns, falls to nearly
/// nothing for the rest of a large upload.</para></summary>
internal sealed class PairwiseCorrelation(int columns, int maxColumns)
{
    readonly List<int> _tracked = [];
    readonly int[] _slot = Enumerable.Repeat(-1, columns).ToArray();
    readonly double[] _shift = new double[columns];
    bool _decided;
    double[][] _values = [];
    bool[] _hasGap = [];
    int _rows;
    long[] _n = [];
    double[] _sx = [], _sy = [], _sxx = [], _syy = [], _sxy = [];
    long _rowsSeen;
    bool _screened;
    bool[] _followed = [];
    bool[] _columnFollowed = [];

    internal const int ScreenRows = 65_536;
    internal const double ScreenBound = 0.99;

    /// <summary>Numeric columns beyond the cap, left out of the comparison.</summary>
    public int Skipped { get; private set; }

    public void BeginChunk(int rows) => _rows = rows;

    public void AddColumn(int column, ReadOnlySpan<double> numbers, bool storedAsNumbers)
    {
        if (!_decided)
        {
            if (!storedAsNumbers) return;
            if (_tracked.Count >= maxColumns) { Skipped++; return; }
            _slot[column] = _tracked.Count;
            _tracked.Add(column);
            _shift[column] = FirstFinite(numbers);
        }
        int slot = _slot[column];
        if (slot < 0 || (_screened && !_columnFollowed[slot])) return;
        if (_values.Length <= slot) Array.Resize(ref _values, slot + 1);
        if (_hasGap.Length <= slot) Array.Resize(ref _hasGap, slot + 1);
        if (_values[slot] is null || _values[slot].Length < numbers.Length) _values[slot] = new double[numbers.Length];
        var target = _values[slot];
        bool gap = false;
        double shift = double.IsNaN(_shift[column]) ? (_shift[column] = FirstFinite(numbers)) : _shift[column];
        for (int r = 0; r < numbers.Length; r++)
        {
            double v = numbers[r];
            gap |= !double.IsFinite(v);
            target[r] = v - (double.IsNaN(shift) ? 0 : shift);
        }
        _hasGap[slot] = gap;
    }

    public void EndChunk()
    {
        if (!_decided)
        {
            _decided = true;
            int pairs = _tracked.Count * _tracked.Count;
            _n = new long[pairs];
            _sx = new double[pairs]; _sy = new double[pairs]; _sxx = new double[pairs]; _syy = new double[pairs]; _sxy = new double[pairs];
            _followed = Enumerable.Repeat(true, pairs).ToArray();
            _columnFollowed = Enumerable.Repeat(true, _tracked.Count).ToArray();
        }
        int k = _tracked.Count;
        var sum = new double[k];
        var squares = new double[k];
        for (int a = 0; a < k; a++)
            if (_columnFollowed[a] && !_hasGap[a]) (sum[a], squares[a]) = (Sum(_values[a].AsSpan(0, _rows)),
                Dot(_values[a], _values[a], _rows));
        var products = GapFreeProducts(k);
        for (int a = 0; a < k; a++)
            for (int b = a + 1; b < k; b++)
            {
                int p = a * k + b;
                if (!_followed[p]) continue;
                if (!_hasGap[a] && !_hasGap[b])
                {
                    _n[p] += _rows;
                    _sx[p] += sum[a]; _sy[p] += sum[b]; _sxx[p] += squares[a]; _syy[p] += squares[b];
                    _sxy[p] += products[p];
                }
                else
                {
                    AddWithGaps(p, _values[a], _values[b]);
                }
            }
        _rowsSeen += _rows;
        if (!_screened && _rowsSeen >= ScreenRows) Screen(k);
    }

    /// <summary>Stops following the pairs that correlate by less than <see cref="ScreenBound"/> so far (a pair whose
    /// correlation is not defined yet, a column constant until now, stays).</summary>
    void Screen(int k)
    {
        _screened = true;
        Array.Fill(_columnFollowed, false);
        for (int a = 0; a < k; a++)
            for (int b = a + 1; b < k; b++)
            {
                int p = a * k + b;
                _followed[p] = Correlation(p) is not { } r || Math.Abs(r) >= ScreenBound;
                if (_followed[p]) _columnFollowed[a] = _columnFollowed[b] = true;
            }
    }

    /// <summary>Rows per tile: a tile of every tracked column stays in the core's L2 cache while all its pairs are
    /// multiplied (100 columns × 256 rows × 8 bytes = 200 KB), where whole 8,192-row chunks would be re-read from L3
    /// for every pair.</summary>
    const int TileRows = 256;

    /// <summary>Σ x·y over this chunk for every pair of gap-free columns (index a·k + b), a tile of rows at a time, four
    /// partner columns per pass so that four independent sums hide the multiply-add latency and x is loaded once.</summary>
    double[] GapFreeProducts(int k)
    {
        var products = new double[k * k];
        var clean = Enumerable.Range(0, k).Where(a => _columnFollowed[a] && !_hasGap[a]).ToArray();
        var partnersOf = clean.Select((a, i) => clean.Skip(i + 1).Where(b => _followed[a * k + b]).ToArray()).ToArray();
        for (int start = 0; start < _rows; start += TileRows)
        {
            int length = Math.Min(TileRows, _rows - start);
            for (int i = 0; i < clean.Length; i++)
            {
                int a = clean[i], j = 0;
                var partners = partnersOf[i];
                var x = _values[a].AsSpan(start, length);
                for (; j + 4 <= partners.Length; j += 4)
                {
                    var (p0, p1, p2, p3) = Dot4(x, _values[partners[j]].AsSpan(start, length),
                        _values[partners[j + 1]].AsSpan(start, length),
                        _values[partners[j + 2]].AsSpan(start, length), _values[partners[j + 3]].AsSpan(start, length));
                    products[a * k + partners[j]] += p0;
                    products[a * k + partners[j + 1]] += p1;
                    products[a * k + partners[j + 2]] += p2;
                    products[a * k + partners[j + 3]] += p3;
                }
                for (; j < partners.Length; j++) products[a * k + partners[j]] += Dot(x, _values[partners[j]].AsSpan(start, length));
            }
        }
        return products;
    }

    /// <summary>Pairs (first column, second column, r) with |r| at or above the bound, in column order.</summary>
    public IEnumerable<(int A, int B, double R)> Pairs(double bound)
    {
        int k = _tracked.Count;
        for (int a = 0; a < k; a++)
            for (int b = a + 1; b < k; b++)
                if (_followed[a * k + b] && Correlation(a * k + b) is { } r && Math.Abs(r) >= bound)
                    yield return (_tracked[a], _tracked[b], Math.Clamp(r, -1, 1));
    }

    /// <summary>The pair's correlation over the rows summed so far; null while fewer than 3 rows or a constant side.</summary>
    double? Correlation(int p)
    {
        double n = _n[p];
        if (n < 3) return null;
        double vx = n * _sxx[p] - _sx[p] * _sx[p], vy = n * _syy[p] - _sy[p] * _sy[p];
        if (!(vx > 0 && vy > 0)) return null;
        return (n * _sxy[p] - _sx[p] * _sy[p]) / Math.Sqrt(vx * vy);
    }

    void AddWithGaps(int p, double[] x, double[] y)
    {
        long n = 0;
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (int r = 0; r < _rows; r++)
        {
            double a = x[r], b = y[r];
            if (!double.IsFinite(a) || !double.IsFinite(b)) continue;
            n++; sx += a; sy += b; sxx += a * a; syy += b * b; sxy += a * b;
        }
        _n[p] += n; _sx[p] += sx; _sy[p] += sy; _sxx[p] += sxx; _syy[p] += syy; _sxy[p] += sxy;
    }

    static double FirstFinite(ReadOnlySpan<double> numbers)
    {
        foreach (var v in numbers) if (double.IsFinite(v)) return v;
        return double.NaN;
    }

    static double Sum(ReadOnlySpan<double> values)
    {
        double total = 0;
        foreach (var v in values) total += v;
        return total;
    }

    static double Dot(double[] x, double[] y, int rows) => Dot(x.AsSpan(0, rows), y.AsSpan(0, rows));

    static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var acc = Vector<double>.Zero;
        int width = Vector<double>.Count, r = 0;
        for (; r <= x.Length - width; r += width) acc += new Vector<double>(x[r..]) * new Vector<double>(y[r..]);
        double total = Vector.Sum(acc);
        for (; r < x.Length; r++) total += x[r] * y[r];
        return total;
    }

    static (double, double, double, double) Dot4(ReadOnlySpan<double> x, ReadOnlySpan<double> y0, ReadOnlySpan<double> y1,
        ReadOnlySpan<double> y2, ReadOnlySpan<double> y3)
    {
        Vector<double> a0 = Vector<double>.Zero, a1 = a0, a2 = a0, a3 = a0;
        int width = Vector<double>.Count, r = 0;
        for (; r <= x.Length - width; r += width)
        {
            var v = new Vector<double>(x[r..]);
            a0 += v * new Vector<double>(y0[r..]);
            a1 += v * new Vector<double>(y1[r..]);
            a2 += v * new Vector<double>(y2[r..]);
            a3 += v * new Vector<double>(y3[r..]);
        }
        double t0 = Vector.Sum(a0), t1 = Vector.Sum(a1), t2 = Vector.Sum(a2), t3 = Vector.Sum(a3);
        for (; r < x.Length; r++) { t0 += x[r] * y0[r]; t1 += x[r] * y1[r]; t2 += x[r] * y2[r]; t3 += x[r] * y3[r]; }
        return (t0, t1, t2, t3);
    }
}
