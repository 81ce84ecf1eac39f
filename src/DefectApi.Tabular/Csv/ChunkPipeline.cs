using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace DefectApi.Tabular.Csv;

/// <summary>The two stages behind the tokeniser: encoding (which also profiles) and storing. Each runs on its own, so
/// while chunk n is stored, chunk n+1 is encoded and chunk n+2 tokenised; on two cores the sink's database work no
/// longer stalls parsing. Chunks reach the sink one at a time and in order, so what is stored does not depend on
/// timing. Memory stays bounded: two raw chunks (one filling, one encoding) and at most
/// <see cref="StoreQueue"/> + 2 encoded ones (queued, being stored, and one waiting to be queued).</summary>
internal sealed class ChunkPipeline : IAsyncDisposable
{
    /// <summary>Encoded chunks waiting for the sink. One already lets encoding run ahead of a slow write; more would
    /// only hold more memory (a chunk is a few MB) when the sink is the slower stage.</summary>
    const int StoreQueue = 1;

    readonly ChunkEncoder _encoder;
    readonly CancellationToken _ct;
    readonly CancellationTokenSource _stop;
    readonly Channel<(int Index, int Rows, byte[] Data)> _encoded =
        Channel.CreateBounded<(int, int, byte[])>(new BoundedChannelOptions(StoreQueue) { SingleReader = true, SingleWriter = true });
    readonly Task _storing;
    Task<RawChunk>? _encoding;
    ExceptionDispatchInfo? _failure;
    int _nextIndex;

    public ChunkPipeline(ChunkEncoder encoder, IChunkSink sink, CancellationToken ct)
    {
        _encoder = encoder;
        _ct = ct;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _storing = Task.Run(() => StoreAllAsync(sink));
    }

    /// <summary>Hands a full chunk to the encoder once the previous one is encoded; returns that previous chunk,
    /// emptied for the tokeniser to fill again (null the first time). Throws the first failure of either stage.</summary>
    public async Task<RawChunk?> SubmitAsync(RawChunk raw)
    {
        _failure?.Throw();
        var spare = await EncodedAsync();
        spare?.Clear();
        int index = _nextIndex++;
        _encoding = Task.Run(async () =>
        {
            var data = _encoder.Encode(raw);
            await _encoded.Writer.WriteAsync((index, raw.Rows, data), _stop.Token);
            return raw;
        });
        return spare;
    }

    /// <summary>Waits until every submitted chunk is in the sink (so the profiles are final), or throws the first failure.</summary>
    public async Task CompleteAsync()
    {
        await EncodedAsync();
        _encoded.Writer.Complete();
        await _storing;
        _failure?.Throw();
    }

    async Task<RawChunk?> EncodedAsync()
    {
        if (_encoding is null) return null;
        try { return await _encoding; }
        catch (Exception e)
        {
            Fail(e);
            _failure?.Throw();
            throw;
        }
    }

    async Task StoreAllAsync(IChunkSink sink)
    {
        try
        {
            // The sink's own write takes the caller's token, not the stop token: a failure elsewhere lets the write in
            // progress finish, and only then stops the stage, so no write outlives the ingestion.
            while (await _encoded.Reader.WaitToReadAsync(_stop.Token))
                while (_encoded.Reader.TryRead(out var chunk))
                {
                    _stop.Token.ThrowIfCancellationRequested();
                    await sink.WriteChunkAsync(chunk.Index, chunk.Rows, chunk.Data, _ct);
                }
        }
        catch (Exception e)
        {
            Fail(e);
        }
    }

    /// <summary>Keeps the first real failure and stops both stages. A cancellation that our own stop caused is a
    /// consequence, so the failure that caused it is the one reported.</summary>
    void Fail(Exception e)
    {
        bool consequence = e is OperationCanceledException && _stop.IsCancellationRequested && !_ct.IsCancellationRequested;
        if (!consequence) Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
        _stop.Cancel();
    }

    /// <summary>Stops both stages after a failure (or returns at once after <see cref="CompleteAsync"/>) and waits for
    /// them, so that nothing runs on after the ingestion has ended.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_storing.IsCompleted || _encoding is { IsCompleted: false }) _stop.Cancel();
        _encoded.Writer.TryComplete();
        try
        {
            if (_encoding is not null) await _encoding;
        }
        catch { /* the failure that led here is the one reported */ }
        await _storing;
        _stop.Dispose();
    }
}
