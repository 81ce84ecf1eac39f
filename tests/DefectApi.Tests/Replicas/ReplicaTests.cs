using System.Collections.Concurrent;
using Xunit.Abstractions;

namespace DefectApi.Tests.Replicas;

/// <summary>Replicas as real processes on loopback sharing one PostgreSQL database: any replica answers any call, and
/// any replica can die without losing a job, a model or a deployment.</summary>
[Collection(ReplicaCollection.Name)]
public sealed class ReplicaTests(ITestOutputHelper output)
{
    static readonly object Part = TestData.OneDefectsPart;

    static async Task<string> TrainAsync(HttpClient client, int seed, object? extra = null) =>
        (await client.TrainAsync(TestData.DefectsCsv(seed: seed), "Defect", extra ?? new { epochs = 5 }))
            .GetProperty("modelId").GetString()!;

    [PostgresFact]
    public async Task AModelTrainedThroughOneReplicaPredictsIdenticallyOnEveryOther()
    {
        await using var cluster = await ReplicaCluster.StartAsync(3);

        var modelId = await TrainAsync(cluster[0].Client, seed: 21);
        Assert.Equal(HttpStatusCode.OK, (await cluster[1].Client.PutAsJsonAsync("/api/deployments/line1", new { modelId })).StatusCode);

        var answers = new List<string>();
        foreach (var replica in cluster.Replicas)
        {
            var response = await replica.Client.PostAsJsonAsync("/api/deployments/line1/predict", Part);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            answers.Add(ApiClient.WithoutPredictionIds((await response.Content.ReadFromJsonAsync<JsonElement>())
                .GetProperty("predictions")));
        }
        Assert.Single(answers.Distinct());
        Assert.Equal(modelId, (await cluster[2].Client.GetFromJsonAsync<JsonElement>($"/api/models/{modelId}"))
            .GetProperty("id").GetString());
    }

    [PostgresFact]
    public async Task AJobWhoseReplicaIsKilledMidEpochIsFinishedByAnother()
    {
        await using var cluster = await ReplicaCluster.StartAsync(3);
        var client = cluster[0].Client;
        var dataset = (await client.UploadAsync(TestData.DefectsCsv(rows: 3000, seed: 5))).GetProperty("id").GetString();
        // Long enough to be killed in the middle; "stop, keep best" ends it once another replica has taken over.
        var job = (await client.StartJobAsync(new
        {
            datasetId = dataset, target = "Defect", hiddenLayers = new[] { 256, 256 }, epochs = 2000, earlyStoppingPatience = 2000,
            ensembleSize = 1,
        })).GetProperty("id").GetString()!;
        await ReplicaCluster.WaitForJobAsync(client, job, j => j.GetProperty("progress").ValueKind == JsonValueKind.Object,
            TimeSpan.FromSeconds(60));
        var trainerPid = await cluster.TrainerOfAsync(job);
        var trainer = cluster.Replicas.Single(r => r.ProcessId == trainerPid);

        await trainer.DisposeAsync();  // SIGKILL
        var survivor = cluster.Replicas.First(r => r != trainer);
        // The lease (6 s) lapses, another replica claims the job and trains it from the start.
        var takenOver = Stopwatch.StartNew();
        int? newTrainer;
        while ((newTrainer = await cluster.TrainerOfAsync(job)) is null || newTrainer == trainerPid)
        {
            Assert.True(takenOver.Elapsed < TimeSpan.FromSeconds(60), "no replica took the job over within 60 s");
            await Task.Delay(100);
        }
        output.WriteLine($"taken over after {takenOver.Elapsed.TotalSeconds:0.0} s");
        await ReplicaCluster.WaitForJobAsync(survivor.Client, job, j => j.GetProperty("status").GetString() == "running"
            && j.GetProperty("progress").ValueKind == JsonValueKind.Object, TimeSpan.FromSeconds(60));
        var other = cluster.Replicas.First(r => r != trainer && r.ProcessId != newTrainer);
        Assert.Equal(HttpStatusCode.Accepted, (await other.Client.PostAsync($"/api/training-jobs/{job}/cancel?keepBest=true", null))
            .StatusCode);

        var finished = await ReplicaCluster.WaitForJobAsync(other.Client, job, j => j.GetProperty("status").GetString() != "running",
            TimeSpan.FromSeconds(60));
        Assert.Equal("succeeded", finished.GetProperty("status").GetString());
        Assert.Equal(0, await cluster.ScalarAsync<long>("SELECT COUNT(*) FROM \"TrainingJobs\" WHERE \"Status\" = 'Running'"));
        Assert.Equal(2, await cluster.ScalarAsync<int>($"SELECT \"Attempts\" FROM \"TrainingJobs\" WHERE \"Id\" = '{job}'"));
        Assert.Equal(1, await cluster.ScalarAsync<long>("SELECT COUNT(*) FROM \"Models\""));
        var modelId = finished.GetProperty("modelId").GetString();
        Assert.Equal(HttpStatusCode.OK, (await other.Client.PostAsJsonAsync($"/api/models/{modelId}/predict", Part)).StatusCode);
    }

