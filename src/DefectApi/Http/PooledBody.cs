using System.Buffers;

namespace DefectApi.Http;

/// <summary>A request body read whole into a pooled buffer (returned on dispose): for bodies parsed in one pass, so a
/// request allocates no buffer of its own.</summary>
public sealed class PooledBody : IDisposable
{
    byte[] _buffer;
    int _length;

    PooledBody(int capacity) => _buffer = ArrayPool<byte>.Shared.Rent(capacity);

    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, _length);

    public static async Task<PooledBody> ReadAsync(Stream body, long? declaredLength, CancellationToken ct)
    {
        var pooled = new PooledBody((int)Math.Clamp(declaredLength ?? 4096, 256, 1 << 20));
        try
        {
            while (true)
            {
                if (pooled._length == pooled._buffer.Length) pooled.Grow();
                int read = await body.ReadAsync(pooled._buffer.AsMemory(pooled._length), ct);
                if (read == 0) return pooled;
                pooled._length += read;
            }
        }
        catch
        {
            pooled.Dispose();
            throw;
        }
    }

    void Grow()
    {
        var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }

    public void Dispose()
    {
        if (_buffer.Length == 0) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
