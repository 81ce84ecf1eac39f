using DefectApi.Data;
using DefectApi.Registry;
using DefectApi.Tabular.Inference;
using DefectApi.Tabular.Monitoring;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DefectApi.Monitoring;

/// <summary>
/// Brings a prediction log written before rollups existed (tables "PredictionLog" and "Outcomes", one JSON record and
/// one row per model answer) into today's form, at start after the migrations: each page of old rows becomes compact
/// rows with their rollups and is deleted in the same transaction, so a stop half-way resumes where it left off; then
/// the outcomes are joined and counted; then the old tables are dropped.
/// </summary>
internal sealed class LegacyLogConversion(DefectDbContext db, ModelCache models, LogSegments segments, TimeProvider clock, ILogger logger)
{
    const int Page = 5_000;

    public async Task RunAsync(CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = db.Database.GetDbConnection();
            if (!await new MonitoringSql(connection, null).TableExistsAsync("PredictionLog", ct)) return;
            long converted = 0;
            while (await ConvertPageAsync(ct) is var count and > 0)
            {
                converted += count;
                logger.LogInformation("Converted {Count} logged predictions to the compact log so far.", converted);
            }
            await ConvertOutcomesAsync(ct);
            var sql = new MonitoringSql(connection, null);
            await sql.ExecuteAsync("DROP TABLE \"PredictionLog\"", ct);
            await sql.ExecuteAsync("DROP TABLE \"Outcomes\"", ct);
            if (converted > 0) logger.LogInformation("The prediction log of an earlier version is converted: {Count} answers, " +
                "with their rollups.", converted);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    sealed record OldRow(long Id, Guid PredictionId, string Deployment, Guid ModelId, bool Shadow, string Input, double? Score,
        string? Label);

    async Task<int> ConvertPageAsync(CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var sql = new MonitoringSql(connection, transaction);
        var rows = new List<OldRow>();
        await using (var command = sql.Command($"SELECT \"Id\", \"PredictionId\", \"DeploymentName\", \"ModelId\", \"Shadow\", " +
            "\"Input\", \"Score\", \"Label\" " +
                         $"FROM \"PredictionLog\" ORDER BY \"Id\" LIMIT {Page}"))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                rows.Add(new OldRow(reader.GetInt64(0), MonitoringSql.ReadGuid(reader, 1), reader.GetString(2),
                    MonitoringSql.ReadGuid(reader, 3),
                    reader.GetBoolean(4), reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetDouble(6),
                    reader.IsDBNull(7) ? null : reader.GetString(7)));
        if (rows.Count == 0) return 0;

        // The champion's rows are queued as the request path queues them; the shadow model that answered beside them
        // scores the same records again (a model answers a record the same way every time).
        var queue = new PredictionLog(Options.Create(new PredictionLogOptions { QueueCapacity = 10_000_000 }), clock);
        var shadows = rows.Where(r => r.Shadow).GroupBy(r => r.PredictionId).ToDictionary(g => g.Key, g => g.First().ModelId);
        var shadowOfStream = new Dictionary<int, Guid?>();
        foreach (var row in rows.Where(r => !r.Shadow))
        {
            var model = (await models.GetAsync(row.ModelId, ct))?.Artifact;
            int label = row.Label is { } name && model is not null ? model.Scorer.ClassIndex(name) : -1;
            queue.Add(row.Deployment, row.ModelId, System.Text.Encoding.UTF8.GetBytes(row.Input),
                new LoggedScore(row.Score ?? double.NaN, label), row.PredictionId);
        }
        var queued = queue.Take();
        var byStream = queued.Entries().GroupBy(e => e.Stream).ToList();
        var batch = new LogBatch();
        foreach (var group in byStream)
        {
            var entries = group.ToList();
            var shadow = shadows.GetValueOrDefault(PredictionIds.FromBytes(entries[0].PredictionId));
            await batch.AddAsync(queue.Stream(group.Key), entries, new DeploymentLogging(shadow == Guid.Empty ? null : shadow, []), models,
                e => logger.LogWarning(e, "A shadow model could not score converted records; they are kept without its answers."), ct);
        }
        await batch.StoreAsync(sql, new OutcomeJoins(new LoggedAnswers(segments, models)), ct);
        await sql.ExecuteAsync("DELETE FROM \"PredictionLog\" WHERE \"Id\" <= @id", ct, ("@id", rows[^1].Id));
        await transaction.CommitAsync(ct);
        return rows.Count;
    }

    async Task ConvertOutcomesAsync(CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var sql = new MonitoringSql(connection, transaction);
        var outcomes = new List<(Guid Id, string Deployment, string Actual, DateTime RecordedAt)>();
        await using (var command = sql.Command("SELECT \"PredictionId\", \"DeploymentName\", \"Actual\", \"RecordedAt\" FROM \"Outcomes\""))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                outcomes.Add((MonitoringSql.ReadGuid(reader, 0), reader.GetString(1), reader.GetString(2),
                    reader.GetFieldType(3) == typeof(string)
                    ? DateTime.Parse(reader.GetString(3), System.Globalization.CultureInfo.InvariantCulture,
                        System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal)
                    : reader.GetDateTime(3)));
        var answers = new LoggedAnswers(segments, models);
        var rollups = new Dictionary<RollupKey, RollupCounts>();
        foreach (var chunk in outcomes.Chunk(Page))
        {
            var rows = await answers.ByIdAsync(sql, chunk.Select(o => PredictionIds.ToBytes(o.Id)), ct);
            foreach (var (id, deployment, actual, recordedAt) in chunk)
            {
                rows.TryGetValue(id, out var row);
                await sql.ExecuteAsync("INSERT INTO \"LoggedOutcomes\" (\"DeploymentName\", \"PredictionId\", \"Actual\", " +
                    "\"RecordedAt\", \"Joined\") VALUES (@d, @p, @a, @r, @j)", ct, ("@d", deployment),
                    ("@p", PredictionIds.ToBytes(id)), ("@a", actual),
                    ("@r", new DateTimeOffset(DateTime.SpecifyKind(recordedAt, DateTimeKind.Utc)).ToUnixTimeMilliseconds()),
                    ("@j", row is not null));
                if (row is not null) await answers.AddOutcomeAsync(rollups, row, actual, 1, ct);
            }
        }
        await PredictionLogStore.AddToRollupsAsync(sql, rollups, ct);
        await transaction.CommitAsync(ct);
    }
}
