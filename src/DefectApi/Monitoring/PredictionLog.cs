using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text.Json;
using DefectApi.Data;
using DefectApi.Predictions;
using DefectApi.Tabular;
using DefectApi.Tabular.Inference;
using Microsoft.Extensions.Options;

namespace DefectApi.Monitoring;

/// <summary>What logged lines share: the deployment, the model that answered and the names of the line's values.</summary>
public sealed class LogStream(int id, string deployment, Guid modelId, IReadOnlyList<string> columns)
{
    public int Id { get; } = id;
    public string Deployment { get; } = deployment;
    public Guid ModelId { get; } = modelId;
    public IReadOnlyList<string> Columns { get; } = columns;
}

/// <summary>
/// Takes each answer a deployment gives and queues it for <see cref="PredictionLogWriter"/> as one pre-serialised
/// entry in a shared byte buffer: the id, its stream, the score and the record's values as a CSV line. The request
/// pays for an id, a copy of its line and a short lock, never for a database write; and nothing it leaves behind is
/// an object for the garbage collector to trace (a queue of objects was what made the logged path's tail). When the
/// queue is full the answer is still given, and the drop counted.
/// </summary>
public sealed class PredictionLog : IPredictionSink
{
    // An entry: [int length][16-byte id][int stream][double score][int label][line bytes].
    const int EntryHeader = 4 + 16 + 4 + 8 + 4;

    readonly TimeProvider _clock;
    readonly int _capacity;
    readonly Lock _lock = new();
    byte[] _buffer = new byte[1 << 20];
    byte[]? _spare;
    int _used, _count;
    long _dropped, _expiredOutcomes;
    readonly ConcurrentDictionary<(string, Guid, long), LogStream> _streams = new();
    readonly List<LogStream> _streamsById = [];
    [ThreadStatic] static LogLineWriter? _threadLine;

    public PredictionLog(IOptions<PredictionLogOptions> options, TimeProvider clock)
    {
        Enabled = options.Value.Enabled;
        _capacity = options.Value.QueueCapacity;
        _clock = clock;
    }

    public bool Enabled { get; }

    /// <summary>Answers not logged: the queue was full, or the database refused them after retries.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Answers waiting to be written.</summary>
    public int Queued
    {
        get { lock (_lock) return _count; }
    }

    internal void CountLost(int count) => Interlocked.Add(ref _dropped, count);

    /// <summary>Outcomes removed because no prediction met them within PredictionLog:PendingOutcomeHours.</summary>
    public long ExpiredOutcomes => Interlocked.Read(ref _expiredOutcomes);

    internal void CountExpiredOutcomes(long count) => Interlocked.Add(ref _expiredOutcomes, count);

    int _sweepNeeded;

    /// <summary>Answers were written, or outcomes kept as pending, here: the writer's next sweep looks for pairs.</summary>
    internal void NoteSweepNeeded() => Volatile.Write(ref _sweepNeeded, 1);

    internal bool TakeSweepNeeded() => Interlocked.Exchange(ref _sweepNeeded, 0) == 1;

    /// <summary>Queues one answer to a JSON record (the caller's object, as sent).</summary>
    public Guid Add(string deployment, Guid modelId, ReadOnlySpan<byte> recordJson, LoggedScore answer) =>
        Add(deployment, modelId, recordJson, answer, null);

    /// <summary>Queues an answer, under the id it already has when given (an answer logged by an earlier version).</summary>
    internal Guid Add(string deployment, Guid modelId, ReadOnlySpan<byte> recordJson, LoggedScore answer, Guid? id)
    {
        var line = _threadLine ??= new LogLineWriter();
        long columns = ToLine(recordJson, line);
        if (!_streams.TryGetValue((deployment, modelId, columns), out var stream))
            stream = Intern(deployment, modelId, columns, ColumnNames(recordJson));
        return Append(stream, line.Written, answer, id);
    }

    /// <summary>The stream of a CSV file's rows: one header for all of them.</summary>
    public LogStream ForColumns(string deployment, Guid modelId, IReadOnlyList<string> columns)
    {
        long hash = ColumnsHash(columns);
        return _streams.TryGetValue((deployment, modelId, hash), out var stream) ? stream
            : Intern(deployment, modelId, hash, columns.ToArray());
    }

    /// <summary>Queues one answer whose record is already a log line of the stream's columns.</summary>
    public Guid Add(LogStream stream, ReadOnlySpan<byte> line, LoggedScore answer) => Append(stream, line, answer, null);

