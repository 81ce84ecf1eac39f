using System.Security.Cryptography;

namespace DefectApi.Tabular.Csv;

/// <summary>Replays the already-read sample, then the rest of the input, hashing (SHA-256) and counting every
/// byte that passes, so the file is read once.</summary>
internal sealed class HashingReadStream(byte[] sample, int sampleLength, Stream rest) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private int _samplePosition;
    private bool _restEnded;

    public long BytesRead { get; private set; }

    /// <summary>Reads whatever the parser left unread, then returns the lowercase hex digest.</summary>
    public async Task<string> FinishAsync(CancellationToken ct)
    {
        var buffer = new byte[81920];
        while (await ReadAsync(buffer, ct) > 0) { }
        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (TryReadSample(buffer.Span, out int n)) return n;
        if (_restEnded) return 0;
        n = await rest.ReadAsync(buffer, cancellationToken);
        if (n == 0) _restEnded = true;
        Account(buffer.Span[..n]);
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (TryReadSample(buffer, out int n)) return n;
        if (_restEnded) return 0;
        n = rest.Read(buffer);
        if (n == 0) _restEnded = true;
        Account(buffer[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private bool TryReadSample(Span<byte> buffer, out int n)
    {
        n = Math.Min(buffer.Length, sampleLength - _samplePosition);
        if (n <= 0) return false;
        sample.AsSpan(_samplePosition, n).CopyTo(buffer);
        _samplePosition += n;
        Account(buffer[..n]);
        return true;
    }

    private void Account(ReadOnlySpan<byte> bytes)
    {
        _hash.AppendData(bytes);
        BytesRead += bytes.Length;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _hash.Dispose();
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
