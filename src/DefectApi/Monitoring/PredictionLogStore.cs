using System.Data.Common;
using DefectApi.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace DefectApi.Monitoring;

/// <summary>Where a rollup lives: one hour of one model's answers in one deployment.</summary>
public readonly record struct RollupKey(string Deployment, long Hour, Guid ModelId, bool Shadow);

/// <summary>
/// Appends logged answers and adds to the rollups, inside the caller's transaction. PostgreSQL gets one binary COPY
/// per batch; SQLite one prepared INSERT run per row. A rollup is read, added to and written back under a row lock
/// (PostgreSQL) or SQLite's writer lock, in key order so that two writers never wait for each other in a circle.
/// </summary>
internal static class PredictionLogStore
{
    const string AnswerColumns = "\"PredictionId\", \"SegmentId\", \"Line\", \"Score\", \"Label\", \"ShadowScore\", " +
        "\"ShadowLabel\", \"Key1\", \"Key2\", \"Key3\"";

    public static async Task AddSegmentsAsync(MonitoringSql sql, IEnumerable<LogSegment> segments, CancellationToken ct)
    {
        foreach (var segment in segments)
            await sql.ExecuteAsync("INSERT INTO \"LogSegments\" (\"Id\", \"DeploymentName\", \"ModelId\", \"ShadowModelId\", " +
                "\"Columns\") VALUES (@id, @d, @m, @s, @c) ON CONFLICT DO NOTHING", ct,
                ("@id", segment.Id), ("@d", segment.DeploymentName), ("@m", sql.Guid(segment.ModelId)),
                ("@s", segment.ShadowModelId is { } s ? sql.Guid(s) : null), ("@c", segment.Columns));
    }

    public static async Task AppendAsync(MonitoringSql sql, IReadOnlyList<LoggedAnswer> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        if (sql.Connection is NpgsqlConnection postgres) await CopyAsync(postgres, rows, ct);
        else await InsertAsync(sql, rows, ct);
    }

    static async Task CopyAsync(NpgsqlConnection connection, IReadOnlyList<LoggedAnswer> rows, CancellationToken ct)
    {
        await using var copy = await connection.BeginBinaryImportAsync($"COPY \"LoggedAnswers\" ({AnswerColumns}) FROM STDIN " +
            "(FORMAT BINARY)", ct);
        foreach (var row in rows)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(row.PredictionId, NpgsqlDbType.Bytea, ct);
            await copy.WriteAsync(row.SegmentId, NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync(row.Line, NpgsqlDbType.Text, ct);
            await WriteOrNull(copy, row.Score, NpgsqlDbType.Double, ct);
            await WriteOrNull(copy, row.Label, NpgsqlDbType.Varchar, ct);
            await WriteOrNull(copy, row.ShadowScore, NpgsqlDbType.Double, ct);
            await WriteOrNull(copy, row.ShadowLabel, NpgsqlDbType.Varchar, ct);
            await WriteOrNull(copy, row.Key1, NpgsqlDbType.Bigint, ct);
            await WriteOrNull(copy, row.Key2, NpgsqlDbType.Bigint, ct);
            await WriteOrNull(copy, row.Key3, NpgsqlDbType.Bigint, ct);
        }
        await copy.CompleteAsync(ct);
    }

