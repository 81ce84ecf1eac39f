using DefectApi.Data;
using DefectApi.Tabular.Monitoring;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Monitoring;

/// <summary>Reads a deployment's hourly rollups: what performance, drift and the gauges are computed from, so their
/// cost grows with the hours asked for, not with the answers logged in them.</summary>
public sealed class Rollups(DefectDbContext db)
{
    /// <summary>The rollups of the hours that overlap [start, end), one per hour, model and role.</summary>
    public async Task<List<(DateTime HourStart, Guid ModelId, bool Shadow, RollupCounts Counts)>> ReadAsync(string deployment,
        DateTime start, DateTime end, CancellationToken ct)
    {
        long from = PredictionIds.HourOf(start), to = PredictionIds.HourOf(end)
            + (end == PredictionIds.HourStart(PredictionIds.HourOf(end)) ? 0 : 1);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var sql = new MonitoringSql(db.Database.GetDbConnection(), null);
            var stored = await PredictionLogStore.ReadRollupsAsync(sql, deployment, from, to, ct);
            return stored.Select(r => (PredictionIds.HourStart(r.Hour), r.ModelId, r.Shadow, RollupCounts.FromBytes(r.Counts))).ToList();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}

/// <summary>Per time bucket and per model (the champion, and the shadow on the same requests): how many answers,
/// how many with an outcome, and the metrics on those, from the hourly rollups.</summary>
public sealed class LivePerformance(Rollups rollups)
{
    public async Task<IReadOnlyList<PerformanceBucket>> ComputeAsync(string deployment, DateTime start, DateTime end, TimeSpan bucket,
        CancellationToken ct)
    {
        var hours = await rollups.ReadAsync(deployment, start, end, ct);
        var buckets = new List<PerformanceBucket>();
        foreach (var group in hours.GroupBy(r => (Start: BucketOf(r.HourStart, start, bucket), r.ModelId, r.Shadow))
                     .OrderBy(g => g.Key.Start).ThenBy(g => g.Key.Shadow))
        {
            var counts = group.Select(g => g.Counts).Aggregate(Merge);
            buckets.Add(new PerformanceBucket(group.Key.Start, group.Key.ModelId, group.Key.Shadow, (int)counts.Answers,
                (int)counts.WithOutcome, counts.Metrics()));
        }
        return buckets;
    }

    /// <summary>The bucket an hour falls in; an hour that began before the range counts in its first bucket.</summary>
    static DateTime BucketOf(DateTime hourStart, DateTime start, TimeSpan bucket) =>
        hourStart <= start ? start : start + bucket * Math.Floor((hourStart - start) / bucket);

    internal static RollupCounts Merge(RollupCounts total, RollupCounts next)
    {
        total.Add(next);
        return total;
    }
}
