using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using DefectApi.Data;
using DefectApi.Registry;
using DefectApi.Tabular.Inference;
using DefectApi.Tabular.Monitoring;

namespace DefectApi.Monitoring;

/// <summary>A logged answer as read back to join an outcome to it.</summary>
internal sealed record AnsweredRow(byte[] PredictionId, LogSegment Segment, string Line, double? Score, string? Label, double? ShadowScore,
    string? ShadowLabel)
{
    public long Hour => PredictionIds.Hour(PredictionId);

    /// <summary>A column's value in the logged record, null where it is empty or the record has no such column.</summary>
    public string? Field(string column)
    {
        var columns = LogSegments.ColumnsOf(Segment);
        int at = Array.IndexOf(columns, column);
        if (at < 0) return null;
        var fields = new List<string?>();
        LogLineReader.Split(Line, fields);
        return at < fields.Count ? fields[at] : null;
    }
}

/// <summary>Reading logged answers back, and what an outcome joined to one adds to the rollups.</summary>
internal sealed class LoggedAnswers(LogSegments segments, ModelCache models)
{
    const int Chunk = 500;
    const string Columns = "\"PredictionId\", \"SegmentId\", \"Line\", \"Score\", \"Label\", \"ShadowScore\", \"ShadowLabel\"";

    /// <summary>The answers with these ids, by id (as a GUID).</summary>
    public async Task<Dictionary<Guid, AnsweredRow>> ByIdAsync(MonitoringSql sql, IEnumerable<byte[]> ids, CancellationToken ct)
    {
        var found = new Dictionary<Guid, AnsweredRow>();
        foreach (var chunk in ids.Chunk(Chunk))
        {
            await using var command = sql.Command("");
            command.CommandText = $"SELECT {Columns} FROM \"LoggedAnswers\" WHERE \"PredictionId\" IN " +
                $"({MonitoringSql.InList(command, "i", chunk)})";
            foreach (var row in await ReadAsync(sql, command, ct)) found[PredictionIds.FromBytes(row.PredictionId)] = row;
        }
        return found;
    }

    /// <summary>The answers whose declared keys hash to these values (any of the three key slots), keys not checked yet.</summary>
    public async Task<List<(long Hash, AnsweredRow Row)>> ByKeyHashAsync(MonitoringSql sql, IEnumerable<long> hashes, CancellationToken ct)
    {
        var found = new List<(long, AnsweredRow)>();
        foreach (var chunk in hashes.Distinct().Chunk(Chunk))
        {
            var wanted = chunk.ToHashSet();
            foreach (var slot in (string[])["Key1", "Key2", "Key3"])
            {
                await using var command = sql.Command("");
                command.CommandText = $"SELECT {Columns}, \"{slot}\" FROM \"LoggedAnswers\" WHERE \"{slot}\" IN " +
                    $"({MonitoringSql.InList(command, "k", chunk.Cast<object>().ToArray())})";
                foreach (var row in await ReadAsync(sql, command, ct, withKey: true)) found.Add((row.Key!.Value, row.Row));
            }
        }
        return found;
    }

    async Task<List<AnsweredRow>> ReadAsync(MonitoringSql sql, System.Data.Common.DbCommand command, CancellationToken ct) =>
        (await ReadAsync(sql, command, ct, withKey: false)).Select(r => r.Row).ToList();

    async Task<List<(AnsweredRow Row, long? Key)>> ReadAsync(MonitoringSql sql, System.Data.Common.DbCommand command,
        CancellationToken ct, bool withKey)
    {
        var raw = new List<(byte[] Id, long Segment, string Line, double? Score, string? Label, double? ShadowScore,
            string? ShadowLabel, long? Key)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                raw.Add(((byte[])reader[0], reader.GetInt64(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetDouble(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetDouble(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6), withKey && !reader.IsDBNull(7) ? reader.GetInt64(7) : null));
        var rows = new List<(AnsweredRow, long?)>(raw.Count);
        foreach (var r in raw)
            if (await segments.GetAsync(sql, r.Segment, ct) is { } segment)
                rows.Add((new AnsweredRow(r.Id, segment, r.Line, r.Score, r.Label, r.ShadowScore, r.ShadowLabel), r.Key));
        return rows;
    }

    /// <summary>Adds (sign 1) or takes back (sign -1) an outcome of the row to its champion's and shadow's rollups.</summary>
    public async Task AddOutcomeAsync(Dictionary<RollupKey, RollupCounts> deltas, AnsweredRow row, string actual, int sign,
        CancellationToken ct)
    {
        var segment = row.Segment;
        // Every answer has a score (a probability, the value, or the label's probability); one without gave no answer to judge.
        if (row.Score is { } score)
            await AddAsync(deltas, new RollupKey(segment.DeploymentName, row.Hour, segment.ModelId, false), score, row.Label,
                actual, sign, ct);
        if (segment.ShadowModelId is { } shadow && row.ShadowScore is { } shadowScore)
            await AddAsync(deltas, new RollupKey(segment.DeploymentName, row.Hour, shadow, true), shadowScore, row.ShadowLabel,
                actual, sign, ct);
    }

    async Task AddAsync(Dictionary<RollupKey, RollupCounts> deltas, RollupKey key, double score, string? label, string actual,
        int sign, CancellationToken ct)
    {
        if (!deltas.TryGetValue(key, out var counts))
        {
            // A model deleted since keeps the counts it has; there is nothing left to read a new outcome with.
            if (await models.GetAsync(key.ModelId, ct) is not { } model) return;
            deltas[key] = counts = RollupCounts.For(model.Artifact);
        }
        counts.AddOutcome(score, label, actual, sign);
    }
}

/// <summary>The log's segments, kept in memory once read: a segment never changes.</summary>
public sealed class LogSegments
{
    readonly ConcurrentDictionary<long, LogSegment> _known = new();
    static readonly ConditionalWeakTable<LogSegment, string[]> ParsedColumns = new();

    internal void Remember(LogSegment segment) => _known.TryAdd(segment.Id, segment);

    internal async Task<LogSegment?> GetAsync(MonitoringSql sql, long id, CancellationToken ct)
    {
        if (_known.TryGetValue(id, out var known)) return known;
        await using var command = sql.Command("SELECT \"DeploymentName\", \"ModelId\", \"ShadowModelId\", \"Columns\" FROM " +
            "\"LogSegments\" WHERE \"Id\" = @id", ("@id", id));
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        var segment = new LogSegment
        {
            Id = id, DeploymentName = reader.GetString(0), ModelId = MonitoringSql.ReadGuid(reader, 1),
            ShadowModelId = reader.IsDBNull(2) ? null : MonitoringSql.ReadGuid(reader, 2), Columns = reader.GetString(3),
        };
        return _known.GetOrAdd(id, segment);
    }

    public static string[] ColumnsOf(LogSegment segment) =>
        ParsedColumns.GetValue(segment, s => JsonSerializer.Deserialize<string[]>(s.Columns) ?? []);

    /// <summary>A segment's id: a hash of what it holds, so that every replica names the same segment alike.</summary>
    public static LogSegment Create(string deployment, Guid modelId, Guid? shadowModelId, IReadOnlyList<string> columns)
    {
        var json = JsonSerializer.Serialize(columns);
        // SHA-256's first eight bytes: a segment is named once per batch, and two segments must never share a name.
        var digest = System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"{deployment}\u001f{modelId:N}/{shadowModelId:N}\u001f{json}"));
        long id = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(digest);
        return new LogSegment { Id = id, DeploymentName = deployment, ModelId = modelId, ShadowModelId = shadowModelId, Columns = json };
    }
}
