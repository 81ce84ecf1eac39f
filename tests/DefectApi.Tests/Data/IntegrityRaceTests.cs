using DefectApi.Tabular;
using DefectApi.Training;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Tests.Data;

/// <summary>The races a tester found, each run many times: the database's keys and transactions, not the order in which
/// requests happen to arrive, keep the stored state whole. Runs on both providers.</summary>
public abstract class IntegrityRaceTests(DatabaseProvider provider) : ServiceOnProvider(provider)
{
    const int Rounds = 10;

    [SkippableFact]
    public async Task DeletingADatasetWhileJobsAreQueuedOnItNeverLeavesAJobWithoutItsData()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var dataset = (await Client.UploadAsync(TestData.DefectsCsv(rows: 60, seed: 100 + round))).GetProperty("id").GetString();
            var start = new TaskCompletionSource();
            var creates = Enumerable.Range(0, 7).Select(_ => Task.Run(async () =>
            {
                await start.Task;
                return await Client.PostAsJsonAsync("/api/training-jobs", new { datasetId = dataset, target = "Defect", epochs = 1 });
            })).ToList();
            var delete = Task.Run(async () => { await start.Task; return await Client.DeleteAsync($"/api/datasets/{dataset}"); });
            start.SetResult();
            var created = await Task.WhenAll(creates);
            var deleted = await delete;

            Assert.All(created, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Accepted, HttpStatusCode.BadRequest }));
            Assert.Contains(deleted.StatusCode, new[] { HttpStatusCode.NoContent, HttpStatusCode.Conflict });
            if (deleted.StatusCode == HttpStatusCode.NoContent)
                Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/api/datasets/{dataset}")).StatusCode);
            using var scope = Factory.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
            var orphans = await db.TrainingJobs.CountAsync(j => (j.Status == JobStatus.Queued || j.Status == JobStatus.Running)
                && !db.Datasets.Any(d => d.Id == j.DatasetId));
            Assert.Equal(0, orphans);
        }
    }

    [SkippableFact]
    public async Task DeletingAModelWhileADeploymentMovesToItNeverLeavesADeploymentWithoutItsModel()
    {
        var trained = (await Client.TrainAsync(TestData.EfficiencyCsv(), "efficiency", new { epochs = 3 }))
            .GetProperty("modelId").GetString();
        var record = new { records = new[] { new Dictionary<string, object?> { ["team"] = "T1", ["workers"] = 30, ["smv"] = 20.0 } } };
        for (var round = 0; round < Rounds; round++)
        {
            var copy = await ModelRows.CopyAsync(Factory.Services, Guid.Parse(trained!), round);
            var start = new TaskCompletionSource();
            var put = Task.Run(async () =>
            {
                await start.Task; return await Client.PutAsJsonAsync("/api/deployments/race",
                new { modelId = copy });
            });
            var delete = Task.Run(async () => { await start.Task; return await Client.DeleteAsync($"/api/models/{copy}"); });
            start.SetResult();
            var (moved, deleted) = (await put, await delete);

            Assert.Contains(moved.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.BadRequest });
            Assert.Contains(deleted.StatusCode, new[] { HttpStatusCode.NoContent, HttpStatusCode.Conflict });
            Assert.False(moved.StatusCode == HttpStatusCode.OK && deleted.StatusCode == HttpStatusCode.NoContent,
                "the deployment moved to the model and the model was deleted");
            var prediction = await Client.PostAsJsonAsync("/api/deployments/race/predict", record);
            if (moved.StatusCode == HttpStatusCode.OK) Assert.Equal(HttpStatusCode.OK, prediction.StatusCode);
            // Point the name back at the trained model, so the next round's copy can be deleted when nothing moved to it.
            Assert.Equal(HttpStatusCode.OK, (await Client.PutAsJsonAsync("/api/deployments/race", new { modelId = trained })).StatusCode);
        }
    }

    [SkippableFact]
    public async Task ConcurrentThresholdChangesLeaveTheServedThresholdEqualToTheStoredOne()
    {
        var modelId = (await Client.TrainAsync(TestData.DefectsCsv(), "Defect", new { epochs = 3 })).GetProperty("modelId").GetString()!;
        await Client.PutAsJsonAsync("/api/deployments/thresholds", new { modelId });
        var record = new
        {
            records = new[] { new Dictionary<string, object?> { ["Serial"] = "SN1", ["Shift"] = "early",
            ["Temperature [C]"] = 90.0, ["Speed [rpm]"] = 1600.0 } }
        };
        var random = new Random(3);
        for (var round = 0; round < Rounds / 2; round++)
        {
            var thresholds = Enumerable.Range(0, 20).Select(_ => Math.Round(random.NextDouble(), 4)).ToList();
            var writes = thresholds.Select(t => Task.Run(() => Client.PutAsJsonAsync($"/api/models/{modelId}/threshold",
                new { threshold = t })));
            var reads = Enumerable.Range(0, 20).Select(_ => Task.Run(() => Client.PostAsJsonAsync("/api/deployments/thresholds/predict",
                record)));
            var responses = await Task.WhenAll(writes.Concat(reads));
            Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

            var served = (await Client.GetFromJsonAsync<JsonElement>($"/api/models/{modelId}")).GetProperty("threshold").GetDouble();
            Assert.Equal(await StoredThresholdAsync(Guid.Parse(modelId)), served, 9);
            var prediction = (await (await Client.PostAsJsonAsync("/api/deployments/thresholds/predict", record))
                .Content.ReadFromJsonAsync<JsonElement>())
                .GetProperty("predictions")[0];
            Assert.Equal(prediction.GetProperty("probability").GetDouble() >= served, prediction.GetProperty("defect").GetBoolean());
        }
    }

    async Task<double> StoredThresholdAsync(Guid id)
    {
        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
        var bytes = await db.Models.AsNoTracking().Where(m => m.Id == id).Select(m => m.Artifact).SingleAsync();
        return ModelArtifact.FromBytes(bytes).Threshold!.Value;
    }
}

public sealed class IntegrityRaceTestsOnSqlite() : IntegrityRaceTests(DatabaseProvider.Sqlite);

public sealed class IntegrityRaceTestsOnPostgres() : IntegrityRaceTests(DatabaseProvider.Postgres);
