using System.Text.Json;
using DefectApi.Data;
using DefectApi.Predictions;
using DefectApi.Registry;
using DefectApi.Tabular.Monitoring;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Monitoring;

/// <summary>
/// Stores reported outcomes, all or nothing, whenever they arrive: those whose prediction is logged are joined to it
/// at once (by id, or by a declared key: the latest prediction of that key), the rest are kept as pending and joined
/// by the log writer when their prediction is written, on whichever replica. An actual the model cannot read is
/// refused before anything is stored: the answering model's classes for a joined one, the deployment's model's for a
/// pending one.
/// </summary>
public sealed class OutcomeRecorder(DefectDbContext db, ModelCache models, LogSegments segments, PredictionLog log, TimeProvider clock,
    PostgresSizeLimit sizeLimit)
{
    public const int MaxOutcomes = 100_000;

    /// <summary>A parsed outcome: the id or key it names, the actual as text, its position for error keys.</summary>
    public sealed record Reported(int Index, Guid? PredictionId, string? Key, string Actual);

    public sealed record Result(OutcomesResponse? Answer, Dictionary<string, string[]>? Errors);

    public async Task<Result> RecordAsync(Deployment deployment, string? keyColumn, IReadOnlyList<Reported> outcomes, CancellationToken ct)
    {
        string name = deployment.Name;
        await sizeLimit.EnsureRoomAsync(outcomes.Sum(o =>
            o.Actual.Length + (o.Key?.Length ?? 0) + 32L + PostgresSizeLimit.RowOverhead), ct);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var transaction = await db.Database.GetDbConnection().BeginTransactionAsync(ct);
            var sql = new MonitoringSql(db.Database.GetDbConnection(), transaction);
            await sql.LockDeploymentAsync(name, ct);
            var answers = new LoggedAnswers(segments, models);

            // Each outcome's answer, where it is logged already; a later report in one request wins, as a later request's does.
            var rows = new Dictionary<int, AnsweredRow>();
            if (keyColumn is null)
            {
                var found = await answers.ByIdAsync(sql,
                    outcomes.Select(o => PredictionIds.ToBytes(o.PredictionId!.Value)).Distinct(ByteArrays.Comparer), ct);
                foreach (var o in outcomes)
                    if (found.TryGetValue(o.PredictionId!.Value, out var row) && row.Segment.DeploymentName == name) rows[o.Index] = row;
            }
            else
            {
                var hashes = outcomes.Select(o => KeyText.Hash(name, keyColumn, o.Key!)).ToList();
                var found = (await answers.ByKeyHashAsync(sql, hashes, ct)).GroupBy(f => f.Hash)
                    .ToDictionary(g => g.Key, g => g.Select(f => f.Row).ToList());
                var none = new Dictionary<Guid, AnsweredRow>();
                for (int i = 0; i < outcomes.Count; i++)
                {
                    var o = outcomes[i];
                    var stored = new StoredOutcome(0, name, null, hashes[i], keyColumn, o.Key, o.Actual, false);
                    if (OutcomeJoins.Match(stored, none, found) is { } row) rows[o.Index] = row;
                }
            }

            var errors = await CheckActualsAsync(deployment, outcomes, rows, ct);
            if (errors.Count > 0) return new Result(null, errors);

            var joins = new OutcomeJoins(answers);
            var rollups = new Dictionary<RollupKey, RollupCounts>();
            var pending = new List<string>();
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            int matched = 0;
            foreach (var o in Latest(outcomes, rows, keyColumn))
            {
                if (rows.TryGetValue(o.Index, out var row))
                {
                    await joins.TakeBackEarlierAsync(sql, row, keep: -1, rollups, ct);
                    await InsertAsync(sql, name, row.PredictionId, null, null, null, o.Actual, now, joined: true, ct);
                    await answers.AddOutcomeAsync(rollups, row, o.Actual, 1, ct);
                    matched++;
                }
                else if (keyColumn is null)
                {
                    var id = PredictionIds.ToBytes(o.PredictionId!.Value);
                    await sql.ExecuteAsync("DELETE FROM \"LoggedOutcomes\" WHERE \"PredictionId\" = @p", ct, ("@p", id));
                    await InsertAsync(sql, name, id, null, null, null, o.Actual, now, joined: false, ct);
                    pending.Add(o.PredictionId!.Value.ToString());
                }
                else
                {
                    long hash = KeyText.Hash(name, keyColumn, o.Key!);
                    await sql.ExecuteAsync("DELETE FROM \"LoggedOutcomes\" WHERE \"KeyHash\" = @k AND \"PredictionId\" IS NULL", ct,
                        ("@k", hash));
                    await InsertAsync(sql, name, null, hash, keyColumn, o.Key, o.Actual, now, joined: false, ct);
                    pending.Add(o.Key!);
                }
            }
            await PredictionLogStore.AddToRollupsAsync(sql, rollups, ct);
            await transaction.CommitAsync(ct);
            if (pending.Count > 0) log.NoteSweepNeeded();
            return new Result(new OutcomesResponse(matched, pending), null);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The last report of each prediction (or key) in the request, in request order.</summary>
    static IEnumerable<Reported> Latest(IReadOnlyList<Reported> outcomes, Dictionary<int, AnsweredRow> rows, string? keyColumn)
    {
        var last = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var o in outcomes)
        {
            string identity = rows.TryGetValue(o.Index, out var row) ? Convert.ToHexString(row.PredictionId)
                : keyColumn is null ? o.PredictionId!.Value.ToString() : "key:" + KeyText.Normal(o.Key);
            last[identity] = o.Index;
        }
        var keep = last.Values.ToHashSet();
        return outcomes.Where(o => keep.Contains(o.Index));
    }

    async Task<Dictionary<string, string[]>> CheckActualsAsync(Deployment deployment, IReadOnlyList<Reported> outcomes,
        Dictionary<int, AnsweredRow> rows, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var o in outcomes)
        {
            var modelId = rows.TryGetValue(o.Index, out var row) ? row.Segment.ModelId : deployment.ModelId;
            if (await models.GetAsync(modelId, ct) is { } model && OutcomeMetrics.Parse(model.Artifact, o.Actual).Problem is { } problem
                && errors.Count < 100)
                errors[$"outcomes[{o.Index}].actual"] = [problem];
        }
        return errors;
    }

    static Task InsertAsync(MonitoringSql sql, string deployment, byte[]? predictionId, long? keyHash, string? keyColumn, string? key,
        string actual, long recordedAt, bool joined, CancellationToken ct) =>
        sql.ExecuteAsync("INSERT INTO \"LoggedOutcomes\" (\"DeploymentName\", \"PredictionId\", \"KeyHash\", \"KeyColumn\", " +
        "\"Key\", \"Actual\", \"RecordedAt\", \"Joined\") VALUES (@d, @p, @h, @c, @k, @a, @r, @j)", ct,
            ("@d", deployment), ("@p", predictionId), ("@h", keyHash), ("@c", keyColumn), ("@k", key), ("@a", actual.Trim()),
            ("@r", recordedAt), ("@j", joined));

    /// <summary>A JSON value as the text an outcome compares: strings as they are, numbers in invariant form, true/false;
    /// null for null and for what cannot be a cell.</summary>
    public static string? Text(JsonElement value) =>
        PredictionRequestReader.ToCell(value) is { Kind: not Tabular.Frames.CellKind.Missing } cell ? cell.ToString() : null;
}

internal static class ByteArrays
{
    public static readonly IEqualityComparer<byte[]> Comparer = EqualityComparer<byte[]>.Create(
        (a, b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b),
        a => a is null ? 0 : BitConverter.ToInt32(a, a.Length - 4));
}