    [PostgresFact]
    public async Task AJobIsFollowedAndCanceledThroughAReplicaThatDoesNotTrainIt()
    {
        await using var cluster = await ReplicaCluster.StartAsync(2);
        var dataset = (await cluster[0].Client.UploadAsync(TestData.DefectsCsv(rows: 3000, seed: 6))).GetProperty("id").GetString();
        var job = (await cluster[0].Client.StartJobAsync(new
        {
            datasetId = dataset, target = "Defect", hiddenLayers = new[] { 128, 128 }, epochs = 2000, earlyStoppingPatience = 2000,
            ensembleSize = 1,
        })).GetProperty("id").GetString()!;
        await ReplicaCluster.WaitForJobAsync(cluster[0].Client, job, j => j.GetProperty("status").GetString() == "running",
            TimeSpan.FromSeconds(60));
        var trainerPid = await cluster.TrainerOfAsync(job);
        var follower = cluster.Replicas.Single(r => r.ProcessId != trainerPid);

        // The event stream on the replica that does not train the job shows the epochs as they pass.
        using var events = await follower.Client.GetStreamAsync($"/api/training-jobs/{job}/events");
        using var reader = new StreamReader(events);
        var epochs = new List<int>();
        while (epochs.Count < 3 && await reader.ReadLineAsync() is { } line)
            if (line.StartsWith("data:") && JsonDocument.Parse(line[5..]).RootElement.TryGetProperty("epoch", out var epoch))
                epochs.Add(epoch.GetInt32());
        Assert.Equal(epochs.OrderBy(e => e), epochs);
        Assert.True(epochs[^1] > epochs[0], $"the stream did not advance: {string.Join(", ", epochs)}");

        var canceled = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.Accepted, (await follower.Client.PostAsync($"/api/training-jobs/{job}/cancel", null)).StatusCode);
        var finished = await ReplicaCluster.WaitForJobAsync(follower.Client, job, j => j.GetProperty("status").GetString() != "running",
            TimeSpan.FromSeconds(30));
        output.WriteLine($"canceled through the other replica after {canceled.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal("canceled", finished.GetProperty("status").GetString());
        // One batch of 32 rows takes milliseconds; the flag is read twice a second.
        Assert.True(canceled.Elapsed < TimeSpan.FromSeconds(2.5), $"cancel took {canceled.Elapsed.TotalMilliseconds:0} ms");
    }

    [PostgresFact]
    public async Task QueuedJobsDrainAcrossTwoReplicasEachRunExactlyOnce()
    {
        await using var cluster = await ReplicaCluster.StartAsync(2);
        var client = cluster[0].Client;
        var dataset = (await client.UploadAsync(TestData.DefectsCsv(rows: 800, seed: 8))).GetProperty("id").GetString();
        var jobs = new List<string>();
        for (var i = 0; i < 10; i++)
            jobs.Add((await cluster[i % 2].Client.StartJobAsync(new
            {
                datasetId = dataset, target = "Defect", epochs = 30,
                ensembleSize = 1, seed = i
            }))
                .GetProperty("id").GetString()!);

        var mostRunning = 0L;
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (await cluster.ScalarAsync<long>("SELECT COUNT(*) FROM \"TrainingJobs\" WHERE \"Status\" IN ('Queued', 'Running')") > 0)
        {
            mostRunning = Math.Max(mostRunning, await cluster.ScalarAsync<long>("SELECT COUNT(*) FROM \"TrainingJobs\" WHERE " +
                "\"Status\" = 'Running'"));
            Assert.True(DateTime.UtcNow < deadline, "the queue did not drain within 3 minutes");
            await Task.Delay(20);
        }

        foreach (var job in jobs)
        {
            var finished = await client.GetFromJsonAsync<JsonElement>($"/api/training-jobs/{job}");
            Assert.True(finished.GetProperty("status").GetString() == "succeeded", finished.ToString());
        }
        Assert.Equal(10, await cluster.ScalarAsync<long>("SELECT COUNT(*) FROM \"TrainingJobs\" WHERE \"Attempts\" = 1"));
        Assert.Equal(10, await cluster.ScalarAsync<long>("SELECT COUNT(DISTINCT \"JobId\") FROM \"Models\""));
        Assert.Equal(10, await cluster.ScalarAsync<long>("SELECT COUNT(*) FROM \"Models\""));
        Assert.Equal(2, mostRunning);
    }

