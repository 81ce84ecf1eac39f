using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace DefectApi.Http;

/// <summary>How a replica stops when it is told to (SIGTERM from an orchestrator, Ctrl+C).</summary>
public sealed class ShutdownOptions
{
    public const string SectionName = "Shutdown";

    /// <summary>Seconds a replica goes on serving after it is told to stop, with <c>/health/ready</c> answering 503, so
    /// that the load balancer takes it out of rotation before it stops accepting. The default is longer than the 2 s
    /// that the shipped <c>docker/haproxy.cfg</c> takes (2 failed checks 1 s apart). 0 stops at once.</summary>
    [Range(0, 600)]
    public int DrainSeconds { get; set; } = 5;
}

/// <summary>The drain between "told to stop" and "stops accepting". Told to stop, the replica reports itself not ready
/// at once and asks each keep-alive caller to close its connection after the answer it is given (<c>Connection:
/// close</c>), so no caller sends a request on a connection that is about to close; it keeps serving for
/// <see cref="ShutdownOptions.DrainSeconds"/>, the time a load balancer needs to stop routing to it. Only then does
/// the host go on to stop Kestrel, which stops accepting, finishes the requests in flight (their answers also carry
/// <c>Connection: close</c>) and closes the idle connections.</summary>
public sealed partial class ShutdownDrain(IHostApplicationLifetime lifetime, IOptions<ShutdownOptions> options,
    ILogger<ShutdownDrain> logger) : IHostedLifecycleService
{
    volatile bool _stopping;

    /// <summary>True from the moment the process is told to stop. A signal (SIGTERM, Ctrl+C) triggers
    /// <see cref="IHostApplicationLifetime.ApplicationStopping"/> before the host stops anything; a host stopped by its
    /// owner in-process reaches <see cref="StoppingAsync"/> first.</summary>
    public bool IsDraining => _stopping || lifetime.ApplicationStopping.IsCancellationRequested;

    /// <summary>Runs before any hosted service (Kestrel's among them) is stopped: the wait here is the drain.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        var seconds = options.Value.DrainSeconds;
        if (seconds == 0) return;
        LogDraining(seconds);
        // Wall-clock time, whatever clock the service is given: it is the load balancer's checks that must pass. The
        // token is the host's shutdown timeout, which AddShutdownDrain lengthened by the drain: it ends the wait only
        // if something else already used up the time.
        try { await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken); }
        catch (OperationCanceledException) { }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "Told to stop: /health/ready answers 503; serving for {Seconds} s " +
        "(Shutdown:DrainSeconds) before no longer accepting")]
    partial void LogDraining(int seconds);
}

/// <summary>Not ready while draining, so the load balancer stops routing to the replica before it stops accepting.</summary>
internal sealed class DrainHealthCheck(ShutdownDrain drain) : IHealthCheck
{
    public const string Draining = "draining: this replica was told to stop; it serves what it is still sent for " +
        "Shutdown:DrainSeconds, then stops accepting";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(drain.IsDraining ? HealthCheckResult.Unhealthy(Draining) : HealthCheckResult.Healthy("Serving."));
}

public static class ShutdownDrainSetup
{
    public static IServiceCollection AddShutdownDrain(this IServiceCollection services)
    {
        services.AddOptions<ShutdownOptions>().BindConfiguration(ShutdownOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ShutdownDrain>();
        services.AddHostedService(sp => sp.GetRequiredService<ShutdownDrain>());
        // The host's shutdown timeout bounds the whole stop, drain included: the drain is added to it, so that stopping
        // Kestrel and handing a training job back to the queue keep all the time they had before.
        services.AddOptions<HostOptions>().PostConfigure<IOptions<ShutdownOptions>>((host, shutdown) =>
        {
            if (host.ShutdownTimeout != Timeout.InfiniteTimeSpan) host.ShutdownTimeout += TimeSpan.FromSeconds(shutdown.Value.DrainSeconds);
        });
        return services;
    }

    /// <summary>While draining, every HTTP/1.x answer carries <c>Connection: close</c>, and Kestrel closes the connection
    /// once it is sent: a keep-alive caller (a load balancer's pooled connection among them) learns with its answer
    /// that the connection ends, instead of finding it reset under its next request. HTTP/2 has no such header (its
    /// GOAWAY is Kestrel's to send when it stops).</summary>
    public static IApplicationBuilder UseConnectionCloseWhileDraining(this IApplicationBuilder app)
    {
        var drain = app.ApplicationServices.GetRequiredService<ShutdownDrain>();
        return app.Use((http, next) =>
        {
            if (drain.IsDraining && IsHttp1(http.Request.Protocol))
                // At the start of the answer, not now: the exception handler clears headers set before an error.
                http.Response.OnStarting(static state =>
                {
                    ((HttpResponse)state).Headers.Connection = "close";
                    return Task.CompletedTask;
                }, http.Response);
            return next(http);
        });
    }

    static bool IsHttp1(string protocol) => HttpProtocol.IsHttp11(protocol) || HttpProtocol.IsHttp10(protocol);
}
