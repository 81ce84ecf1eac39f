using DefectApi.Data;
using DefectApi.Tabular.Monitoring;

namespace DefectApi.Monitoring;

/// <summary>An outcome as stored, read back to join it or to take it back.</summary>
internal sealed record StoredOutcome(long Id, string Deployment, byte[]? PredictionId, long? KeyHash, string? KeyColumn, string? Key,
    string Actual, bool Joined);

/// <summary>
/// Joins kept outcomes to their logged answers, wherever both meet first: the outcomes call (the answer was logged
/// before), the log writer (the outcome came first) or the sweep (they crossed on two replicas). An outcome is claimed
/// by flipping its Joined flag in the same transaction that adds it to the rollups, so two replicas that meet the
/// same pair count it once; an earlier outcome of the same prediction is taken back out of the rollups first.
/// </summary>
internal sealed class OutcomeJoins(LoggedAnswers answers)
{
    const string OutcomeColumns = "\"Id\", \"DeploymentName\", \"PredictionId\", \"KeyHash\", \"KeyColumn\", \"Key\", " +
        "\"Actual\", \"Joined\"";

    public static async Task<List<StoredOutcome>> ReadAsync(MonitoringSql sql, string where, CancellationToken ct,
        params (string, object?)[] parameters)
    {
        await using var command = sql.Command($"SELECT {OutcomeColumns} FROM \"LoggedOutcomes\" WHERE {where}", parameters);
        return await ReadAsync(command, ct);
    }

    public static async Task<List<StoredOutcome>> ReadAsync(System.Data.Common.DbCommand command, CancellationToken ct)
    {
        var outcomes = new List<StoredOutcome>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            outcomes.Add(new StoredOutcome(reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : (byte[])reader[2],
                reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetString(6), reader.GetBoolean(7)));
        return outcomes;
    }

    /// <summary>Pending outcomes that name one of these ids or key hashes.</summary>
    public static async Task<List<StoredOutcome>> PendingForAsync(MonitoringSql sql, IReadOnlyList<byte[]> ids,
        IReadOnlyList<long> keyHashes, CancellationToken ct)
    {
        var found = new List<StoredOutcome>();
        foreach (var chunk in ids.Chunk(500))
        {
            await using var command = sql.Command("");
            command.CommandText = $"SELECT {OutcomeColumns} FROM \"LoggedOutcomes\" WHERE NOT \"Joined\" AND \"PredictionId\" IN " +
                $"({MonitoringSql.InList(command, "i", chunk)})";
            found.AddRange(await ReadAsync(command, ct));
        }
        foreach (var chunk in keyHashes.Distinct().Chunk(500))
        {
            await using var command = sql.Command("");
            command.CommandText = $"SELECT {OutcomeColumns} FROM \"LoggedOutcomes\" WHERE \"PredictionId\" IS NULL AND " +
                $"\"KeyHash\" IN ({MonitoringSql.InList(command, "k", chunk.Cast<object>().ToArray())})";
            found.AddRange(await ReadAsync(command, ct));
        }
        return found;
    }

    public static async Task<bool> AnyPendingAsync(MonitoringSql sql, CancellationToken ct)
    {
        await using var command = sql.Command("SELECT 1 FROM \"LoggedOutcomes\" WHERE NOT \"Joined\" LIMIT 1");
        return await command.ExecuteScalarAsync(ct) is not null;
    }

    /// <summary>The answer a pending outcome belongs to: the one with its id, or the latest answer of its deployment
    /// whose key column holds its key (the hash finds the candidates; the value itself decides).</summary>
    public static AnsweredRow? Match(StoredOutcome outcome, IReadOnlyDictionary<Guid, AnsweredRow> byId,
        IReadOnlyDictionary<long, List<AnsweredRow>> byKeyHash)
    {
        if (outcome.PredictionId is { } id)
            return byId.TryGetValue(PredictionIds.FromBytes(id), out var row)
                && row.Segment.DeploymentName == outcome.Deployment ? row : null;
        if (outcome.KeyHash is not { } hash || !byKeyHash.TryGetValue(hash, out var rows)) return null;
        return rows.Where(r => r.Segment.DeploymentName == outcome.Deployment && KeyText.Same(r.Field(outcome.KeyColumn!), outcome.Key))
            .MaxBy(r => PredictionIds.FromBytes(r.PredictionId));
    }

    /// <summary>Joins a pending outcome to its answer; false when another writer joined it first.</summary>
    public async Task<bool> JoinAsync(MonitoringSql sql, StoredOutcome outcome, AnsweredRow row, Dictionary<RollupKey, RollupCounts> deltas,
        CancellationToken ct)
    {
        if (await sql.ExecuteAsync("UPDATE \"LoggedOutcomes\" SET \"Joined\" = @t WHERE \"Id\" = @id AND NOT \"Joined\"", ct,
            ("@t", true), ("@id", outcome.Id)) != 1)
            return false;
        await TakeBackEarlierAsync(sql, row, outcome.Id, deltas, ct);
        if (outcome.PredictionId is null)
            await sql.ExecuteAsync("UPDATE \"LoggedOutcomes\" SET \"PredictionId\" = @p WHERE \"Id\" = @id", ct,
                ("@p", row.PredictionId), ("@id", outcome.Id));
        await answers.AddOutcomeAsync(deltas, row, outcome.Actual, 1, ct);
        return true;
    }

    /// <summary>Removes the outcome the answer had before (other than <paramref name="keep"/>), out of the rollups too.</summary>
    public async Task TakeBackEarlierAsync(MonitoringSql sql, AnsweredRow row, long keep,
        Dictionary<RollupKey, RollupCounts> deltas, CancellationToken ct)
    {
        foreach (var earlier in await ReadAsync(sql, "\"PredictionId\" = @p AND \"Id\" <> @id", ct, ("@p", row.PredictionId),
            ("@id", keep)))
        {
            if (earlier.Joined) await answers.AddOutcomeAsync(deltas, row, earlier.Actual, -1, ct);
            await sql.ExecuteAsync("DELETE FROM \"LoggedOutcomes\" WHERE \"Id\" = @id", ct, ("@id", earlier.Id));
        }
    }
}

/// <summary>How a key's value is compared: a number by its value (a serial sent as 1001 in JSON and "1001" in CSV is
/// one part), anything else as trimmed text.</summary>
internal static class KeyText
{
    public static string? Normal(string? value)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text)) return null;
        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture,
            out double number)
               && double.IsFinite(number)
            ? number.ToString("R", System.Globalization.CultureInfo.InvariantCulture)
            : text;
    }

    public static bool Same(string? a, string? b) => Normal(a) is { } x && x == Normal(b);

    public static long Hash(string deployment, string column, string value) => PredictionKeys.Hash(deployment, column, Normal(value) ?? "");
}
