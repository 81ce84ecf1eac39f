using System.Text.Json;
using DefectApi.Data;
using DefectApi.Models;
using DefectApi.Tabular;
using DefectApi.Tabular.Monitoring;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Monitoring;

/// <param name="Records">logged records in the range that the report counts</param>
public sealed record ModelDrift(Guid ModelId, long Records, IReadOnlyList<ColumnDrift> Columns, ColumnDrift Output);

/// <summary>The champion's report: its inputs against its training profile, and its answers against its validation
/// answers; the shadow's beside it, on the same requests.</summary>
public sealed record DriftResponse(string Deployment, DateTime From, DateTime To, Guid ModelId, long Records,
    IReadOnlyList<ColumnDrift> Columns, ColumnDrift Output, ModelDrift? Shadow);

/// <summary>Drift of a deployment's logged traffic against the training profiles stored with its models.</summary>
public sealed class LiveDrift(DefectDbContext db, ModelCache models)
{
    const int Chunk = 1_000;

    /// <summary>Null when the model has no training profile (stored before profiles were kept).</summary>
    public async Task<ModelDrift?> ComputeAsync(string deployment, Guid modelId, bool shadow, DateTime start, DateTime end, CancellationToken ct)
    {
        if (await models.GetAsync(modelId, ct) is not { Artifact: { Profile: not null } model }) return null;
        var drift = new DriftAccumulator(model);
        // A champion's inputs are the deployment's traffic, whichever model answered it; its answers are only its own.
        var rows = db.PredictionLog.AsNoTracking()
            .Where(p => p.DeploymentName == deployment && p.Shadow == shadow && p.CreatedAt >= start && p.CreatedAt < end)
            .Where(p => !shadow || p.ModelId == modelId)
            .OrderBy(p => p.Id)
            .Select(p => new { p.ModelId, p.Input, p.Output })
            .AsAsyncEnumerable();
        var inputs = new List<string>(Chunk);
        await foreach (var row in rows.WithCancellation(ct))
        {
            inputs.Add(row.Input);
            if (row.ModelId == modelId && OutputOf(model, row.Output) is { } output) drift.AddOutput(output);
            if (inputs.Count < Chunk) continue;
            AddRecords(drift, model, inputs);
            inputs.Clear();
        }
        AddRecords(drift, model, inputs);
        var report = drift.Report();
        return new ModelDrift(modelId, report.Records, report.Columns, report.Output);
    }

    static void AddRecords(DriftAccumulator drift, ModelArtifact model, List<string> inputs)
    {
        if (inputs.Count == 0) return;
        if (PredictionRequestReader.ReadLogged(inputs, model).Batch is { } batch) drift.AddRecords(batch);
    }

    /// <summary>The logged answer in the model's terms: [probability], [value], or the class probabilities.</summary>
    static double[]? OutputOf(ModelArtifact model, string outputJson)
    {
        using var answer = JsonDocument.Parse(outputJson);
        var root = answer.RootElement;
        return model.Task switch
        {
            "binary" => root.TryGetProperty("probability", out var p) ? [p.GetDouble()] : null,
            "regression" => root.TryGetProperty("value", out var v) ? [v.GetDouble()] : null,
            _ => root.TryGetProperty("probabilities", out var all)
                ? model.Classes!.Select(c => all.TryGetProperty(c, out var x) ? x.GetDouble() : 0).ToArray()
                : null,
        };
    }
}
