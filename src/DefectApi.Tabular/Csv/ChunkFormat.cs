using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace DefectApi.Tabular.Csv;

/// <summary>
/// The stored chunk: little-endian, column-major so a column decodes with one block copy.
/// <code>
/// "DTC1" | int32 rows | int32 columns | per column:
///   byte 0 (numeric) | rows × float64 (NaN = missing)
///   byte 1 (text)    | int32 entries | entries × (int32 byteLength, UTF-8) | byte codeWidth (1, 2, 4) | rows × code
///                      (code 0 = missing, k = entry k-1)
///   byte 2 (text, decimal comma) | as byte 1; numbers among the entries are spelled with ',' as decimal separator
/// </code>
/// A numeric column may hold text blocks (a chunk with a rare "#VALUE!"); its numbers are read back from their
/// spelling, which is why a text block says which decimal separator the file used.
/// </summary>
internal static class ChunkFormat
{
    public const uint Magic = 0x31435444; // "DTC1"
    public const byte NumericBlock = 0, TextBlock = 1, DecimalCommaTextBlock = 2;
    public const int HeaderBytes = 12;

    public static int CodeWidth(int entries) => entries < byte.MaxValue ? 1 : entries < ushort.MaxValue ? 2 : 4;

    public static InvalidDataException Corrupt(string what) => new($"The stored chunk is corrupt: {what}.");
}

/// <summary>Appends little-endian values to a growing buffer.</summary>
internal sealed class ChunkWriter(int capacity)
{
    private byte[] _buffer = new byte[Math.Max(capacity, 64)];
    private int _length;

    public void WriteByte(byte value) => Reserve(1)[0] = value;
    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), value);

    public void WriteDoubles(ReadOnlySpan<double> values) => MemoryMarshal.AsBytes(values).CopyTo(Reserve(values.Length * 8));

    public void WriteString(string value)
    {
        int bytes = Encoding.UTF8.GetByteCount(value);
        WriteInt32(bytes);
        Encoding.UTF8.GetBytes(value, Reserve(bytes));
    }

    public void WriteCodes(ReadOnlySpan<int> codes, int width)
    {
        var target = Reserve(codes.Length * width);
        for (int i = 0; i < codes.Length; i++)
        {
            switch (width)
            {
                case 1: target[i] = (byte)codes[i]; break;
                case 2: BinaryPrimitives.WriteUInt16LittleEndian(target[(i * 2)..], (ushort)codes[i]); break;
                default: BinaryPrimitives.WriteInt32LittleEndian(target[(i * 4)..], codes[i]); break;
            }
        }
    }

    public byte[] ToArray() => _length == _buffer.Length ? _buffer : _buffer.AsSpan(0, _length).ToArray();

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}

/// <summary>Reads a chunk written by <see cref="ChunkWriter"/>, checking every length against the blob.</summary>
internal ref struct ChunkCursor(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public byte ReadByte() => Take(1)[0];
    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public void ReadDoubles(Span<double> target) => Take(target.Length * 8).CopyTo(MemoryMarshal.AsBytes(target));

    public string ReadString()
    {
        int length = ReadInt32();
        if (length < 0) throw ChunkFormat.Corrupt("negative string length");
        return Encoding.UTF8.GetString(Take(length));
    }

    public void ReadCodes(Span<int> target, int width, int entries)
    {
        var source = Take(target.Length * width);
        for (int i = 0; i < target.Length; i++)
        {
            int code = width switch
            {
                1 => source[i],
                2 => BinaryPrimitives.ReadUInt16LittleEndian(source[(i * 2)..]),
                _ => BinaryPrimitives.ReadInt32LittleEndian(source[(i * 4)..]),
            };
            if ((uint)code > (uint)entries) throw ChunkFormat.Corrupt("a text code outside its dictionary");
            target[i] = code;
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || _position + count > _data.Length) throw ChunkFormat.Corrupt("it ends early");
        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }
}
