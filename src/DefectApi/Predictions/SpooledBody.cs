namespace DefectApi.Predictions;

/// <summary>Drains a request body into a temporary file as fast as the client sends it, while a reader consumes the
/// same bytes from the file at its own pace.
/// Why: most HTTP/1.1 clients (HttpClient, urllib, many MES connectors) send the whole body before they read any of
/// the answer. A scorer that writes rows while it reads would fill the socket buffers both ways and stall forever on a
/// large CSV. Spooling keeps reading the client no matter how far the answer lags, with memory bounded by the file
/// buffers, and scoring still starts with the first rows.</summary>
internal sealed class SpooledBody : Stream
{
    readonly FileStream _writer;
    readonly FileStream _reader;
    readonly Task _drain;
    readonly SemaphoreSlim _progress = new(0);
    long _written;
    volatile bool _complete;
    Exception? _failure;

    SpooledBody(Stream source, string path, CancellationToken ct)
    {
        _writer = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1 << 16,
            FileOptions.Asynchronous);
        _reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16,
            FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        _drain = DrainAsync(source, ct);
    }

    public static SpooledBody Start(Stream source, CancellationToken ct) =>
        new(source, Path.Combine(Path.GetTempPath(), $"defectapi-spool-{Guid.NewGuid():N}.csv"), ct);

    async Task DrainAsync(Stream source, CancellationToken ct)
    {
        var buffer = new byte[1 << 16];
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer, ct)) > 0)
            {
                await _writer.WriteAsync(buffer.AsMemory(0, read), ct);
                await _writer.FlushAsync(ct);
                Interlocked.Add(ref _written, read);
                _progress.Release();
            }
        }
        catch (Exception e) { _failure = e; }
        finally
        {
            _complete = true;
            _progress.Release();
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var available = Interlocked.Read(ref _written) - _reader.Position;
            if (available > 0) return await _reader.ReadAsync(buffer[..(int)Math.Min(buffer.Length, available)], cancellationToken);
            if (_complete)
            {
                if (_failure is not null) throw new IOException("The request body ended with an error.", _failure);
                if (Interlocked.Read(ref _written) - _reader.Position <= 0) return 0;
                continue;
            }
            await _progress.WaitAsync(cancellationToken);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask DisposeAsync()
    {
        try { await _drain; } catch (OperationCanceledException) { }
        await _writer.DisposeAsync();
        await _reader.DisposeAsync();
        _progress.Dispose();
        await base.DisposeAsync();
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _reader.Position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
