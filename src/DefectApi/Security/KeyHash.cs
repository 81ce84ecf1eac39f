using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace DefectApi.Security;

/// <summary>A key's SHA-256 as four words: a dictionary key that compares and hashes without allocating. Looking a
/// presented key up by its SHA-256 tells a timing observer nothing about any stored key: to steer the lookup they
/// would need keys whose hashes they chose, which SHA-256's preimage resistance rules out.</summary>
public readonly record struct KeyHash(ulong A, ulong B, ulong C, ulong D)
{
    const int StackLimit = 256;

    public static KeyHash From(ReadOnlySpan<byte> sha256) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(sha256),
        BinaryPrimitives.ReadUInt64LittleEndian(sha256[8..]),
        BinaryPrimitives.ReadUInt64LittleEndian(sha256[16..]),
        BinaryPrimitives.ReadUInt64LittleEndian(sha256[24..]));

    /// <summary>The 64 hex digits that configuration and the database hold.</summary>
    public static KeyHash FromHex(string hex)
    {
        Span<byte> bytes = stackalloc byte[32];
        Convert.FromHexString(hex, bytes, out _, out _);
        return From(bytes);
    }

    /// <summary>The SHA-256 of the key's UTF-8 bytes, on the stack for any key of ordinary length: this runs for every
    /// request.</summary>
    public static KeyHash Of(ReadOnlySpan<char> key)
    {
        Span<byte> hash = stackalloc byte[32];
        var most = Encoding.UTF8.GetMaxByteCount(key.Length);
        if (most <= StackLimit)
        {
            Span<byte> utf8 = stackalloc byte[StackLimit];
            SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(key, utf8)], hash);
            return From(hash);
        }
        var rented = ArrayPool<byte>.Shared.Rent(most);
        try
        {
            SHA256.HashData(rented.AsSpan(0, Encoding.UTF8.GetBytes(key, rented)), hash);
            return From(hash);
        }
        finally { ArrayPool<byte>.Shared.Return(rented); }
    }

    public static string HexOf(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
