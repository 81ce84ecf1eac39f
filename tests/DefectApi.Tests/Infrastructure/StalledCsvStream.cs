namespace DefectApi.Tests.Infrastructure;

/// <summary>A CSV body that sends a number of rows, then stops sending without ending: an upload in flight.</summary>
public sealed class StalledCsvStream(int rowsBeforeStall) : Stream
{
    readonly TaskCompletionSource _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    byte[] _pending = Encoding.UTF8.GetBytes("a,b,c,d\n");
    int _offset, _rows;
    public Task Stalled => _stalled.Task;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_offset == _pending.Length)
        {
            if (_rows >= rowsBeforeStall)
            {
                _stalled.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            var block = new StringBuilder();
            for (var i = 0; i < 1000; i++, _rows++) block.Append($"{_rows},{_rows * 0.5},{_rows % 7},x{_rows % 3}\n");
            _pending = Encoding.UTF8.GetBytes(block.ToString());
            _offset = 0;
        }
        var count = Math.Min(buffer.Length, _pending.Length - _offset);
        _pending.AsMemory(_offset, count).CopyTo(buffer);
        _offset += count;
        return count;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask()
        .GetAwaiter().GetResult();
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
