using System.Diagnostics.Metrics;

namespace DefectApi.Telemetry;

/// <summary>The numbers operators watch, exported at /metrics (Prometheus text format), on one meter that features add
/// their own instruments to (training's are in TrainingMetrics). Request durations by route come from ASP.NET Core's
/// own <c>http.server.request.duration</c>.</summary>
public sealed class ServiceMetrics
{
    public const string MeterName = "DefectApi";

    readonly Counter<long> _predictions;
    readonly Histogram<double> _modelLoad;

    // OpenTelemetry's default buckets (0, 5, 10, 25 … 10000) are made for milliseconds: every model load fell into the
    // first one. These span a millisecond to ten seconds, about three buckets per decade.
    static readonly InstrumentAdvice<double> LoadBuckets = new()
    {
        HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    };

    public ServiceMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _predictions = meter.CreateCounter<long>("defectapi.predictions", "{record}",
            "Records scored, by deployment ('-' when called by model id) and outcome (ok, rejected).");
        _modelLoad = meter.CreateHistogram("defectapi.model.load.duration", "s", "Time to read and parse a model into memory.",
            tags: null, LoadBuckets);
    }

    public void RecordPredictions(string? deployment, string outcome, long records) =>
        _predictions.Add(records, new("deployment", deployment ?? "-"), new("outcome", outcome));

    public void RecordModelLoad(TimeSpan duration) => _modelLoad.Record(duration.TotalSeconds);
}
