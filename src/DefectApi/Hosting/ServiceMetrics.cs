using System.Diagnostics.Metrics;
using DefectApi.Data;
using DefectApi.Training;
using Microsoft.EntityFrameworkCore;
using OpenTelemetry.Metrics;

namespace DefectApi.Hosting;

/// <summary>The numbers operators watch, exported at /metrics (Prometheus text format). Request durations by route
/// come from ASP.NET Core's own <c>http.server.request.duration</c>.</summary>
public sealed class ServiceMetrics
{
    public const string MeterName = "DefectApi";

    readonly Counter<long> _predictions;
    readonly Histogram<double> _epochDuration;
    readonly Histogram<double> _modelLoad;

    public ServiceMetrics(IMeterFactory meters, IServiceScopeFactory scopes)
    {
        var meter = meters.Create(MeterName);
        _predictions = meter.CreateCounter<long>("defectapi.predictions", "{record}",
            "Records scored, by deployment ('-' when called by model id) and outcome (ok, rejected).");
        _epochDuration = meter.CreateHistogram<double>("defectapi.training.epoch.duration", "s", "Wall time of one training epoch.");
        _modelLoad = meter.CreateHistogram<double>("defectapi.model.load.duration", "s", "Time to read and parse a model into memory.");
        meter.CreateObservableGauge("defectapi.training.jobs", () => CountJobs(scopes), "{job}", "Training jobs by status.");
        meter.CreateObservableGauge("defectapi.training.queue.length",
            () => CountJobs(scopes).Where(m => (string?)m.Tags[0].Value == "queued"), "{job}", "Training jobs waiting to run.");
    }

    public void RecordPredictions(string? deployment, string outcome, int records) =>
        _predictions.Add(records, new("deployment", deployment ?? "-"), new("outcome", outcome));

    public void RecordEpoch(TimeSpan duration) => _epochDuration.Record(duration.TotalSeconds);

    public void RecordModelLoad(TimeSpan duration) => _modelLoad.Record(duration.TotalSeconds);

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
            yield return new Measurement<long>(counts.GetValueOrDefault(status), new KeyValuePair<string, object?>("status", TrainingJobMapping.StatusName(status)));
    }
}

public static class TelemetrySetup
{
    public static IServiceCollection AddServiceMetrics(this IServiceCollection services)
    {
        services.AddSingleton<ServiceMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(ServiceMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
            .AddPrometheusExporter());
        return services;
    }
}
