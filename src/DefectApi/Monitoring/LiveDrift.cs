using DefectApi.Data;
using DefectApi.Registry;
using DefectApi.Tabular.Monitoring;

namespace DefectApi.Monitoring;

/// <param name="Records">logged records in the range that the report counts</param>
public sealed record ModelDrift(Guid ModelId, long Records, IReadOnlyList<ColumnDrift> Columns, ColumnDrift Output);

/// <summary>The champion's report: its inputs against its training profile, and its answers against its validation
/// answers; the shadow's beside it, on the same requests.</summary>
public sealed record DriftResponse(string Deployment, DateTime From, DateTime To, Guid ModelId, long Records,
    IReadOnlyList<ColumnDrift> Columns, ColumnDrift Output, ModelDrift? Shadow);

/// <summary>Drift of a deployment's logged traffic against the training profiles stored with its models, from the
/// hourly rollups: each answer's inputs were counted on the bins of the model that answered it as it was logged.</summary>
public sealed class LiveDrift(Rollups rollups, ModelCache models)
{
    /// <summary>Null when the model has no training profile (stored before profiles were kept).</summary>
    public async Task<ModelDrift?> ComputeAsync(string deployment, Guid modelId, bool shadow, DateTime start, DateTime end,
        CancellationToken ct)
    {
        if (await models.GetAsync(modelId, ct) is not { Artifact: { Profile: { } profile } model }) return null;
        var counts = RollupCounts.For(model);
        foreach (var hour in await rollups.ReadAsync(deployment, start, end, ct))
            if (hour.ModelId == modelId && hour.Shadow == shadow) counts.Add(hour.Counts);
        var report = counts.Drift(profile);
        return new ModelDrift(modelId, report.Records, report.Columns, report.Output);
    }
}
