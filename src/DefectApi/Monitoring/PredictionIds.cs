using System.Buffers.Binary;

namespace DefectApi.Monitoring;

/// <summary>Prediction ids are version 7 UUIDs (RFC 9562 §5.7): the first 48 bits are the Unix time in milliseconds.
/// Stored in RFC byte order they sort by time, so one index serves lookups by id and ranges by time.</summary>
public static class PredictionIds
{
    public static byte[] ToBytes(Guid id) => id.ToByteArray(bigEndian: true);

    public static Guid FromBytes(ReadOnlySpan<byte> bytes) => new(bytes, bigEndian: true);

    /// <summary>The Unix milliseconds a v7 id was made at.</summary>
    public static long UnixMilliseconds(ReadOnlySpan<byte> id) =>
        (long)(BinaryPrimitives.ReadUInt64BigEndian(id) >> 16);

    public static DateTime Time(ReadOnlySpan<byte> id) => DateTime.UnixEpoch.AddMilliseconds(UnixMilliseconds(id));

    /// <summary>Whole hours since the epoch: the rollups' bucket of an answer.</summary>
    public static long Hour(ReadOnlySpan<byte> id) => UnixMilliseconds(id) / 3_600_000;

    public static long HourOf(DateTime utc) => (long)Math.Floor((utc - DateTime.UnixEpoch).TotalHours);

    public static DateTime HourStart(long hour) => DateTime.UnixEpoch.AddHours(hour);

    /// <summary>The smallest id made at or after <paramref name="utc"/>: a range bound on the key.</summary>
    public static byte[] LowerBound(DateTime utc)
    {
        var bytes = new byte[16];
        long ms = Math.Max(0, (long)Math.Ceiling((utc - DateTime.UnixEpoch).TotalMilliseconds));
        BinaryPrimitives.WriteUInt64BigEndian(bytes, (ulong)ms << 16);
        return bytes;
    }
}

/// <summary>The index of declared key columns: each value is kept as a 64-bit FNV-1a hash of deployment, column and
/// value, so that a serial costs an integer in the log row whatever its length, and hashing it costs the writer no
/// allocation. A lookup reads the logged line back and compares the value itself, so a collision never joins the
/// wrong part; it only costs a second look.</summary>
public static class PredictionKeys
{
    /// <summary>Declared key columns a deployment may have: each is a column (and an index) of the log.</summary>
    public const int MaxColumns = 3;

    const ulong Offset = 14695981039346656037, Prime = 1099511628211;

    public static long Hash(string deployment, string column, string value)
    {
        ulong hash = Offset;
        hash = Add(hash, deployment);
        hash = Add(hash, column);
        hash = Add(hash, value);
        return (long)hash;
    }

    /// <summary>FNV-1a over the text's UTF-16 code units, then a separator no text holds.</summary>
    static ulong Add(ulong hash, string text)
    {
        foreach (char c in text)
        {
            hash = (hash ^ (byte)c) * Prime;
            hash = (hash ^ (byte)(c >> 8)) * Prime;
        }
        return (hash ^ 0x1F) * Prime;
    }
}
