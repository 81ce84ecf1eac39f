using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace DefectApi.Tests.Reliability;

/// <summary>Bounded load on loopback against the real service process. CI runs the short form; set
/// DEFECTAPI_LOAD_SECONDS=60 for the full one.</summary>
public sealed class LoadTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly string _folder = Directory.CreateTempSubdirectory("defectapi-load-").FullName;
    ServiceProcess _service = null!;
    HttpClient Client => _service.Client;

    static int LoadSeconds => int.TryParse(Environment.GetEnvironmentVariable("DEFECTAPI_LOAD_SECONDS"), out var s) ? s : 8;

    public async Task InitializeAsync() => _service = await ServiceProcess.StartAsync(ServiceProcess.AppFolder(),
        new Dictionary<string, string> { ["ConnectionStrings__Defects"] = $"Data Source={Path.Combine(_folder, "load.db")}" });

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    const string Record = "{\"records\":[{\"team\":\"T3\",\"workers\":41,\"smv\":17.25}]}";

    [Fact]
    public async Task PredictionsUnderLoadWhileTrainingAndMovingADeploymentNeverFailNorMixModels()
    {
        var a = (await Client.TrainAsync(TestData.EfficiencyCsv(seed: 1), "efficiency", new { epochs = 4 }))
            .GetProperty("modelId").GetString()!;
        var b = (await Client.TrainAsync(TestData.EfficiencyCsv(seed: 2), "efficiency", new { epochs = 4, learningRate = 0.05 }))
            .GetProperty("modelId").GetString()!;
        var expected = new Dictionary<string, double>
        {
            [a] = await ValueAsync($"/api/models/{a}/predict"), [b] = await ValueAsync($"/api/models/{b}/predict"),
        };
        Assert.NotEqual(expected[a], expected[b]);
        (await Client.PutAsJsonAsync("/api/deployments/line3", new { modelId = a })).EnsureSuccessStatusCode();
        var big = await Client.UploadAsync(TestData.DefectsCsv(rows: 5000, seed: 9), "background");
        var training = await Client.StartJobAsync(new
        {
            datasetId = big.GetProperty("id").GetString(), target = "Defect", epochs = 10_000,
            batchSize = 16, earlyStoppingPatience = 0
        });

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(LoadSeconds));
        var moves = 0;
        var mover = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1.5));
                var target = ++moves % 2 == 1 ? b : a;
                (await Client.PutAsJsonAsync("/api/deployments/line3", new { modelId = target })).EnsureSuccessStatusCode();
            }
        });
        var failures = new List<string>();
        var latencies = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            var mine = new List<double>();
            while (!stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await Client.PostAsync("/api/deployments/line3/predict", ApiClient.Json(Record));
                var body = await response.Content.ReadAsStringAsync();
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    lock (failures) failures.Add($"{(int)response.StatusCode} " +
                    $"{body}"); continue;
                }
                var answer = JsonDocument.Parse(body).RootElement;
                var model = answer.GetProperty("modelId").GetString()!;
                var value = answer.GetProperty("predictions")[0].GetProperty("value").GetDouble();
                if (!expected.TryGetValue(model, out var want) || want != value) lock (failures)
                    failures.Add($"model {model} answered {value}");
            }
            return mine;
        })));
        await mover;
        await Client.PostAsync($"/api/training-jobs/{training.GetProperty("id").GetString()}/cancel", null);

        var all = latencies.SelectMany(l => l).Order().ToArray();
        output.WriteLine($"load seconds={LoadSeconds} requests={all.Length} rps={all.Length / (double)LoadSeconds:F0} " +
            $"p50_ms={all[all.Length / 2]:F2} " +
            $"p99_ms={all[(int)(all.Length * 0.99)]:F2} deployment_moves={moves}");
        Assert.Empty(failures);
        Assert.True(moves >= 2, $"the deployment moved {moves} times");
        Assert.True(all.Length > 100, $"only {all.Length} requests");
    }

    async Task<double> ValueAsync(string path)
    {
        var response = await Client.PostAsync(path, ApiClient.Json(Record));
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("predictions")[0].GetProperty(
            "value").GetDouble();
    }

    [Fact]
    public async Task TwentyConcurrentUploadsAndTenQueuedJobsAllCompleteInOrder()
    {
        var uploads = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Client.UploadAsync(TestData.EfficiencyCsv(rows: 150,
            seed: 100 + i), $"upload-{i}")));
        Assert.Equal(20, uploads.Select(u => u.GetProperty("id").GetString()).Distinct().Count());
        var list = await Client.GetFromJsonAsync<JsonElement>("/api/datasets");
        Assert.Equal(20, list.GetProperty("items").GetArrayLength());

        var jobs = new List<string>();
        foreach (var upload in uploads.Take(10))
            jobs.Add((await Client.StartJobAsync(new
            {
                datasetId = upload.GetProperty("id").GetString(), target = "efficiency",
                epochs = 3
            })).GetProperty("id").GetString()!);
        var finished = new List<JsonElement>();
        foreach (var id in jobs) finished.Add(await Client.WaitForJobAsync(id, TimeSpan.FromSeconds(120)));

        Assert.All(finished, j => Assert.Equal("succeeded", j.GetProperty("status").GetString()));
        var starts = finished.Select(j => j.GetProperty("startedAt").GetDateTime()).ToList();
        Assert.Equal(starts.Order(), starts);
        var models = await Client.GetFromJsonAsync<JsonElement>("/api/models");
        Assert.Equal(10, models.GetProperty("items").GetArrayLength());
    }
}
