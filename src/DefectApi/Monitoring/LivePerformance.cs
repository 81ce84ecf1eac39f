using DefectApi.Data;
using DefectApi.Models;
using DefectApi.Tabular.Metrics;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Monitoring;

/// <summary>Per time bucket and per model (the champion, and the shadow on the same requests): how many answers,
/// how many with an outcome, and the metrics on those.</summary>
public sealed class LivePerformance(DefectDbContext db, ModelCache models)
{
    public async Task<IReadOnlyList<PerformanceBucket>> ComputeAsync(string deployment, DateTime start, DateTime end, TimeSpan bucket,
        CancellationToken ct)
    {
        var rows = await (
            from p in db.PredictionLog.AsNoTracking()
            where p.DeploymentName == deployment && p.CreatedAt >= start && p.CreatedAt < end
            join o in db.Outcomes.AsNoTracking() on p.PredictionId equals o.PredictionId into outcomes
            from o in outcomes.DefaultIfEmpty()
            select new { p.CreatedAt, p.ModelId, p.Shadow, p.Score, p.Label, Actual = o == null ? null : o.Actual })
            .ToListAsync(ct);

        var buckets = new List<PerformanceBucket>();
        foreach (var group in rows.GroupBy(r => (Start: start + bucket * Math.Floor((r.CreatedAt - start) / bucket), r.ModelId, r.Shadow))
                     .OrderBy(g => g.Key.Start).ThenBy(g => g.Key.Shadow))
        {
            var model = await models.GetAsync(group.Key.ModelId, ct);
            var scores = new List<double>();
            var labels = new List<string?>();
            var actuals = new List<double>();
            int withOutcome = 0;
            foreach (var row in group)
            {
                if (row.Actual is null) continue;
                withOutcome++;
                if (model is null || OutcomeMetrics.Parse(model.Artifact, row.Actual).Actual is not { } actual) continue;
                scores.Add(row.Score ?? double.NaN);
                labels.Add(row.Label);
                actuals.Add(actual);
            }
            // A model deleted since has no metrics: its classes and threshold are gone with it.
            var metrics = model is null ? new Dictionary<string, double?>() : OutcomeMetrics.Compute(model.Artifact, scores, labels, actuals);
            buckets.Add(new PerformanceBucket(group.Key.Start, group.Key.ModelId, group.Key.Shadow, group.Count(), withOutcome, metrics));
        }
        return buckets;
    }
}
