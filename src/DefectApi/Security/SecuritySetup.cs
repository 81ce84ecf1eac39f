using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace DefectApi.Security;

/// <summary>Authorization policies by scope: predict (predictions, reads of models and deployments), train (datasets
/// and jobs), admin (everything, including deployments and deletes), metrics (the scrape, when it needs a key).</summary>
public static class Policies
{
    public const string Read = "read";
    public const string Predict = "predict";
    public const string Train = "train";
    public const string Admin = "admin";
    public const string Metrics = "metrics";
}

public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimiting";

    /// <summary>Requests per second one API key may make on average (callers without a valid key: per client
    /// address). Keys travel through load balancers and proxies, so each MES client keeps its own budget there too.</summary>
    [Range(1, 10_000_000)]
    public int PermitsPerSecond { get; set; } = 20_000;

    /// <summary>How many requests a key may make at once above that rate.</summary>
    [Range(1, 10_000_000)]
    public int Burst { get; set; } = 40_000;

    /// <summary>With no API keys configured (open mode), also limit each client address to the rate above. Off by
    /// default: behind a load balancer that does not forward client addresses every request comes from one address,
    /// and a per-address limit would throttle the whole plant as if it were one client.</summary>
    public bool PerAddressWhenOpen { get; set; }

    /// <summary>Requests in progress at once, over all callers, beyond which more answer 429 at once: what protects
    /// the service from overload whatever the callers' partitioning (health probes are never limited).</summary>
    [Range(1, 1_000_000)]
    public int MaxConcurrentRequests { get; set; } = 4096;
}

public static class SecuritySetup
{
    public static IServiceCollection AddApiKeySecurity(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddSingleton<KeyRing>();
        // After the database's migrations (registered before this), before the change feed and the server start.
        services.AddHostedService<KeyRingStartup>();
        services.AddSingleton<KeyUsageWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<KeyUsageWriter>());
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(
                ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Read, p =>
                p.RequireClaim(ApiKeyAuthenticationHandler.ScopeClaim, Scopes.Predict, Scopes.Train, Scopes.Admin))
            .AddPolicy(Policies.Predict, p => p.RequireClaim(ApiKeyAuthenticationHandler.ScopeClaim, Scopes.Predict, Scopes.Admin))
            .AddPolicy(Policies.Train, p => p.RequireClaim(ApiKeyAuthenticationHandler.ScopeClaim, Scopes.Train, Scopes.Admin))
            .AddPolicy(Policies.Admin, p => p.RequireClaim(ApiKeyAuthenticationHandler.ScopeClaim, Scopes.Admin))
            .AddPolicy(Policies.Metrics, p => p.RequireClaim(ApiKeyAuthenticationHandler.ScopeClaim, Scopes.Metrics, Scopes.Admin));

        services.AddSingleton<ILogger<DefaultAuthorizationService>>(sp =>
            new RefusalsAtDebugLogger<DefaultAuthorizationService>(sp.GetRequiredService<ILoggerFactory>()));

        // The limits are read once, when the limiter is built, not on every request.
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>, KeyRing>((options, limits, keys) =>
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(ConcurrentRequests(limits.Value), PerCaller(limits.Value, keys)));
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, ct) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "1";
                var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests",
                        Detail = "This caller has used its request rate (RateLimiting:PermitsPerSecond), or the service has as " +
                            "many requests in progress as it takes (RateLimiting:MaxConcurrentRequests). Retry after a second, " +
                                "or batch records into one request.",
                    },
                });
            };
        });
        services.AddHealthChecks().AddCheck<OpenModeHealthCheck>("authentication", tags: ["ready"]);
        return services;
    }

    // Health probes carry DisableRateLimiting (Hosting/DefectApiSetup.cs), so neither limiter sees them.
    static PartitionedRateLimiter<HttpContext> ConcurrentRequests(RateLimitOptions limits) =>
        PartitionedRateLimiter.Create<HttpContext, bool>(_ =>
        RateLimitPartition.GetConcurrencyLimiter(true, _ =>
            new ConcurrencyLimiterOptions { PermitLimit = limits.MaxConcurrentRequests, QueueLimit = 0 }));

    /// <summary>A token bucket per API key; callers without a valid key share one per client address (the forwarded
    /// one when forwarded headers are enabled), and while the service runs open only when RateLimiting:PerAddressWhenOpen
    /// is set. Whether it runs open is read per request: keys can be created and revoked while it runs.</summary>
    static PartitionedRateLimiter<HttpContext> PerCaller(RateLimitOptions limits, KeyRing keys)
    {
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.Burst, TokensPerPeriod = limits.PermitsPerSecond, ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0, AutoReplenishment = true,
        };
        // Keyed by (key name) or (client address), so a request builds no partition string.
        return PartitionedRateLimiter.Create<HttpContext, Caller>(http =>
        {
            var open = keys.IsOpen;
            if (open && !limits.PerAddressWhenOpen) return RateLimitPartition.GetNoLimiter(Caller.Unlimited);
            var identity = http.User.Identity;
            var caller = identity?.IsAuthenticated == true && !open
                ? new Caller(identity.Name, null, false) : new Caller(null, http.Connection.RemoteIpAddress, false);
            return RateLimitPartition.GetTokenBucketLimiter(caller, _ => bucket);
        });
    }

    readonly record struct Caller(string? Key, System.Net.IPAddress? Address, bool IsUnlimited)
    {
        public static readonly Caller Unlimited = new(null, null, true);
    }

    public static WebApplication UseApiKeySecurity(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }
}

/// <summary>Says in /health/ready whether the service runs open, or how many keys are in force.</summary>
internal sealed class OpenModeHealthCheck(KeyRing keys) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(keys.IsOpen
            ? HealthCheckResult.Healthy("No API keys are configured or stored and Auth:RequireKeys is false (or this is " +
                "Development): the service is open to anyone who can reach it.")
            : HealthCheckResult.Healthy($"{KeyRingStartup.Count(keys)}; calls need X-Api-Key."));
}
