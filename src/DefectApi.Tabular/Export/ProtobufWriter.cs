using System.Buffers.Binary;
using System.Text;

namespace DefectApi.Tabular.Export;

/// <summary>
/// The protocol buffers wire format (protobuf.dev, "Encoding"): each field is a tag, (field number &lt;&lt; 3) | wire
/// type, then its value: a varint (wire type 0), a length and that many bytes (2) or 4 little-endian bytes (5).
/// Embedded messages, strings, bytes and packed repeated numbers are all length-delimited. Only what the ONNX
/// messages need is here.
/// </summary>
internal sealed class ProtobufWriter
{
    private const int Varint = 0, LengthDelimited = 2, Fixed32 = 5;
    private readonly MemoryStream _buffer = new();

    public byte[] ToArray() => _buffer.ToArray();

    private void WriteVarint(ulong value)
    {
        // Seven bits a byte, least significant group first; the high bit says another byte follows.
        while (value >= 0x80)
        {
            _buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _buffer.WriteByte((byte)value);
    }

    private void WriteTag(int field, int wireType) => WriteVarint((ulong)((uint)field << 3 | (uint)wireType));

    /// <summary>int32, int64 and enum fields: negative numbers take ten bytes (two's complement as a 64-bit varint).</summary>
    public void WriteInt64(int field, long value)
    {
        WriteTag(field, Varint);
        WriteVarint((ulong)value);
    }

    /// <summary>A float field: wire type 5, the four little-endian bytes of the IEEE 754 single.</summary>
    public void WriteFloat(int field, float value)
    {
        WriteTag(field, Fixed32);
        Span<byte> bytes = stackalloc byte[sizeof(float)];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        _buffer.Write(bytes);
    }

    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, LengthDelimited);
        WriteVarint((ulong)value.Length);
        _buffer.Write(value);
    }

    public void WriteString(int field, string value) => WriteBytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>An embedded message: written apart first, since its length comes before it.</summary>
    public void WriteMessage(int field, Action<ProtobufWriter> writeBody)
    {
        var body = new ProtobufWriter();
        writeBody(body);
        WriteBytes(field, body._buffer.GetBuffer().AsSpan(0, (int)body._buffer.Length));
    }

    /// <summary>A packed repeated float field: the little-endian IEEE 754 singles, one after another.</summary>
    public void WritePackedFloats(int field, IReadOnlyList<float> values)
    {
        var bytes = new byte[values.Count * sizeof(float)];
        for (int i = 0; i < values.Count; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        WriteBytes(field, bytes);
    }

    public void WritePackedDoubles(int field, IReadOnlyList<double> values)
    {
        var bytes = new byte[values.Count * sizeof(double)];
        for (int i = 0; i < values.Count; i++) BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * sizeof(double)), values[i]);
        WriteBytes(field, bytes);
    }

    /// <summary>A packed repeated int64 field: the varints, one after another.</summary>
    public void WritePackedInt64s(int field, IReadOnlyList<long> values)
    {
        var body = new ProtobufWriter();
        foreach (long value in values) body.WriteVarint((ulong)value);
        WriteBytes(field, body._buffer.GetBuffer().AsSpan(0, (int)body._buffer.Length));
    }
}
