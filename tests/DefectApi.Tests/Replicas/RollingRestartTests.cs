using System.Collections.Concurrent;
using System.Globalization;
using DefectApi.Http;
using Xunit.Abstractions;

namespace DefectApi.Tests.Replicas;

/// <summary>An upgrade as an operator runs it: three replicas on PostgreSQL behind HAProxy with the shipped
/// <c>docker/haproxy.cfg</c>, each restarted in turn (SIGTERM, start again, wait for HAProxy's rise) while keep-alive
/// clients send predictions through HAProxy without any retry of their own.</summary>
[Collection(ReplicaCollection.Name)]
public sealed class RollingRestartTests(ITestOutputHelper output)
{
    const int Clients = 8;

    /// <summary>Between one client's predictions: steady traffic, not a saturated machine, so that a 2-core CI runner
    /// restarts replicas in seconds rather than minutes while the 8 clients send a few hundred predictions a second.</summary>
    static readonly TimeSpan PauseBetweenParts = TimeSpan.FromMilliseconds(10);
    static readonly TimeSpan RiseTimeout = TimeSpan.FromSeconds(60);

    [HaproxyFact]
    public async Task RestartingEveryReplicaInTurnUnderLoadFailsNoPrediction()
    {
        // The shipped drain, which the shipped haproxy.cfg is tuned for (test processes otherwise stop at once).
        var test = Stopwatch.StartNew();
        var drain = new ShutdownOptions().DrainSeconds.ToString(CultureInfo.InvariantCulture);
        await using var cluster = await ReplicaCluster.StartAsync(3, settings: new Dictionary<string, string>
        {
            [
            "Shutdown__DrainSeconds"] = drain
        });
        var model = await cluster[0].Client.TrainAsync(TestData.DefectsCsv(seed: 30), "Defect", new { epochs = 5 });
        var deployed = await cluster[0].Client.PutAsJsonAsync("/api/deployments/line1", new
        {
            modelId = model.GetProperty(
            "modelId").GetString()
        });
        Assert.Equal(HttpStatusCode.OK, deployed.StatusCode);
        await using var haproxy = await HaproxyProcess.StartAsync(cluster.Replicas.Select(r => r.BaseAddress.Port).ToArray());
        var servers = (await haproxy.ServersAsync()).Select(s => s.Server).ToArray();
        Assert.Equal(3, servers.Length);
        foreach (var server in servers) await haproxy.WaitUntilInRotationAsync(server, RiseTimeout);
        output.WriteLine($"3 replicas with a deployed model in rotation behind HAProxy after {test.Elapsed.TotalSeconds:0.0} s");

        using var stop = new CancellationTokenSource();
        var clients = new MesClients(haproxy.BaseAddress);
        var load = clients.RunAsync(Clients, stop.Token);

        await Task.Delay(TimeSpan.FromSeconds(1));
        var sessionsAfterRestart = new Dictionary<string, long>();
        for (var i = 0; i < cluster.Replicas.Count; i++)
        {
            var restart = Stopwatch.StartNew();
            var before = clients.Served;
            await cluster.StopAsync(i, TimeSpan.FromSeconds(60));
            var stopped = restart.Elapsed;
            await cluster.StartAgainAsync(i);
            var ready = restart.Elapsed;
            await haproxy.WaitUntilInRotationAsync(servers[i], RiseTimeout);
            sessionsAfterRestart[servers[i]] = (await haproxy.ServersAsync()).Single(s => s.Server == servers[i]).Sessions;
            output.WriteLine($"{servers[i]}: exited {stopped.TotalSeconds:0.0} s after SIGTERM, ready again at " +
                $"{ready.TotalSeconds:0.0} s, back in " +
                $"rotation at {restart.Elapsed.TotalSeconds:0.0} s; {clients.Served - before} predictions meanwhile, " +
                $"{clients.Failures.Count} failed so far");
        }
        // A moment of load on the last replica restarted, then the clients stop.
        await Task.Delay(TimeSpan.FromSeconds(1));
        await stop.CancelAsync();
        await load;

        var final = await haproxy.ServersAsync();
        output.WriteLine($"{clients.Served} predictions succeeded, {clients.Failures.Count} failed, through HAProxy with " +
            $"{Clients} keep-alive " +
            $"clients (test time {test.Elapsed.TotalSeconds:0} s)");
        output.WriteLine("requests HAProxy sent each replica: " + string.Join(", ", final.Select(s => $"{s.Server} {s.Sessions}")) +
            $"; requests it retried: {haproxy.RetriedRequests}");
        var notable = haproxy.NotableOutput();
        output.WriteLine($"HAProxy's log besides clean first-try answers ({notable.Count} lines):\n" +
            $"{string.Join('\n', notable.TakeLast(60))}");
        Assert.True(clients.Failures.IsEmpty, $"{clients.Failures.Count} predictions failed, e.g.:\n" +
            $"{string.Join('\n', clients.Failures.Take(10))}");
        Assert.True(clients.Served > 1000, $"only {clients.Served} predictions were served");
        // HAProxy's retries are the safety net for a replica that dies (SIGKILL, a crash). A replica that is stopped
        // drains: HAProxy takes it out before it stops accepting, so not even a retry is needed.
        Assert.Equal(0, haproxy.RetriedRequests);
        // Each restarted replica took its share again: HAProxy sent it requests after its rise.
        foreach (var server in servers)
            Assert.True(final.Single(s => s.Server == server).Sessions > sessionsAfterRestart[server],
                $"{server} got no request after its restart");
    }

    /// <summary>MES clients, each with one keep-alive connection through HAProxy, sending one-record predictions one
    /// after another with no retries of their own. Every answer other than 200, and every exception, is a failure.</summary>
    sealed class MesClients(Uri haproxy)
    {
        long _served;
        public long Served => Interlocked.Read(ref _served);
        public ConcurrentQueue<string> Failures { get; } = new();

        public Task RunAsync(int clients, CancellationToken stop) =>
            Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(() => PredictUntilAsync(stop))));

        async Task PredictUntilAsync(CancellationToken stop)
        {
            using var client = new HttpClient { BaseAddress = haproxy, Timeout = TimeSpan.FromSeconds(30) };
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    // Not cancelled by the stop token: a request under way is let finish, so that a stop is never a failure.
                    using var response = await client.PostAsync("/api/deployments/line1/predict",
                        ApiClient.Json(TestData.OneDefectsPartJson), CancellationToken.None);
                    if (response.StatusCode == HttpStatusCode.OK) Interlocked.Increment(ref _served);
                    else Failures.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {(int)response.StatusCode}: " +
                        $"{await response.Content.ReadAsStringAsync(CancellationToken.None)}");
                    await Task.Delay(PauseBetweenParts, CancellationToken.None);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Failures.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {e.GetType().Name}: {e.GetBaseException().Message}");
                }
            }
        }
    }
}