    static async Task WriteOrNull<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken ct)
    {
        if (value is null) await copy.WriteNullAsync(ct);
        else await copy.WriteAsync(value, type, ct);
    }

    static async Task InsertAsync(MonitoringSql sql, IReadOnlyList<LoggedAnswer> rows, CancellationToken ct)
    {
        await using var command = sql.Command($"INSERT INTO \"LoggedAnswers\" ({AnswerColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, " +
            "@p5, @p6, @p7, @p8, @p9)");
        var p = Enumerable.Range(0, 10).Select(i => MonitoringSql.Add(command, $"@p{i}", null)).ToArray();
        command.Prepare();
        foreach (var row in rows)
        {
            p[0].Value = row.PredictionId;
            p[1].Value = row.SegmentId;
            p[2].Value = row.Line;
            p[3].Value = (object?)row.Score ?? DBNull.Value;
            p[4].Value = (object?)row.Label ?? DBNull.Value;
            p[5].Value = (object?)row.ShadowScore ?? DBNull.Value;
            p[6].Value = (object?)row.ShadowLabel ?? DBNull.Value;
            p[7].Value = (object?)row.Key1 ?? DBNull.Value;
            p[8].Value = (object?)row.Key2 ?? DBNull.Value;
            p[9].Value = (object?)row.Key3 ?? DBNull.Value;
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Adds each delta to its stored rollup (creating it), in key order.</summary>
    public static async Task AddToRollupsAsync(MonitoringSql sql, IReadOnlyDictionary<RollupKey, Tabular.Monitoring.RollupCounts> deltas,
        CancellationToken ct)
    {
        var keys = deltas.Keys.OrderBy(k => k.Deployment, StringComparer.Ordinal).ThenBy(k => k.Hour).ThenBy(k => k.ModelId)
            .ThenBy(k => k.Shadow);
        const string Where = "\"DeploymentName\" = @d AND \"Hour\" = @h AND \"ModelId\" = @m AND \"Shadow\" = @s";
        foreach (var key in keys)
        {
            var delta = deltas[key];
            (string, object?)[] at = [("@d", key.Deployment), ("@h", key.Hour), ("@m", sql.Guid(key.ModelId)), ("@s", key.Shadow)];
            if (await sql.ExecuteAsync("INSERT INTO \"MonitoringRollups\" (\"DeploymentName\", \"Hour\", \"ModelId\", " +
                "\"Shadow\", \"Counts\") VALUES (@d, @h, @m, @s, @c) ON CONFLICT DO NOTHING", ct, [.. at, ("@c", delta.ToBytes())]) == 1)
                continue;
            byte[] stored;
            await using (var read = sql.Command($"SELECT \"Counts\" FROM \"MonitoringRollups\" WHERE {Where}{sql.ForUpdate}", at))
                stored = (byte[])(await read.ExecuteScalarAsync(ct))!;
            var counts = Tabular.Monitoring.RollupCounts.FromBytes(stored);
            counts.Add(delta);
            await sql.ExecuteAsync($"UPDATE \"MonitoringRollups\" SET \"Counts\" = @c WHERE {Where}", ct,
                [.. at, ("@c", counts.ToBytes())]);
        }
    }

    /// <summary>The stored rollups of a deployment whose hours fall in [fromHour, toHour).</summary>
    public static async Task<List<(long Hour, Guid ModelId, bool Shadow, byte[] Counts)>> ReadRollupsAsync(MonitoringSql sql,
        string deployment, long fromHour, long toHour, CancellationToken ct)
    {
        var rollups = new List<(long, Guid, bool, byte[])>();
        await using var command = sql.Command("SELECT \"Hour\", \"ModelId\", \"Shadow\", \"Counts\" FROM \"MonitoringRollups\" " +
            "WHERE \"DeploymentName\" = @d AND \"Hour\" >= @a AND \"Hour\" < @b", ("@d", deployment), ("@a", fromHour), ("@b", toHour));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rollups.Add((reader.GetInt64(0), MonitoringSql.ReadGuid(reader, 1), reader.GetBoolean(2), (byte[])reader[3]));
        return rollups;
    }

    /// <summary>Copies every logged answer from one database to another, a page at a time in id order.</summary>
    public static async Task CopyAnswersAsync(Data.DefectDbContext source, Data.DefectDbContext target, CancellationToken ct)
    {
        const int Page = 10_000;
        await source.Database.OpenConnectionAsync(ct);
        await target.Database.OpenConnectionAsync(ct);
        var from = new MonitoringSql(source.Database.GetDbConnection(), null);
        byte[] after = new byte[16];
        while (true)
        {
            var rows = new List<LoggedAnswer>(Page);
            await using (var command = from.Command($"SELECT {AnswerColumns} FROM \"LoggedAnswers\" WHERE \"PredictionId\" > @a " +
                $"ORDER BY \"PredictionId\" LIMIT {Page}", ("@a", after)))
            await using (var reader = await command.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct))
                    rows.Add(new LoggedAnswer
                    {
                        PredictionId = (byte[])reader[0], SegmentId = reader.GetInt64(1), Line = reader.GetString(2),
                        Score = reader.IsDBNull(3) ? null : reader.GetDouble(3), Label = reader.IsDBNull(4) ? null : reader.GetString(4),
                        ShadowScore = reader.IsDBNull(5) ? null : reader.GetDouble(5),
                        ShadowLabel = reader.IsDBNull(6) ? null : reader.GetString(6),
                        Key1 = reader.IsDBNull(7) ? null : reader.GetInt64(7), Key2 = reader.IsDBNull(8) ? null : reader.GetInt64(8),
                        Key3 = reader.IsDBNull(9) ? null : reader.GetInt64(9),
                    });
            if (rows.Count == 0) return;
            after = rows[^1].PredictionId;
            // Inside the copy's one transaction: a copy that fails leaves nothing behind.
            var transaction = target.Database.CurrentTransaction?.GetDbTransaction();
            await AppendAsync(new MonitoringSql(target.Database.GetDbConnection(), transaction), rows, ct);
        }
    }
}
