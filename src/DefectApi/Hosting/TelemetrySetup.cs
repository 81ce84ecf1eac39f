using System.Reflection;
using DefectApi.Security;
using DefectApi.Telemetry;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace DefectApi.Hosting;

/// <summary><c>GET /metrics</c>.</summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>Answer the scrape only with an API key that has the <c>metrics</c> or <c>admin</c> scope. Off by
    /// default: most sites scrape from inside their network and the numbers name no data.</summary>
    public bool RequireKey { get; set; }
}

/// <summary>Traces, metrics and the trace context in logs, configured the OpenTelemetry way: the standard
/// <c>OTEL_*</c> variables decide the service name and where traces, metrics and logs are sent.</summary>
public static class TelemetrySetup
{
    public const string DefaultServiceName = "defectapi";

    /// <summary>The framework's own meters, so that routing, rate limiting and authentication can be watched beside the
    /// service's numbers. All of them record durations in seconds with bucket advice that fits seconds.</summary>
    static readonly string[] FrameworkMeters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.RateLimiting", "Microsoft.AspNetCore.Authentication", "Microsoft.AspNetCore.Authorization",
        "Microsoft.AspNetCore.Diagnostics",
    ];

    public static WebApplicationBuilder AddServiceTelemetry(this WebApplicationBuilder builder)
    {
        // Every log line written inside a request or job then carries the W3C TraceId and SpanId that the exported
        // spans and the problem+json traceId carry, so one id finds all three.
        builder.Logging.Configure(options => options.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);

        var services = builder.Services;
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.SectionName).ValidateOnStart();
        services.AddSingleton<ServiceMetrics>();
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName(builder.Configuration), serviceVersion: ServiceVersion()))
            // Tracing is on even without an exporter: ASP.NET Core then starts an Activity per request, which is what
            // gives logs and problem bodies their trace id.
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(options => options.Filter = http => !IsProbe(http.Request.Path))
                .AddEntityFrameworkCoreInstrumentation())
            .WithMetrics(metrics => metrics
                .AddMeter(ServiceMetrics.MeterName)
                .AddMeter(FrameworkMeters)
                .AddRuntimeInstrumentation()
                .AddProcessInstrumentation()
                // Scope labels would repeat on every series what the metric's name already says.
                .AddPrometheusExporter(options => options.ScopeInfoEnabled = false));
        // Without an endpoint the OTLP exporter would send to localhost:4317 and log a failure every few seconds.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) telemetry.UseOtlpExporter();
        return builder;
    }

    /// <summary><c>GET /metrics</c> in the Prometheus text format, behind a key when <c>Metrics:RequireKey</c> says so.</summary>
    public static WebApplication MapServiceMetrics(this WebApplication app)
    {
        var endpoint = app.MapPrometheusScrapingEndpoint("/metrics");
        if (app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value.RequireKey) endpoint.RequireAuthorization(Policies.Metrics);
        return app;
    }

    /// <summary>OTEL_SERVICE_NAME as the specification says; read here because AddService would otherwise override it.</summary>
    static string ServiceName(IConfiguration configuration) =>
        configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : DefaultServiceName;

    static string? ServiceVersion() =>
        typeof(TelemetrySetup).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    /// <summary>Health probes and scrapes arrive every few seconds and say nothing about the service's work.</summary>
    static bool IsProbe(PathString path) => path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics");
}
