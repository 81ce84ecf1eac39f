namespace DefectApi.Tabular.Monitoring;

/// <summary>Reads and writes counts as variable-length numbers (7 bits a byte, as <see cref="BinaryWriter"/> does),
/// so the small counts of an hour take a byte or two each. Counts that may fall below zero (an outcome taken back
/// before the one it replaces was added) are zigzag-coded first, so small negatives stay short too (the mapping of
/// protocol buffers' sint64: https://protobuf.dev/programming-guides/encoding/#signed-ints).</summary>
internal static class CompactCounts
{
    public static void WriteSigned(BinaryWriter writer, long value) => writer.Write7BitEncodedInt64((value << 1) ^ (value >> 63));

    public static long ReadSigned(BinaryReader reader)
    {
        ulong zigzag = (ulong)reader.Read7BitEncodedInt64();
        return (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
    }

    public static long ReadNonNegative(BinaryReader reader)
    {
        long value = reader.Read7BitEncodedInt64();
        return value >= 0 ? value : throw new InvalidDataException("A stored count is negative.");
    }

    /// <summary>The length of a list that follows; every item takes at least a byte, so a length beyond the bytes left
    /// is damage, refused before anything is allocated for it.</summary>
    public static int ReadLength(BinaryReader reader)
    {
        int length = reader.Read7BitEncodedInt();
        var stream = reader.BaseStream;
        if (length < 0
            || length > stream.Length - stream.Position) throw new InvalidDataException("A stored length runs past the end of the data.");
        return length;
    }
}
