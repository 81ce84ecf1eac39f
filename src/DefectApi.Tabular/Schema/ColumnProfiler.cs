using System.Globalization;

namespace DefectApi.Tabular.Schema;

/// <summary>Streaming profile of one column: counts, Welford mean/variance, exact distinct values up to a cap
/// (then a HyperLogLog estimate), top values, and the evidence for its type.</summary>
internal sealed class ColumnProfiler(string name)
{
    public const int ExactDistinctCap = 10_000;
    private const int TopValueCount = 10;
    private const int MinRowsForIdentifier = 50;
    private const double IdentifierDistinctShare = 0.95;

    private readonly NumberCounter _numbers = new();
    private readonly Dictionary<string, long> _texts = new(StringComparer.Ordinal);
    private HyperLogLog? _overflow;

    private long _missing, _numericCount, _textCount;
    private RunningMoments _moments = new();
    private double _min = double.PositiveInfinity, _max = double.NegativeInfinity;
    private bool _allIntegers = true, _consecutive = true;
    private double _previous = double.NaN;
    private int _booleanPairs = BooleanText.AllPairs, _dateOrders = DateTimeText.AllOrders;
    private char _dateSeparator = '\0';

    public string Name { get; } = name;
    public DateOrder? DateOrder { get; private set; }

    public void AddMissing()
    {
        _missing++;
        _consecutive = false;
    }

    public void AddNumber(double value)
    {
        _numericCount++;
        _moments.Add(value);
        if (value < _min) _min = value;
        if (value > _max) _max = value;
        if (value != Math.Floor(value)) _allIntegers = false;
        if (_numericCount > 1 && value != _previous + 1) _consecutive = false;
        _previous = value;

        if (!_numbers.TryIncrement(value, ExactDistinctCap - _texts.Count)) Overflowed(HyperLogLog.Hash(value));
    }

    public void AddText(ReadOnlySpan<char> text)
    {
        _textCount++;
        _consecutive = false;
        if (_booleanPairs != 0) _booleanPairs &= BooleanText.PairsContaining(text);
        if (_dateOrders != 0)
        {
            _dateOrders &= DateTimeText.OrdersParsing(text);
            if (_dateSeparator == '\0' && _dateOrders != 0) _dateSeparator = DateTimeText.SeparatorOf(text);
        }

        var lookup = _texts.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(text, out long count)) lookup[text] = count + 1;
        else if (!Overflowed(HyperLogLog.Hash(text))) _texts[text.ToString()] = 1;
    }

    /// <summary>True once the exact tables are full; the value then only feeds the estimate.</summary>
    private bool Overflowed(ulong hash)
    {
        if (_overflow is null && _numbers.Count + _texts.Count < ExactDistinctCap) return false;
        if (_overflow is null)
        {
            _overflow = new HyperLogLog();
            foreach (var (n, _) in _numbers.Entries()) _overflow.Add(HyperLogLog.Hash(n));
            foreach (var t in _texts.Keys) _overflow.Add(HyperLogLog.Hash(t));
        }
        _overflow.Add(hash);
        return true;
    }

    public ColumnProfile Finish()
    {
        // At most 1 % text among numbers (an Excel "#VALUE!" among 500 readings) is a gap in a measurement, not
        // evidence that the column is categorical: those cells count as missing, and the profile says which.
        bool textIsMissing = _numericCount > 0 && _textCount > 0 && _textCount * 100 <= _numericCount + _textCount;
        long texts = textIsMissing ? 0 : _textCount, missing = _missing + (textIsMissing ? _textCount : 0);
        long exact = _numbers.Count + (textIsMissing ? 0 : _texts.Count);
        long distinct = _overflow is null ? exact : Math.Max(exact, _overflow.Estimate());
        var type = DecideType(distinct, texts, missing);
        bool numeric = _numericCount > 0 && texts == 0;
        return new ColumnProfile(Name, type, missing, distinct,
            numeric ? _min : null, numeric ? _max : null, numeric ? _moments.Mean : null, numeric ? _moments.SampleStd : null,
            Top(textIsMissing ? NumberCounts() : NumberCounts().Concat(TextCounts())),
            textIsMissing ? new TextTreatedAsMissing(_textCount, Top(TextCounts())) : null);
    }

    private ColumnType DecideType(long distinct, long texts, long missing)
    {
        long present = _numericCount + texts;
        if (distinct <= 1) return ColumnType.Constant;
        if (texts == 0)
            return LooksLikeRowIndex(distinct, missing) ? ColumnType.Identifier : ColumnType.Numeric;
        if (_numericCount == 0 && _booleanPairs != 0 && distinct == 2) return ColumnType.Boolean;
        if (_numericCount == 0 && _dateOrders != 0)
        {
            DateOrder = DateTimeText.Decide(_dateOrders, _dateSeparator);
            if (DateOrder is not null) return ColumnType.Datetime;
        }
        if (present > MinRowsForIdentifier && distinct >= IdentifierDistinctShare * present) return ColumnType.Identifier;
        return ColumnType.Categorical;
    }

    /// <summary>An integer column holding each of min..max exactly once (like UDI = 1..n) numbers rows, not measures.</summary>
    private bool LooksLikeRowIndex(long distinct, long missing)
    {
        if (missing > 0 || !_allIntegers || _numericCount <= MinRowsForIdentifier) return false;
        if (_max - _min + 1 != _numericCount) return false;
        return _consecutive || (_overflow is null && distinct == _numericCount);
    }

    private IEnumerable<ValueCount> NumberCounts() =>
        _numbers.Entries().Select(e => new ValueCount(e.Value.ToString("R", CultureInfo.InvariantCulture), e.Count));

    private IEnumerable<ValueCount> TextCounts() => _texts.Select(kv => new ValueCount(kv.Key, kv.Value));

    private static List<ValueCount> Top(IEnumerable<ValueCount> values) =>
        values.OrderByDescending(v => v.Count).ThenBy(v => v.Value, StringComparer.Ordinal).Take(TopValueCount).ToList();
}
