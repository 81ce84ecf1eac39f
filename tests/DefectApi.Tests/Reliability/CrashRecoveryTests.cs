using Microsoft.Data.Sqlite;

namespace DefectApi.Tests.Reliability;

/// <summary>The real service process killed with SIGKILL at the worst moments, then started again on the same
/// database: nothing half-written is visible, nothing finished is lost.</summary>
public sealed class CrashRecoveryTests() : ProcessDatabase("defectapi-crash-")
{
    Task<ServiceProcess> StartAsync() => ServiceProcess.StartAsync(ServiceProcess.AppFolder(), Environment);

    T Query<T>(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T));
    }

    static async Task<JsonElement> WaitForAsync(HttpClient client, string jobId, Func<JsonElement, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var job = await client.GetFromJsonAsync<JsonElement>($"/api/training-jobs/{jobId}");
            if (done(job)) return job;
            if (DateTime.UtcNow > deadline) throw new TimeoutException(job.ToString());
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task KilledDuringAnUploadLeavesNoTraceAndEarlierDatasetsIntact()
    {
        JsonElement earlier;
        await using (var service = await StartAsync())
        {
            earlier = await service.Client.UploadAsync(TestData.DefectsCsv(rows: 300), "earlier");
            var stalled = new StalledCsvStream(rowsBeforeStall: 40_000);
            var content = new StreamContent(stalled);
            content.Headers.ContentType = new("text/csv");
            _ = service.Client.PostAsync("/api/datasets?name=partial", content);
            await stalled.Stalled.WaitAsync(TimeSpan.FromSeconds(30));
            // Wait until the partial upload has chunks on disk, so the kill lands mid-write.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (Query<long>("SELECT COUNT(*) FROM DatasetChunks c JOIN Datasets d ON d.Id = c.DatasetId WHERE d.Status = " +
                "'Uploading'") == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "no chunk of the upload reached the database");
                await Task.Delay(50);
            }
        }   // disposing kills the process (SIGKILL)

        await using (var service = await StartAsync())
        {
            var list = await service.Client.GetFromJsonAsync<JsonElement>("/api/datasets");
            var only = Assert.Single(list.GetProperty("items").EnumerateArray());
            Assert.Equal(earlier.GetProperty("id").GetString(), only.GetProperty("id").GetString());
            Assert.Equal(earlier.GetProperty("sha256").GetString(), only.GetProperty("sha256").GetString());
            var rows = await service.Client.GetFromJsonAsync<JsonElement>(
                $"/api/datasets/{only.GetProperty("id").GetString()}/rows?limit=1000");
            Assert.Equal(300, rows.GetProperty("rows").GetArrayLength());
        }
        Assert.Equal(0L, Query<long>("SELECT COUNT(*) FROM Datasets WHERE Status = 'Uploading'"));
        Assert.Equal(0L, Query<long>("SELECT COUNT(*) FROM DatasetChunks WHERE DatasetId NOT IN (SELECT Id FROM Datasets)"));
        Assert.Equal("ok", Query<string>("PRAGMA integrity_check"));
    }

    [Fact]
    public async Task KilledDuringTrainingTheJobRunsAgainAfterRestartAndEarlierModelsStillPredictTheSame()
    {
        string earlierModel, jobId, before;
        const string records = "{\"records\":[{\"team\":\"T1\",\"workers\":30,\"smv\":12.5},{\"team\":\"T4\",\"workers\":55,\"smv\":30}]}";
        await using (var service = await StartAsync())
        {
            var earlier = await service.Client.TrainAsync(TestData.EfficiencyCsv(rows: 200), "efficiency", new { epochs = 5 });
            earlierModel = earlier.GetProperty("modelId").GetString()!;
            before = await (await service.Client.PostAsync($"/api/models/{earlierModel}/predict", ApiClient.Json(records)))
                .Content.ReadAsStringAsync();
            var dataset = await service.Client.UploadAsync(TestData.DefectsCsv(rows: 3000, seed: 5), "long");
            var job = await service.Client.StartJobAsync(new
            {
                datasetId = dataset.GetProperty("id").GetString(), target = "Defect", epochs = 25, batchSize = 8, earlyStoppingPatience = 0,
            });
            jobId = job.GetProperty("id").GetString()!;
            await WaitForAsync(service.Client, jobId, j => j.GetProperty("progress").ValueKind == JsonValueKind.Object,
                TimeSpan.FromSeconds(60));
        }

        Assert.Equal("Running", Query<string>($"SELECT Status FROM TrainingJobs WHERE Id = '{jobId.ToUpperInvariant()}'"));
        await using (var service = await StartAsync())
        {
            var finished = await WaitForAsync(service.Client, jobId,
                j => j.GetProperty("status").GetString() is "succeeded" or "failed" or "canceled", TimeSpan.FromSeconds(180));
            Assert.Equal("succeeded", finished.GetProperty("status").GetString());
            var running = await service.Client.GetFromJsonAsync<JsonElement>("/api/training-jobs?status=running");
            Assert.Equal(0, running.GetProperty("items").GetArrayLength());
            var after = await (await service.Client.PostAsync($"/api/models/{earlierModel}/predict", ApiClient.Json(records)))
                .Content.ReadAsStringAsync();
            Assert.Equal(before, after);
        }
        Assert.Equal(2L, Query<long>($"SELECT Attempts FROM TrainingJobs WHERE Id = '{jobId.ToUpperInvariant()}'"));
    }

    [Fact]
    public async Task KilledWhileADeploymentMovesItPointsAtTheOldOrTheNewModel()
    {
        string first, second;
        await using (var service = await StartAsync())
        {
            first = (await service.Client.TrainAsync(TestData.EfficiencyCsv(seed: 1), "efficiency", new { epochs = 2 }))
                .GetProperty("modelId").GetString()!;
            second = (await service.Client.TrainAsync(TestData.EfficiencyCsv(seed: 2), "efficiency", new { epochs = 2 }))
                .GetProperty("modelId").GetString()!;
            (await service.Client.PutAsJsonAsync("/api/deployments/line3", new { modelId = first })).EnsureSuccessStatusCode();
            using var moving = new CancellationTokenSource();
            var mover = Task.Run(async () =>
            {
                for (var i = 0; !moving.IsCancellationRequested; i++)
                    try
                    {
                        await service.Client.PutAsJsonAsync("/api/deployments/line3", new { modelId = i % 2 == 0 ? second : first },
                        moving.Token);
                    }
                    catch (Exception) { return; }
            });
            await Task.Delay(700);
            await service.DisposeAsync();   // SIGKILL in the middle of the moves
            moving.Cancel();
            await mover;
        }

        Assert.Equal("ok", Query<string>("PRAGMA integrity_check"));
        await using (var service = await StartAsync())
        {
            var deployment = await service.Client.GetFromJsonAsync<JsonElement>("/api/deployments/line3");
            Assert.Contains(deployment.GetProperty("modelId").GetString(), new[] { first, second });
            var response = await service.Client.PostAsync("/api/deployments/line3/predict",
                ApiClient.Json("{\"records\":[{\"team\":\"T1\",\"workers\":30,\"smv\":12.5}]}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