    [PostgresFact]
    public async Task EveryReplicaFollowsEachDeploymentMoveWithinASecondWithoutAFailedOrMixedAnswer()
    {
        await using var cluster = await ReplicaCluster.StartAsync(3);
        var models = new[] { await TrainAsync(cluster[0].Client, seed: 31), await TrainAsync(cluster[0].Client, seed: 32) };
        // What each model answers for the part: an answer from a mix of models would match neither.
        var expected = new Dictionary<string, string>();
        foreach (var model in models)
            expected[model] = ApiClient.WithoutPredictionIds((await (await cluster[0].Client.PostAsJsonAsync($"/api/models/{model}/predict",
                Part)).Content
                .ReadFromJsonAsync<JsonElement>()).GetProperty("predictions"));
        Assert.NotEqual(expected[models[0]], expected[models[1]]);
        await cluster[0].Client.PutAsJsonAsync("/api/deployments/moving", new { modelId = models[0] });

        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentQueue<string>();
        var latest = new ConcurrentDictionary<int, string>();
        var served = 0;
        var load = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            var replica = cluster[1 + worker % 2];
            while (!stop.IsCancellationRequested)
            {
                var response = await replica.Client.PostAsJsonAsync("/api/deployments/moving/predict", Part);
                Interlocked.Increment(ref served);
                if (response.StatusCode != HttpStatusCode.OK) { failures.Enqueue($"{response.StatusCode}"); continue; }
                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                var modelId = body.GetProperty("modelId").GetString()!;
                if (!expected.TryGetValue(modelId, out var answer) || answer != ApiClient.WithoutPredictionIds(
                    body.GetProperty("predictions")))
                    failures.Enqueue($"answer not of model {modelId}");
                latest[1 + worker % 2] = modelId;
                // A steady stream, as MES lines send, rather than as fast as two shared cores allow: saturated
                // replicas would measure their request queue, not how fast they follow a move.
                await Task.Delay(2);
            }
        })).ToList();

        // The moves start once both replicas are in service: their first answers (code compiled on first use, first
        // connections, the model's first read) are start-up, not the following of a move.
        var warm = Stopwatch.StartNew();
        while (Volatile.Read(ref served) < 200 || latest.Count < 2)
        {
            Assert.True(warm.Elapsed < TimeSpan.FromSeconds(30), "the replicas did not answer within 30 s");
            await Task.Delay(10);
        }
        await Task.Delay(1000);

        var followed = new List<double>();
        for (var move = 1; move <= 50; move++)
        {
            var target = models[move % 2];
            Assert.Equal(HttpStatusCode.OK, (await cluster[0].Client.PutAsJsonAsync("/api/deployments/moving", new { modelId = target }))
                .StatusCode);
            var moved = Stopwatch.StartNew();
            while (!(latest.TryGetValue(1, out var b) && b == target && latest.TryGetValue(2, out var c) && c == target))
            {
                Assert.True(moved.Elapsed < TimeSpan.FromSeconds(5), $"move {move} not followed within 5 s");
                await Task.Delay(5);
            }
            followed.Add(moved.Elapsed.TotalMilliseconds);
            if (moved.Elapsed.TotalMilliseconds > 500) output.WriteLine($"move {move} took {moved.Elapsed.TotalMilliseconds:0} ms");
            // A request already under way when the move landed may still answer from the old model.
            await Task.Delay(50);
            latest.Clear();
        }
        await stop.CancelAsync();
        await Task.WhenAll(load);

        followed.Sort();
        output.WriteLine($"served={served} moves={followed.Count} follow_ms p50={followed[followed.Count / 2]:0} max={followed[^1]:0}");
        Assert.Empty(failures);
        Assert.True(served > 100, $"only {served} predictions served");
        Assert.True(followed[^1] < 1000, $"the slowest move took {followed[^1]:0} ms to reach both replicas (median " +
            $"{followed[followed.Count / 2]:0} ms)");
    }
}

/// <summary>Replica tests start several processes each: one class at a time keeps a 2-core machine's timing sane.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReplicaCollection
{
    public const string Name = "Replicas";
}
