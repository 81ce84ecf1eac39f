using System.Net.Http.Headers;
using System.Net.Sockets;
using DefectApi.Http;
using DefectApi.Tests.Replicas;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace DefectApi.Tests.Reliability;

/// <summary>SIGTERM starts a drain (Shutdown:DrainSeconds): not ready at once, still serving, every answer closing its
/// connection; then no longer accepting, the requests in flight finished, a clean exit. Timed, so these run alone, as
/// the replica tests do.</summary>
[Collection(ReplicaCollection.Name)]
public sealed class ShutdownDrainTests(ITestOutputHelper output) : ProcessDatabase("defectapi-drain-")
{
    const int DrainSeconds = 3;

    async Task<(ServiceProcess Service, string PredictPath)> StartWithModelAsync()
    {
        var environment = Environment;
        environment["Shutdown__DrainSeconds"] = DrainSeconds.ToString();
        var service = await ServiceProcess.StartAsync(ServiceProcess.AppFolder(), environment);
        var model = await service.Client.TrainAsync(TestData.DefectsCsv(seed: 12), "Defect", new { epochs = 5 });
        return (service, $"/api/models/{model.GetProperty("modelId").GetString()}/predict");
    }

    [Fact]
    public async Task SigtermMakesTheServiceUnreadyAtOnceWhileItAnswersEveryPredictionThroughTheDrain()
    {
        var (service, predict) = await StartWithModelAsync();
        await using var _ = service;
        using var client = new HttpClient { BaseAddress = service.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(predict, ApiClient.Json(TestData.OneDefectsPartJson))).StatusCode);

        var sinceSigterm = Stopwatch.StartNew();
        service.SendSigterm();
        HttpResponseMessage ready;
        while ((ready = await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
            Assert.True(sinceSigterm.Elapsed < TimeSpan.FromSeconds(DrainSeconds), "/health/ready still answers 200 late in the drain");
        var unready = sinceSigterm.Elapsed;
        output.WriteLine($"/health/ready answered 503 {unready.TotalMilliseconds:0.0} ms after SIGTERM");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var drain = (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").GetProperty("drain");
        Assert.Equal("Unhealthy", drain.GetProperty("status").GetString());
        Assert.Contains("Shutdown:DrainSeconds", drain.GetProperty("description").GetString());
        Assert.True(unready < TimeSpan.FromMilliseconds(100), $"/health/ready answered 503 only {unready.TotalMilliseconds:0} " +
            "ms after SIGTERM");

        // Predictions until shortly before the drain ends: each answered, each telling its caller to close the
        // connection (the client opens a new one for the next).
        var answered = 0;
        while (sinceSigterm.Elapsed < TimeSpan.FromSeconds(DrainSeconds - 0.5))
        {
            using var response = await client.PostAsync(predict, ApiClient.Json(TestData.OneDefectsPartJson));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Headers.ConnectionClose, "an answer during the drain lacks Connection: close");
            answered++;
        }
        Assert.False(service.HasExited);

        Assert.Equal(0, await service.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        output.WriteLine($"{answered} predictions answered during the drain; exited {sinceSigterm.Elapsed.TotalSeconds:0.00} s after " +
            "SIGTERM");
        Assert.True(sinceSigterm.Elapsed >= TimeSpan.FromSeconds(DrainSeconds), $"exited {sinceSigterm.Elapsed.TotalSeconds:0.00} s " +
            "after SIGTERM, before the drain's end");
    }

    [Fact]
    public async Task ARequestStillArrivingWhenTheDrainEndsIsFinishedAndItsConnectionClosed()
    {
        var (service, predict) = await StartWithModelAsync();
        await using var _ = service;
        var body = Encoding.UTF8.GetBytes(TestData.OneDefectsPartJson);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var sinceSigterm = Stopwatch.StartNew();
        service.SendSigterm();
        await Task.Delay(TimeSpan.FromSeconds(DrainSeconds - 1));
        // Its headers arrive in the drain's last second; half its body waits until the service has stopped accepting.
        var inFlight = service.Client.PostAsync(predict, new HeldBackContent(body, body.Length / 2, release.Task)
        {
            Headers = { ContentType = new MediaTypeHeaderValue("application/json") },
        });
        while (await AcceptsConnectionsAsync(service.BaseAddress.Port))
        {
            Assert.True(sinceSigterm.Elapsed < TimeSpan.FromSeconds(DrainSeconds + 10), "the service still accepts connections " +
                "10 s after its drain");
            await Task.Delay(20);
        }
        var closed = sinceSigterm.Elapsed;
        release.SetResult();

        using var response = await inFlight;
        output.WriteLine($"stopped accepting {closed.TotalSeconds:0.00} s after SIGTERM; the request in flight then answered " +
            $"{(int)response.StatusCode}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.ConnectionClose, "the last answer lacks Connection: close");
        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("predictions").GetArrayLength());
        Assert.True(closed >= TimeSpan.FromSeconds(DrainSeconds), $"stopped accepting {closed.TotalSeconds:0.00} s after SIGTERM, " +
            "before the drain's end");
        Assert.Equal(0, await service.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task WithoutADrainSigtermStopsAtOnce()
    {
        // ServiceProcess sets Shutdown__DrainSeconds=0 unless told otherwise.
        await using var service = await ServiceProcess.StartAsync(ServiceProcess.AppFolder(), Environment);

        var sinceSigterm = Stopwatch.StartNew();
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));

        output.WriteLine($"exited {sinceSigterm.Elapsed.TotalMilliseconds:0} ms after SIGTERM");
        var defaultDrain = TimeSpan.FromSeconds(new ShutdownOptions().DrainSeconds);
        Assert.True(sinceSigterm.Elapsed < defaultDrain, $"took {sinceSigterm.Elapsed.TotalSeconds:0.0} s, as long as the default drain");
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("601")]
    public void ADrainOutsideZeroToTenMinutesRefusesToStart(string seconds)
    {
        using var factory = new ApiFactory(new Dictionary<string, string?> { ["Shutdown:DrainSeconds"] = seconds });

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("DrainSeconds", error.Message);
    }

    static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return false;
        }
    }

    /// <summary>A body of known length whose second part is sent only once <paramref name="release"/> completes: a
    /// request that is still arriving.</summary>
    sealed class HeldBackContent(byte[] body, int sentFirst, Task release) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(body.AsMemory(0, sentFirst));
            await stream.FlushAsync();
            await release;
            await stream.WriteAsync(body.AsMemory(sentFirst));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }
}
