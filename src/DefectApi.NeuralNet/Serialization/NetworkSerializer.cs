using System.Buffers.Binary;
using DefectApi.NeuralNet.Specs;

namespace DefectApi.NeuralNet.Serialization;

// Blob layout, all little-endian:
//   "DANN" magic | int32 format version | int32 inputs | float32 dropout | int32 layer count
//   | per layer: int32 units, int32 activation | int32 parameter count | float32 × count
//   | uint32 CRC-32 of every byte before it.
internal static class NetworkSerializer
{
    private static ReadOnlySpan<byte> Magic => "DANN"u8;
    public const int FormatVersion = 1;
    private const int MaxLayers = 4096;
    private const int MaxWidth = 1 << 24; // keeps the parameter count arithmetic far from overflow

    // p is the network's parameter array, in the layout its spec implies.
    public static byte[] Write(NetworkSpec spec, ReadOnlySpan<float> p)
    {
        int length = 4 + 4 + 4 + 4 + 4 + spec.Layers.Count * 8 + 4 + p.Length * 4 + 4;
        var blob = new byte[length];
        var s = blob.AsSpan();
        Magic.CopyTo(s);
        int o = 4;
        BinaryPrimitives.WriteInt32LittleEndian(s[o..], FormatVersion); o += 4;
        BinaryPrimitives.WriteInt32LittleEndian(s[o..], spec.Inputs); o += 4;
        BinaryPrimitives.WriteSingleLittleEndian(s[o..], spec.Dropout); o += 4;
        BinaryPrimitives.WriteInt32LittleEndian(s[o..], spec.Layers.Count); o += 4;
        foreach (var layer in spec.Layers)
        {
            BinaryPrimitives.WriteInt32LittleEndian(s[o..], layer.Units); o += 4;
            BinaryPrimitives.WriteInt32LittleEndian(s[o..], (int)layer.Activation); o += 4;
        }
        BinaryPrimitives.WriteInt32LittleEndian(s[o..], p.Length); o += 4;
        foreach (float v in p) { BinaryPrimitives.WriteSingleLittleEndian(s[o..], v); o += 4; }
        BinaryPrimitives.WriteUInt32LittleEndian(s[o..], Crc32.Compute(s[..o]));
        return blob;
    }

    // The spec is validated and the parameter count checked against it; the caller builds the network.
    public static (NetworkSpec Spec, float[] Parameters) Read(ReadOnlySpan<byte> blob)
    {
        const int fixedHeader = 20;
        if (blob.Length < 4 || !blob[..4].SequenceEqual(Magic)) throw Fail("it does not start with the network magic \"DANN\"");
        if (blob.Length < fixedHeader + 8) throw Fail($"the blob is {blob.Length} bytes, shorter than any network");
        int version = BinaryPrimitives.ReadInt32LittleEndian(blob[4..]);
        if (version != FormatVersion) throw Fail($"format version {version} is not supported (expected {FormatVersion})");
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(blob[^4..]);
        var body = blob[..^4];
        if (Crc32.Compute(body) != stored) throw Fail("the checksum does not match: the blob is corrupt or truncated");

        var reader = new Reader(body, 8);
        int inputs = reader.Int32();
        float dropout = reader.Single();
        if (inputs < 1 || inputs > MaxWidth) throw Fail($"input count {inputs} is out of range");
        int layerCount = reader.Int32();
        if (layerCount < 1 || layerCount > MaxLayers) throw Fail($"layer count {layerCount} is out of range");
        var layers = new LayerSpec[layerCount];
        for (int i = 0; i < layerCount; i++)
        {
            int units = reader.Int32();
            if (units < 1 || units > MaxWidth) throw Fail($"layer {i} has {units} units, out of range");
            int activation = reader.Int32();
            if (!Enum.IsDefined((Activation)activation)) throw Fail($"layer {i} has unknown activation {activation}");
            layers[i] = new LayerSpec(units, (Activation)activation);
        }
        var spec = new NetworkSpec(inputs, layers, dropout);
        try { spec.Validate(); }
        catch (ArgumentException e) { throw Fail($"the stored spec is invalid ({e.Message})"); }
        int count = reader.Int32();
        long expected = spec.CountParameters();
        if (count != expected) throw Fail($"it stores {count} parameters but its spec needs {expected}");
        if (reader.Remaining != (long)count * 4) throw Fail($"it has {reader.Remaining} parameter bytes, expected {(long)count * 4}");
        var parameters = new float[count];
        for (int i = 0; i < count; i++) parameters[i] = reader.Single();
        return (spec, parameters);
    }

    private static NetworkFormatException Fail(string why) => new($"Not a valid network blob: {why}.");

    private ref struct Reader(ReadOnlySpan<byte> data, int offset)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _offset = offset;
        public readonly int Remaining => _data.Length - _offset;

        public int Int32()
        {
            if (Remaining < 4) throw Fail("it ends in the middle of the header");
            int v = BinaryPrimitives.ReadInt32LittleEndian(_data[_offset..]);
            _offset += 4;
            return v;
        }

        public float Single() => BitConverter.Int32BitsToSingle(Int32());
    }
}

// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), table-driven.
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        return table;
    }

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }
}
