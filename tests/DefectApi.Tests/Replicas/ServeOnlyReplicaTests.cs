namespace DefectApi.Tests.Replicas;

/// <summary>A serve-only replica (Training:Enabled=false) beside one that trains, on one PostgreSQL database.</summary>
[Collection(ReplicaCollection.Name)]
public sealed class ServeOnlyReplicaTests
{
    static readonly Dictionary<string, string> Open = new() { ["Auth__RequireKeys"] = "false" };

    [PostgresFact]
    public async Task JobsAcceptedByAServeOnlyReplicaWaitForAndAreTrainedByAReplicaWithTrainingOn()
    {
        await using var cluster = await ReplicaCluster.StartAsync(0);
        var serveOnly = await cluster.AddReplicaAsync(new Dictionary<string, string>(Open)
        {
            ["Training__Enabled"] = "false", ["Training__PollSeconds"] = "0.1",
        });
        var health = await serveOnly.Client.GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Contains("Training:Enabled=false", health.GetProperty("checks").GetProperty("training").GetProperty("description")
            .GetString());

        var dataset = (await serveOnly.Client.UploadAsync(TestData.DefectsCsv(rows: 3000, seed: 9))).GetProperty("id").GetString();
        var job = (await serveOnly.Client.StartJobAsync(new
        {
            datasetId = dataset, target = "Defect", hiddenLayers = new[] { 128, 128 }, epochs = 2000, earlyStoppingPatience = 2000,
            ensembleSize = 1,
        })).GetProperty("id").GetString()!;
        // Its own wake-up and twenty polls later, nobody has claimed the job.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var waiting = await serveOnly.Client.GetFromJsonAsync<JsonElement>($"/api/training-jobs/{job}");
        Assert.Equal("queued", waiting.GetProperty("status").GetString());
        Assert.Equal(0, await cluster.ScalarAsync<int>($"SELECT \"Attempts\" FROM \"TrainingJobs\" WHERE \"Id\" = '{job}'"));

        var trainer = await cluster.AddReplicaAsync(Open);
        await ReplicaCluster.WaitForJobAsync(serveOnly.Client, job, j => j.GetProperty("progress").ValueKind == JsonValueKind.Object,
            TimeSpan.FromSeconds(60));
        Assert.Equal(trainer.ProcessId, await cluster.TrainerOfAsync(job));
        Assert.Equal(HttpStatusCode.Accepted, (await serveOnly.Client.PostAsync($"/api/training-jobs/{job}/cancel?keepBest=true", null))
            .StatusCode);
        var finished = await ReplicaCluster.WaitForJobAsync(serveOnly.Client, job, j => j.GetProperty("status").GetString() != "running",
            TimeSpan.FromSeconds(60));
        Assert.Equal("succeeded", finished.GetProperty("status").GetString());
        Assert.Equal(1, await cluster.ScalarAsync<int>($"SELECT \"Attempts\" FROM \"TrainingJobs\" WHERE \"Id\" = '{job}'"));
    }
}
