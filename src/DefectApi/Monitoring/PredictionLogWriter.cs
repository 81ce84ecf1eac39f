using System.Data.Common;
using System.Text.Json;
using DefectApi.Data;
using DefectApi.Models;
using DefectApi.Tabular;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DefectApi.Monitoring;

/// <summary>
/// Writes the queued answers once per flush interval, in one transaction per batch, and scores each deployment's shadow
/// model on the same records first, so that its answers are logged under the same prediction ids. Runs off the request
/// path: a shadow that fails, or a database that is down for a moment, never fails a request. On a graceful stop it
/// writes everything still queued; a hard kill loses at most one flush interval.
/// </summary>
public sealed class PredictionLogWriter(PredictionLog log, IServiceScopeFactory scopes, ModelCache models,
    IOptions<PredictionLogOptions> options, ILogger<PredictionLogWriter> logger) : BackgroundService
{
    const int MaxBatch = 5_000;
    const int Attempts = 3;

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var interval = TimeSpan.FromMilliseconds(options.Value.FlushIntervalMilliseconds);
        try
        {
            while (await log.Pending.WaitToReadAsync(stopping))
            {
                await Task.Delay(interval, stopping);
                await WriteQueuedAsync();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        await WriteQueuedAsync();   // the graceful stop: nothing queued is lost
    }

    /// <summary>Everything queued now, a batch at a time.</summary>
    public async Task WriteQueuedAsync()
    {
        var batch = new List<PendingPrediction>(MaxBatch);
        while (true)
        {
            batch.Clear();
            while (batch.Count < MaxBatch && log.Pending.TryRead(out var pending)) batch.Add(pending);
            if (batch.Count == 0) return;
            await WriteAsync(batch);
        }
    }

    async Task WriteAsync(List<PendingPrediction> batch)
    {
        var rows = batch.Select(p => Row(p.PredictionId, p.Deployment, p.ModelId, shadow: false, p.CreatedAt,
            System.Text.Encoding.UTF8.GetString(p.Input), p.Answer)).ToList();
        rows.AddRange(await ShadowRowsAsync(rows));
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
                await PredictionLogStore.AppendAsync(db, rows, CancellationToken.None);
                return;
            }
            catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException && attempt < Attempts)
            {
                logger.LogWarning(e, "Writing {Count} logged predictions failed (attempt {Attempt} of {Attempts}); retrying.", rows.Count, attempt, Attempts);
                await Task.Delay(TimeSpan.FromSeconds(attempt));
            }
            catch (Exception e)
            {
                logger.LogError(e, "{Count} logged predictions could not be written and are lost.", rows.Count);
                log.CountLost(rows.Count);
                return;
            }
        }
    }

    /// <summary>The shadow models' answers to the batch's records, for deployments that have a shadow now.</summary>
    async Task<List<LoggedPrediction>> ShadowRowsAsync(List<LoggedPrediction> champions)
    {
        var rows = new List<LoggedPrediction>();
        try
        {
            var names = champions.Select(p => p.DeploymentName).Distinct().ToList();
            Dictionary<string, Guid> shadows;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
                shadows = await db.Deployments.AsNoTracking().Where(d => names.Contains(d.Name) && d.ShadowModelId != null)
                    .ToDictionaryAsync(d => d.Name, d => d.ShadowModelId!.Value);
            }
            foreach (var group in champions.Where(p => shadows.ContainsKey(p.DeploymentName)).GroupBy(p => p.DeploymentName))
            {
                var shadowId = shadows[group.Key];
                if (await models.GetAsync(shadowId, CancellationToken.None) is not { } shadow) continue;
                var pending = group.ToList();
                var answers = ShadowAnswers(shadow.Artifact, pending);
                for (int i = 0; i < pending.Count; i++)
                    if (answers[i] is { } answer)
                        rows.Add(Row(pending[i].PredictionId, pending[i].DeploymentName, shadowId, shadow: true, pending[i].CreatedAt, pending[i].Input, answer));
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Scoring shadow models failed; the champions' answers are logged without theirs.");
        }
        return rows;
    }

    /// <summary>The shadow's answer per record; null for a record it cannot score (it may need other columns).</summary>
    static Prediction?[] ShadowAnswers(ModelArtifact shadow, List<LoggedPrediction> pending)
    {
        var answers = new Prediction?[pending.Count];
        var scored = Score(shadow, pending.Select(p => p.Input));
        if (scored is not null)
        {
            for (int i = 0; i < answers.Length; i++) answers[i] = scored[i];
            return answers;
        }
        for (int i = 0; i < answers.Length; i++) answers[i] = Score(shadow, [pending[i].Input])?[0];
        return answers;
    }

    static IReadOnlyList<Prediction>? Score(ModelArtifact model, IEnumerable<string> records)
    {
        if (PredictionRequestReader.ReadLogged(records, model).Batch is not { } batch) return null;
        var result = model.Score(batch);
        return result.Errors.Count == 0 ? result.Predictions : null;
    }

    /// <summary>A champion's row and its shadow's share the id, the time and the record (decoded once).</summary>
    static LoggedPrediction Row(Guid predictionId, string deployment, Guid modelId, bool shadow, DateTime createdAt, string input,
        Prediction answer) => new()
    {
        PredictionId = predictionId,
        DeploymentName = deployment,
        ModelId = modelId,
        Shadow = shadow,
        CreatedAt = createdAt,
        Input = input,
        Output = JsonSerializer.Serialize(answer.ToResponse(), JsonSerializerOptions.Web),
        Score = answer.Probability ?? answer.Value ?? (answer.Label is { } label ? answer.Probabilities?.GetValueOrDefault(label) : null),
        Label = answer.Label,
    };
}
