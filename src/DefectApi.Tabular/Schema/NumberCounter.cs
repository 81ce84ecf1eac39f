using System.Numerics;

namespace DefectApi.Tabular.Schema;

/// <summary>Counts occurrences of doubles in an open-addressing table (linear probing on the bit pattern); the
/// profiler calls it once per numeric cell, so it avoids Dictionary's comparer and bucket indirection.</summary>
internal sealed class NumberCounter
{
    private const long Empty = unchecked((long)0xFFF8_DEAD_BEEF_0001UL);  // a NaN payload that parsing never yields
    private long[] _keys = NewKeys(64);
    private long[] _counts = new long[64];

    public int Count { get; private set; }

    /// <summary>Adds one occurrence when the value is known or there is room; false when it would be new and
    /// the table already holds <paramref name="capacityLimit"/> values.</summary>
    public bool TryIncrement(double value, int capacityLimit)
    {
        long key = BitConverter.DoubleToInt64Bits(value == 0 ? 0.0 : value);  // -0 and 0 are one value
        int mask = _keys.Length - 1;
        int slot = Slot(key, mask);
        while (true)
        {
            long current = _keys[slot];
            if (current == key) { _counts[slot]++; return true; }
            if (current == Empty) break;
            slot = (slot + 1) & mask;
        }
        if (Count >= capacityLimit) return false;
        _keys[slot] = key;
        _counts[slot] = 1;
        if (++Count * 2 > _keys.Length) Grow();
        return true;
    }

    public IEnumerable<(double Value, long Count)> Entries()
    {
        for (int i = 0; i < _keys.Length; i++)
            if (_keys[i] != Empty) yield return (BitConverter.Int64BitsToDouble(_keys[i]), _counts[i]);
    }

    private static int Slot(long key, int mask) => (int)((ulong)(key * unchecked((long)0x9E3779B97F4A7C15UL)) >> 40) & mask;

    private static long[] NewKeys(int size)
    {
        var keys = new long[size];
        Array.Fill(keys, Empty);
        return keys;
    }

    private void Grow()
    {
        var (oldKeys, oldCounts) = (_keys, _counts);
        _keys = NewKeys(oldKeys.Length * 2);
        _counts = new long[oldKeys.Length * 2];
        int mask = _keys.Length - 1;
        for (int i = 0; i < oldKeys.Length; i++)
        {
            if (oldKeys[i] == Empty) continue;
            int slot = Slot(oldKeys[i], mask);
            while (_keys[slot] != Empty) slot = (slot + 1) & mask;
            _keys[slot] = oldKeys[i];
            _counts[slot] = oldCounts[i];
        }
    }
}
