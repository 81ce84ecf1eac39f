using System.Threading.Channels;
using DefectApi.Tabular;
using DefectApi.Tabular.Csv;
using Microsoft.Extensions.Options;

namespace DefectApi.Monitoring;

/// <summary>An answer given through a deployment, waiting to be written (with its shadow's, if the deployment has one).</summary>
public sealed record PendingPrediction(Guid PredictionId, string Deployment, Guid ModelId, DateTime CreatedAt, byte[] Input, Prediction Answer);

/// <summary>
/// Takes each answer a deployment gives and queues it for <see cref="PredictionLogWriter"/>, which writes them in
/// batches: the request pays for an id, a copy of its record and a queue slot, never for a database write. When the
/// queue is full the answer is still given, and the drop counted.
/// </summary>
public sealed class PredictionLog
{
    readonly Channel<PendingPrediction> _queue;
    readonly TimeProvider _clock;
    long _dropped;

    public PredictionLog(IOptions<PredictionLogOptions> options, TimeProvider clock)
    {
        Enabled = options.Value.Enabled;
        _clock = clock;
        _queue = Channel.CreateBounded<PendingPrediction>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
        }, _ => Interlocked.Increment(ref _dropped));
    }

    public bool Enabled { get; }

    /// <summary>Answers not logged: the queue was full, or the database refused them after retries.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    internal void CountLost(int count) => Interlocked.Add(ref _dropped, count);

    internal ChannelReader<PendingPrediction> Pending => _queue.Reader;

    /// <summary>Queues one answer; the record is the caller's JSON object, as sent.</summary>
    public Guid Add(string deployment, Guid modelId, ReadOnlySpan<byte> recordJson, Prediction answer)
    {
        var now = _clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        _queue.Writer.TryWrite(new PendingPrediction(id, deployment, modelId, now.UtcDateTime, recordJson.ToArray(), answer));
        return id;
    }

    /// <summary>The log as CSV scoring sees it: each answered row, as the scorer turned it into a JSON object.</summary>
    public ICsvPredictionLog ForCsv(string deployment, Guid modelId) => new CsvRows(this, deployment, modelId);

    sealed class CsvRows(PredictionLog log, string deployment, Guid modelId) : ICsvPredictionLog
    {
        public Guid Logged(ReadOnlySpan<byte> record, Prediction answer) => log.Add(deployment, modelId, record, answer);
    }
}
