namespace DefectApi.Tests.Replicas;

/// <summary>Monitoring across replicas on one PostgreSQL database: a prediction answered by one replica takes an
/// outcome sent to the other a moment later, and either reports the same performance and drift.</summary>
[Collection(ReplicaCollection.Name)]
public sealed class MonitoringReplicaTests
{
    static readonly object Parts = TestData.TwoDefectsParts;

    [PostgresFact]
    public async Task AnOutcomeSentAtOnceToTheOtherReplicaIsKeptAndMatchedAndEitherReplicaReportsTheSame()
    {
        await using var cluster = await ReplicaCluster.StartAsync(2);
        var champion = (await cluster[0].Client.TrainAsync(TestData.DefectsCsv(seed: 3), "Defect", new { epochs = 3, ensembleSize = 1 }))
            .GetProperty("modelId").GetString();
        var challenger = (await cluster[1].Client.TrainAsync(TestData.DefectsCsv(seed: 4), "Defect", new { epochs = 3, ensembleSize = 1 }))
            .GetProperty("modelId").GetString();
        (await cluster[1].Client.PutAsJsonAsync("/api/deployments/line7", new { modelId = champion, shadowModelId = challenger }))
            .EnsureSuccessStatusCode();

        var answer = await (await cluster[0].Client.PostAsJsonAsync("/api/deployments/line7/predict", Parts))
            .Content.ReadFromJsonAsync<JsonElement>();
        var ids = answer.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("predictionId").GetString()).ToArray();
        // At once, to the other replica: replica 0 may not have written its log yet (it flushes every second), and the
        // outcomes must be kept all the same, matched now or pending until it does.
        var reported = await (await cluster[1].Client.PostAsJsonAsync("/api/deployments/line7/outcomes",
            new { outcomes = new[] { new { predictionId = ids[0], actual = "1" }, new { predictionId = ids[1], actual = "0" } } }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var withOutcome = async (ServiceProcess replica) => (await replica.Client.GetFromJsonAsync<JsonElement>(
            "/api/deployments/line7/performance"))
            .GetProperty("buckets").EnumerateArray().Sum(b => b.GetProperty("withOutcome").GetInt32());
        for (var waited = 0; waited < 100 && await withOutcome(cluster[1]) < 4; waited++) await Task.Delay(100);

        Assert.Equal(2, reported.GetProperty("matched").GetInt32() + reported.GetProperty("pending").GetArrayLength());
        foreach (var replica in cluster.Replicas)
        {
            var buckets = (await replica.Client.GetFromJsonAsync<JsonElement>("/api/deployments/line7/performance")).GetProperty("buckets")
                .EnumerateArray().Select(b => (b.GetProperty("modelId").GetString(), b.GetProperty("predictions").GetInt32(),
                    b.GetProperty("withOutcome").GetInt32()));
            Assert.Equal([(champion, 2, 2), (challenger, 2, 2)], buckets);
            var drift = await replica.Client.GetFromJsonAsync<JsonElement>("/api/deployments/line7/drift");
            Assert.Equal(2, drift.GetProperty("records").GetInt64());
            Assert.Equal(2, drift.GetProperty("shadow").GetProperty("records").GetInt64());
        }
    }
}
