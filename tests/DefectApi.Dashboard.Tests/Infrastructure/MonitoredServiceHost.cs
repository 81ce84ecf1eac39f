namespace DefectApi.Dashboard.Tests.Infrastructure;

/// <summary>A service whose prediction log is written every 50 ms rather than every second, so that a test reads
/// its predictions back (and can post their outcomes) right after making them.</summary>
public sealed class MonitoredServiceHost() : ServiceHost(new Dictionary<string, string>
{
    ["PredictionLog__FlushIntervalMilliseconds"] = "50",
});
