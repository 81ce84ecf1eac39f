using Microsoft.Extensions.Logging;

namespace DefectApi.Tests.Security;

/// <summary>Anyone who can reach the port can make the service refuse a call; at Information, each refusal would be a
/// log line an unauthenticated client writes at will.</summary>
public sealed class RefusalLoggingTests
{
    const string PredictKey = "predict-key-123";
    const string TrainKey = "train-key-456";

    static readonly KeyValuePair<string, string?>[] Settings =
    [
        .. ApiKeys.Configure(0, "mes-line3", PredictKey, "predict"),
        .. ApiKeys.Configure(1, "quality-eng", TrainKey, "train"),
        new("RateLimiting:PermitsPerSecond", "1"), new("RateLimiting:Burst", "2"),
    ];

    /// <summary>The framework's trace of every request (started, endpoint executed, result written, finished): it logs
    /// accepted and refused calls alike, and only when an operator lowers Microsoft.AspNetCore below Warning.</summary>
    static readonly string[] RequestTraceCategories =
    [
        "Microsoft.AspNetCore.Hosting.Diagnostics", "Microsoft.AspNetCore.Routing.EndpointMiddleware",
        "Microsoft.AspNetCore.Http.Result.", "Microsoft.AspNetCore.Http.HttpResults.",
    ];

    /// <summary>401 without a key and with an unknown one, 403, 400 for an unreadable and for an invalid body, 429;
    /// returns the logs those calls wrote.</summary>
    static async Task<IReadOnlyList<CapturedLog>> RefuseEveryWayAsync(IDictionary<string, string?> logLevels)
    {
        using var factory = new ApiFactory(new Dictionary<string, string?>(Settings.Concat(logLevels)));
        var logs = new CapturingLoggerProvider();
        var service = logs.AddTo(factory);
        HttpClient Client(string? key) => service.CreateClient(key);
        Assert.Equal(HttpStatusCode.OK, (await Client(null).GetAsync("/health/ready")).StatusCode);
        logs.Clear();   // what starting the service wrote

        await (await Client(null).GetAsync("/api/models")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await Client("not-a-key").GetAsync("/api/models")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await Client(PredictKey).GetAsync("/api/datasets")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await Client(TrainKey).PostAsync("/api/training-jobs", ApiClient.Json("{bad"))).AssertProblemAsync(
            HttpStatusCode.BadRequest);
        await (await Client(TrainKey).PostAsync("/api/training-jobs", ApiClient.Json("{}"))).AssertProblemAsync(HttpStatusCode.BadRequest);
        // The train key has used its two permits of this second by now; a token may come back between two calls.
        var limited = false;
        for (var i = 0; i < 10 && !limited; i++)
            limited = (await Client(TrainKey).GetAsync("/api/datasets")).StatusCode == HttpStatusCode.TooManyRequests;
        Assert.True(limited, "no call was rate-limited");
        return logs.Logs;
    }

    [Fact]
    public async Task RefusedCallsWriteNothingAtInformationWithTheShippedLogLevels()
    {
        var logs = await RefuseEveryWayAsync(new Dictionary<string, string?>());

        var loud = logs.Where(l => l.Level >= LogLevel.Information).Select(l => $"{l.Level} {l.Category}: {l.Message}").ToList();
        Assert.True(loud.Count == 0, string.Join("\n", loud));
    }

    [Fact]
    public async Task RefusalsAreLoggedAtDebugWithTheirReason()
    {
        var logs = await RefuseEveryWayAsync(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Debug", ["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug",
        });

        var handler = logs.Where(l => l.Category == "DefectApi.Security.ApiKeyAuthenticationHandler").ToList();
        Assert.Contains(handler, l => l.Level == LogLevel.Debug && l.Message.Contains("Unknown API key"));
        Assert.Equal(2, handler.Count(l => l.Level == LogLevel.Debug && l.Message.Contains("was challenged")));
        Assert.Contains(handler, l => l.Level == LogLevel.Debug && l.Message.Contains("was forbidden"));
        Assert.Contains(logs, l => l.Level == LogLevel.Debug && l.Category.StartsWith("Microsoft.AspNetCore.Authorization")
            && l.Message.Contains("Authorization failed") && l.Message.Contains("train|admin"));
        Assert.Contains(logs, l => l.Level == LogLevel.Debug && l.Category.StartsWith("Microsoft.AspNetCore.RateLimiting"));
        // Even with the framework at Debug, what is louder is only the per-request trace every accepted call writes too.
        var loud = logs.Where(l => l.Level >= LogLevel.Information && !RequestTraceCategories.Any(l.Category.StartsWith))
            .Select(l => $"{l.Level} {l.Category}: {l.Message}").ToList();
        Assert.True(loud.Count == 0, string.Join("\n", loud));
    }
}
