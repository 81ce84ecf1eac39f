using System.Diagnostics.Metrics;
using DefectApi.Data;
using DefectApi.Telemetry;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Training;

/// <summary>Training's numbers on the service's meter (exported at /metrics with the rest): epoch durations, jobs by
/// status, the queue's length and the jobs each worker ended.</summary>
public sealed class TrainingMetrics
{
    readonly Histogram<double> _epochDuration;
    readonly Counter<long> _jobsFinished;

    // OpenTelemetry's default buckets (0, 5, 10, 25 … 10000) are made for milliseconds: every epoch fell into the first
    // one. These span a millisecond to ten minutes, about three buckets per decade.
    static readonly InstrumentAdvice<double> EpochBuckets = new()
    {
        HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    };

    public TrainingMetrics(IMeterFactory meters, IServiceScopeFactory scopes)
    {
        var meter = meters.Create(ServiceMetrics.MeterName);
        _epochDuration = meter.CreateHistogram("defectapi.training.epoch.duration", "s", "Wall time of one training epoch.",
            tags: null, EpochBuckets);
        meter.CreateObservableGauge("defectapi.training.jobs", () => CountJobs(scopes), "{job}", "Training jobs by status.");
        // The gauge above counts rows, which deletions lower and every replica reports alike; a counter of the endings
        // each worker saw is what an alert on "a job failed" can take increase() of.
        _jobsFinished = meter.CreateCounter<long>("defectapi.training.jobs.finished", "{job}",
            "Training jobs this replica's worker ended, by status (succeeded, failed, canceled). A job canceled while queued " +
            "never reaches a worker.");
        // Each status is exported from the start, at 0: Prometheus's increase() sees no rise in a series whose first
        // sample is already 1, so the first failure after a start would raise no alert.
        foreach (var status in (JobStatus[])[JobStatus.Succeeded, JobStatus.Failed, JobStatus.Canceled]) RecordJobsFinished(status, 0);
        // No status label: the name already says which jobs it counts.
        meter.CreateObservableGauge("defectapi.training.queue.length",
            () => CountJobs(scopes).Where(m => (string?)m.Tags[0].Value == "queued").Select(m => new Measurement<long>(m.Value)),
            "{job}", "Training jobs waiting to run.");
    }

    public void RecordJobsFinished(JobStatus status, int jobs = 1) =>
        _jobsFinished.Add(jobs, new KeyValuePair<string, object?>("status", TrainingJobMapping.StatusName(status)));

    public void RecordEpoch(TimeSpan duration) => _epochDuration.Record(duration.TotalSeconds);

    static IEnumerable<Measurement<long>> CountJobs(IServiceScopeFactory scopes)
    {
        Dictionary<JobStatus, int> counts;
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
            counts = db.TrainingJobs.AsNoTracking().GroupBy(j => j.Status).Select(g => new { g.Key, Count = g.Count() })
                .ToDictionary(g => g.Key, g => g.Count);
        }
        catch (Exception) { yield break; }   // a scrape must not fail because the database is busy or read-only
        foreach (var status in Enum.GetValues<JobStatus>())
            yield return new Measurement<long>(counts.GetValueOrDefault(status),
                new KeyValuePair<string, object?>("status", TrainingJobMapping.StatusName(status)));
    }
}