    Guid Append(LogStream stream, ReadOnlySpan<byte> line, LoggedScore answer, Guid? given)
    {
        int length = EntryHeader + line.Length;
        var now = _clock.GetUtcNow();
        lock (_lock)
        {
            var id = given ?? NextId(now);
            if (_count >= _capacity)
            {
                _dropped++;
                return id;
            }
            if (_used + length > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _used + length));
            var entry = _buffer.AsSpan(_used, length);
            BinaryPrimitives.WriteInt32LittleEndian(entry, length);
            id.TryWriteBytes(entry[4..], bigEndian: true, out _);
            BinaryPrimitives.WriteInt32LittleEndian(entry[20..], stream.Id);
            BinaryPrimitives.WriteDoubleLittleEndian(entry[24..], answer.Score);
            BinaryPrimitives.WriteInt32LittleEndian(entry[32..], answer.Label);
            line.CopyTo(entry[EntryHeader..]);
            _used += length;
            _count++;
            return id;
        }
    }

    /// <summary>A version 7 id after every earlier one of this process: within one millisecond .NET's are random, so the
    /// next one counts up from the last instead (RFC 9562 §6.2, method 3), and the log's order is the order of answers.</summary>
    Guid NextId(DateTimeOffset now)
    {
        var id = Guid.CreateVersion7(now);
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        if (bytes.SequenceCompareTo(_lastId) <= 0)
        {
            _lastId.CopyTo(bytes);
            // Count up in the 62 random bits after the variant (bytes 8–15); the time and version stay as they were.
            ulong random = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
            ulong next = (random & ~VariantMask) + 1;
            BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], (random & VariantMask) | (next & ~VariantMask));
            id = new Guid(bytes, bigEndian: true);
        }
        bytes.CopyTo(_lastId);
        return id;
    }

    const ulong VariantMask = 0xC000_0000_0000_0000;
    readonly byte[] _lastId = new byte[16];

    /// <summary>The log as CSV scoring sees it.</summary>
    public ICsvPredictionLog ForCsv(string deployment, Guid modelId) => new CsvRows(this, deployment, modelId);

    sealed class CsvRows(PredictionLog log, string deployment, Guid modelId) : ICsvPredictionLog
    {
        LogStream? _stream;

        public void UseColumns(IReadOnlyList<string> header) => _stream = log.ForColumns(deployment, modelId, header);

        public Guid Logged(ReadOnlySpan<byte> line, LoggedScore answer) =>
            log.Add(_stream ?? throw new InvalidOperationException("UseColumns comes first."), line, answer);
    }

    /// <summary>Everything queued now, for the writer, which hands the buffer back with <see cref="Recycle"/>.</summary>
    internal QueuedEntries Take()
    {
        lock (_lock)
        {
            var taken = new QueuedEntries(_buffer, _used, _count);
            _buffer = _spare ?? new byte[1 << 20];
            _spare = null;
            _used = _count = 0;
            return taken;
        }
    }

    internal void Recycle(byte[] buffer)
    {
        lock (_lock) if (_spare is null || buffer.Length > _spare.Length) _spare = buffer;
    }

    internal LogStream Stream(int id)
    {
        lock (_lock) return _streamsById[id];
    }

    LogStream Intern(string deployment, Guid modelId, long columnsHash, IReadOnlyList<string> columns)
    {
        lock (_lock)
        {
            if (_streams.TryGetValue((deployment, modelId, columnsHash), out var existing)) return existing;
            var stream = new LogStream(_streamsById.Count, deployment, modelId, columns);
            _streamsById.Add(stream);
            _streams[(deployment, modelId, columnsHash)] = stream;
            return stream;
        }
    }

    /// <summary>Writes the record's values as a line and returns the hash of its property names, in one pass.</summary>
    static long ToLine(ReadOnlySpan<byte> recordJson, LogLineWriter line)
    {
        line.Clear();
        ulong hash = FnvOffset;
        var reader = new Utf8JsonReader(recordJson);
        reader.Read();
        Span<char> text = stackalloc char[256];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            hash = Fnv(hash, reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan);
            reader.Read();
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    line.Raw(reader.HasValueSequence
                    ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan); break;
                case JsonTokenType.True: line.Raw("true"u8); break;
                case JsonTokenType.False: line.Raw("false"u8); break;
                case JsonTokenType.String:
                    int length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
                    var chars = length <= text.Length ? text : new char[length];
                    line.Text(chars[..reader.CopyString(chars)]);
                    break;
                default:
                    line.Empty();
                    reader.Skip();
                    break;
            }
        }
        return (long)hash;
    }

    static string[] ColumnNames(ReadOnlySpan<byte> recordJson)
    {
        var names = new List<string>();
        var reader = new Utf8JsonReader(recordJson);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            names.Add(reader.GetString()!);
            reader.Read();
            reader.Skip();
        }
        return names.ToArray();
    }

    static long ColumnsHash(IReadOnlyList<string> columns)
    {
        ulong hash = FnvOffset;
        foreach (var column in columns) hash = Fnv(hash, System.Text.Encoding.UTF8.GetBytes(column));
        return (long)hash;
    }

    // FNV-1a over each name's UTF-8 bytes and a separator: names tell streams apart within one process only.
    const ulong FnvOffset = 14695981039346656037, FnvPrime = 1099511628211;

    static ulong Fnv(ulong hash, ReadOnlySpan<byte> name)
    {
        foreach (byte b in name) hash = (hash ^ b) * FnvPrime;
        return (hash ^ 0xFF) * FnvPrime;
    }
}

/// <summary>A run of queued entries (see <see cref="PredictionLog"/>), read front to back.</summary>
internal readonly record struct QueuedEntries(byte[] Buffer, int Used, int Count)
{
    public IEnumerable<QueuedEntry> Entries()
    {
        for (int at = 0; at < Used;)
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(Buffer.AsSpan(at));
            yield return new QueuedEntry(Buffer, at, length);
            at += length;
        }
    }
}

internal readonly record struct QueuedEntry(byte[] Buffer, int Start, int Length)
{
    public ReadOnlySpan<byte> PredictionId => Buffer.AsSpan(Start + 4, 16);
    public Guid Id => new(PredictionId, bigEndian: true);
    public int Stream => BinaryPrimitives.ReadInt32LittleEndian(Buffer.AsSpan(Start + 20));
    public double Score => BinaryPrimitives.ReadDoubleLittleEndian(Buffer.AsSpan(Start + 24));
    public int Label => BinaryPrimitives.ReadInt32LittleEndian(Buffer.AsSpan(Start + 32));
    public string Line => System.Text.Encoding.UTF8.GetString(Buffer, Start + 36, Length - 36);
}
