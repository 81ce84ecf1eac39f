using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace DefectApi.Tests.Hosting;

public sealed class TracingTests : IDisposable
{
    readonly ApiFactory _factory = new(new Dictionary<string, string?> { ["Logging:LogLevel:DefectApi"] = "Debug" });
    readonly CapturingLoggerProvider _logs = new();
    readonly SpanCapture _spans = new();

    public void Dispose() => _factory.Dispose();

    /// <summary>Keeps every span the service ends, as an exporter would receive it.</summary>
    sealed class SpanCapture : BaseProcessor<Activity>
    {
        public ConcurrentQueue<Activity> Ended { get; } = new();
        public override void OnEnd(Activity data) => Ended.Enqueue(data);
    }

    WebApplicationFactory<Program> Service() => _logs.AddTo(_factory).WithWebHostBuilder(builder =>
        builder.ConfigureServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(_spans))));

    async Task<Activity> ServerSpanAsync(string traceId)
    {
        // A server span ends just after its answer is sent.
        for (var i = 0; i < 100; i++)
        {
            var span = _spans.Ended.FirstOrDefault(s => s.Kind == ActivityKind.Server && s.TraceId.ToHexString() == traceId);
            if (span is not null) return span;
            await Task.Delay(50);
        }
        throw new TimeoutException($"No server span with trace id {traceId}");
    }

    [Fact]
    public async Task AnErrorsTraceIdIsItsServerSpansAndItsLogLinesTraceId()
    {
        var client = Service().CreateClient();

        var problem = await (await client.GetAsync($"/api/datasets/{Guid.NewGuid()}")).AssertProblemAsync(HttpStatusCode.NotFound);

        var traceId = problem.GetProperty("traceId").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        var span = await ServerSpanAsync(traceId);
        Assert.Equal("Microsoft.AspNetCore", span.Source.Name);
        Assert.Equal("/api/datasets/{id:guid}", span.GetTagItem("http.route"));
        Assert.Equal(404, span.GetTagItem("http.response.status_code"));
        Assert.Equal("defectapi", _spans.ParentProvider!.GetResource().Attributes.Single(a => a.Key == "service.name").Value);
        // The database query the request made is a child span of the same trace (EF Core instrumentation).
        Assert.Contains(_spans.Ended, s => s.Kind == ActivityKind.Client && s.TraceId == span.TraceId && s.ParentSpanId == span.SpanId
            && s.Source.Name.Contains("EntityFrameworkCore"));
        // And the log lines written while answering carry it, so one id finds the span and the logs.
        Assert.Contains(_logs.Logs, l => l.TraceId == traceId && l.Category.StartsWith("DefectApi"));
    }

    [Fact]
    public async Task HealthProbesAreNotTraced()
    {
        var client = Service().CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var problem = await (await client.GetAsync($"/api/models/{Guid.NewGuid()}")).AssertProblemAsync(HttpStatusCode.NotFound);

        await ServerSpanAsync(problem.GetProperty("traceId").GetString()!);
        Assert.DoesNotContain(_spans.Ended, s => s.Kind == ActivityKind.Server && (string?)s.GetTagItem("url.path") == "/health/live");
    }
}

/// <summary>The service as an operator runs it, with the standard OTLP variables pointing at a collector stand-in on
/// loopback that keeps what it is sent.</summary>
public sealed class OtlpExportTests : IAsyncLifetime
{
    readonly string _folder = Directory.CreateTempSubdirectory("defectapi-otlp-").FullName;
    readonly HttpListener _collector = new();
    readonly ConcurrentQueue<(string Path, byte[] Body)> _received = new();
    Task? _listening;

    public Task InitializeAsync()
    {
        var port = ServiceProcess.FreePort();
        _collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        _collector.Start();
        _listening = Task.Run(ReceiveAsync);
        return Task.CompletedTask;
    }

    async Task ReceiveAsync()
    {
        while (_collector.IsListening)
        {
            HttpListenerContext context;
            try { context = await _collector.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            _received.Enqueue((context.Request.Url!.AbsolutePath, body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    public async Task DisposeAsync()
    {
        _collector.Stop();
        _collector.Close();
        if (_listening is not null) await _listening;
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    static bool Holds(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    [Fact]
    public async Task WithAnOtlpEndpointTheServiceSendsItsSpansUnderItsServiceName()
    {
        string traceId;
        await using (var service = await ServiceProcess.StartAsync(ServiceProcess.AppFolder(), new Dictionary<string, string>
        {
            ["ConnectionStrings__Defects"] = $"Data Source={Path.Combine(_folder, "defects.db")}",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _collector.Prefixes.Single().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "defectapi-line3",
        }))
        {
            var problem = await (await service.Client.GetAsync($"/api/datasets/{Guid.NewGuid()}")).AssertProblemAsync(
                HttpStatusCode.NotFound);
            traceId = problem.GetProperty("traceId").GetString()!;
            // A graceful stop flushes what the exporter still holds.
            Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
        }

        // OTLP/HTTP bodies are protobuf, where strings are plain UTF-8 and a trace id is its 16 raw bytes.
        var traces = _received.Where(r => r.Path == "/v1/traces").Select(r => r.Body).ToList();
        Assert.NotEmpty(traces);
        Assert.Contains(traces, body => Holds(body, Convert.FromHexString(traceId)) && Holds(body, "/api/datasets/{id:guid}"u8.ToArray()));
        Assert.All(traces, body => Assert.True(Holds(body, "service.name"u8.ToArray()) && Holds(body, "defectapi-line3"u8.ToArray())));
        Assert.Contains(_received, r => r.Path == "/v1/metrics" && Holds(r.Body, "http.server.request.duration"u8.ToArray()));
    }
}
