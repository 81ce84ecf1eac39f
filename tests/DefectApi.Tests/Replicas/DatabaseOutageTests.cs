using System.Collections.Concurrent;
using Xunit.Abstractions;

namespace DefectApi.Tests.Replicas;

/// <summary>PostgreSQL stopped for 10 s under load, then started again: predictions from cached models go on, the
/// replicas say they are not ready and why, writes answer 503 with Retry-After, and full service comes back by itself.</summary>
[Collection(ReplicaCollection.Name)]
public sealed class DatabaseOutageTests(ITestOutputHelper output)
{
    static readonly object Part = TestData.OneDefectsPart;

    [PostgresFact]
    public async Task ReplicasServeCachedModelsThroughADatabaseOutageAndRecoverWithoutARestart()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var cluster = await ReplicaCluster.StartAsync(2, server);
        var modelId = (await cluster[0].Client.TrainAsync(TestData.DefectsCsv(), "Defect", new { epochs = 5 }))
            .GetProperty("modelId").GetString();
        Assert.Equal(HttpStatusCode.OK, (await cluster[0].Client.PutAsJsonAsync("/api/deployments/line", new { modelId })).StatusCode);
        foreach (var replica in cluster.Replicas)
            Assert.Equal(HttpStatusCode.OK, (await replica.Client.PostAsJsonAsync("/api/deployments/line/predict", Part)).StatusCode);

        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentQueue<string>();
        var served = 0;
        var load = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var response = await cluster[worker % 2].Client.PostAsJsonAsync("/api/deployments/line/predict", Part);
                if (response.StatusCode == HttpStatusCode.OK) Interlocked.Increment(ref served);
                else failures.Enqueue($"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        })).ToList();

        server.StopServer();
        var outage = Stopwatch.StartNew();
        var servedBefore = served;
        foreach (var replica in cluster.Replicas)
        {
            var ready = await replica.Client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("database unreachable", await ready.Content.ReadAsStringAsync());
            var write = await replica.Client.PutAsJsonAsync("/api/deployments/other", new { modelId });
            var problem = await write.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(write.Headers.RetryAfter);
            Assert.Contains("retry", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        }
        while (outage.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(100);
        var servedDuringOutage = served - servedBefore;
        await server.StartServerAsync();

        var recovery = Stopwatch.StartNew();
        foreach (var replica in cluster.Replicas)
            while ((await replica.Client.GetAsync("/health/ready")).StatusCode != HttpStatusCode.OK)
            {
                Assert.True(recovery.Elapsed < TimeSpan.FromSeconds(30), "a replica was not ready 30 s after the database came back");
                await Task.Delay(100);
            }
        output.WriteLine($"served during the outage: {servedDuringOutage}; ready again after {recovery.Elapsed.TotalSeconds:0.0} s");
        foreach (var replica in cluster.Replicas)
        {
            Assert.Equal(HttpStatusCode.OK, (await replica.Client.PutAsJsonAsync("/api/deployments/other", new { modelId })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await replica.Client.PostAsJsonAsync("/api/deployments/other/predict", Part)).StatusCode);
        }
        var retrained = await cluster[1].Client.TrainAsync(TestData.DefectsCsv(seed: 4), "Defect", new { epochs = 3 });
        Assert.Equal("succeeded", retrained.GetProperty("status").GetString());
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.Empty(failures);
        Assert.True(servedDuringOutage > 50, $"only {servedDuringOutage} predictions during the outage");
    }
}
