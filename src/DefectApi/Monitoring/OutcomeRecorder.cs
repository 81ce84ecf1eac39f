using System.Text.Json;
using DefectApi.Data;
using DefectApi.Models;
using DefectApi.Tabular.Metrics;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Monitoring;

/// <summary>Matches reported outcomes to logged predictions and stores them, all or nothing.</summary>
public sealed class OutcomeRecorder(DefectDbContext db, ModelCache models, TimeProvider clock)
{
    public const int MaxOutcomes = 100_000;
    const int Chunk = 500;
    const int ScanPage = 5_000;

    /// <summary>A parsed outcome: the id or key it names, the actual as text, its position for error keys.</summary>
    public sealed record Reported(int Index, Guid? PredictionId, string? Key, string Actual);

    public sealed record Result(OutcomesResponse? Answer, Dictionary<string, string[]>? Errors);

    public async Task<Result> RecordAsync(string deployment, string? keyColumn, IReadOnlyList<Reported> outcomes, CancellationToken ct)
    {
        // prediction id → model that answered (the champion's row), for the outcomes that match.
        var matches = new Dictionary<int, (Guid PredictionId, Guid ModelId)>();
        var unknown = new List<string>();
        if (keyColumn is null) await MatchByIdAsync(deployment, outcomes, matches, unknown, ct);
        else await MatchByKeyAsync(deployment, keyColumn, outcomes, matches, unknown, ct);

        var errors = new Dictionary<string, string[]>();
        var latest = new Dictionary<Guid, PredictionOutcome>();
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var outcome in outcomes)
        {
            if (!matches.TryGetValue(outcome.Index, out var match)) continue;
            var model = await models.GetAsync(match.ModelId, ct);
            if (model is not null && OutcomeMetrics.Parse(model.Artifact, outcome.Actual).Problem is { } problem)
            {
                if (errors.Count < 100) errors[$"outcomes[{outcome.Index}].actual"] = [problem];
                continue;
            }
            // A later report of the same prediction in one request wins, as a later request's does.
            latest[match.PredictionId] = new PredictionOutcome
            {
                PredictionId = match.PredictionId, DeploymentName = deployment, Actual = outcome.Actual.Trim(), RecordedAt = now,
            };
        }
        if (errors.Count > 0) return new Result(null, errors);

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var ids in latest.Keys.Chunk(Chunk))
            await db.Outcomes.Where(o => ids.Contains(o.PredictionId)).ExecuteDeleteAsync(ct);
        db.Outcomes.AddRange(latest.Values);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new Result(new OutcomesResponse(latest.Count, unknown), null);
    }

    async Task MatchByIdAsync(string deployment, IReadOnlyList<Reported> outcomes, Dictionary<int, (Guid, Guid)> matches,
        List<string> unknown, CancellationToken ct)
    {
        var found = new Dictionary<Guid, Guid>();
        foreach (var ids in outcomes.Select(o => o.PredictionId!.Value).Distinct().Chunk(Chunk))
        {
            var rows = await db.PredictionLog.AsNoTracking()
                .Where(p => ids.Contains(p.PredictionId) && p.DeploymentName == deployment && !p.Shadow)
                .Select(p => new { p.PredictionId, p.ModelId }).ToListAsync(ct);
            foreach (var row in rows) found[row.PredictionId] = row.ModelId;
        }
        foreach (var outcome in outcomes)
        {
            var id = outcome.PredictionId!.Value;
            if (found.TryGetValue(id, out var modelId)) matches[outcome.Index] = (id, modelId);
            else unknown.Add(id.ToString());
        }
    }

    /// <summary>Reads the deployment's log newest first until every key is found or the log ends: the newest
    /// prediction of a part is the one its outcome answers.</summary>
    async Task MatchByKeyAsync(string deployment, string keyColumn, IReadOnlyList<Reported> outcomes, Dictionary<int, (Guid, Guid)> matches,
        List<string> unknown, CancellationToken ct)
    {
        var wanted = outcomes.Select(o => o.Key!).ToHashSet(StringComparer.Ordinal);
        var found = new Dictionary<string, (Guid, Guid)>(StringComparer.Ordinal);
        long before = long.MaxValue;
        while (found.Count < wanted.Count)
        {
            var page = await db.PredictionLog.AsNoTracking()
                .Where(p => p.DeploymentName == deployment && !p.Shadow && p.Id < before)
                .OrderByDescending(p => p.Id).Take(ScanPage)
                .Select(p => new { p.Id, p.PredictionId, p.ModelId, p.Input }).ToListAsync(ct);
            if (page.Count == 0) break;
            foreach (var row in page)
                if (KeyOf(row.Input, keyColumn) is { } key && wanted.Contains(key)) found.TryAdd(key, (row.PredictionId, row.ModelId));
            before = page[^1].Id;
        }
        foreach (var outcome in outcomes)
        {
            if (found.TryGetValue(outcome.Key!, out var match)) matches[outcome.Index] = match;
            else unknown.Add(outcome.Key!);
        }
    }

    static string? KeyOf(string recordJson, string column)
    {
        using var record = JsonDocument.Parse(recordJson);
        return record.RootElement.TryGetProperty(column, out var value) ? Text(value) : null;
    }

    /// <summary>A JSON value as the text an outcome compares: strings as they are, numbers in invariant form, true/false;
    /// null for null and for what cannot be a cell.</summary>
    public static string? Text(JsonElement value) =>
        PredictionRequestReader.ToCell(value) is { Kind: not Tabular.CellKind.Missing } cell ? cell.ToString() : null;
}
