namespace DefectApi.Bench.Service;

/// <summary>Mixed load for a long while (predictions from 8 clients, a deployment moved every few seconds, training
/// jobs back to back, uploads and deletes), reporting the process's memory after the first minute and at the end:
/// a leak shows as growth between the two.</summary>
internal static class SoakBench
{
    public static async Task<int> RunAsync(string[] raw)
    {
        var args = new BenchArgs(raw);
        var minutes = args.Int("minutes", 10);
        await using var host = await BenchHost.StartAsync();
        using var client = host.CreateClient();
        var a = await AI4IModel.TrainAndDeployAsync(client, epochs: 3);
        var b = await AI4IModel.TrainAndDeployAsync(client, epochs: 4);
        var body = JsonSerializer.SerializeToUtf8Bytes(new { records = AI4IModel.Records(5) });
        var datasets = await client.GetFromJsonAsync<JsonElement>("/api/datasets");
        var trainingSet = datasets.GetProperty("items")[0].GetProperty("id").GetString();

        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(minutes));
        long requests = 0, failed = 0;
        double? rssAfterFirstMinute = null;
        var watch = Stopwatch.StartNew();
        var sampler = Task.Run(async () =>
        {
            for (var minute = 1; !stop.IsCancellationRequested; minute++)
            {
                await Task.Delay(TimeSpan.FromMinutes(1), stop.Token).ContinueWith(_ => { });
                var rss = ResidentMegabytes();
                if (minute == 1) rssAfterFirstMinute = rss;
                Console.WriteLine($"soak minute={minute} rss_mb={BenchArgs.F(rss, "F0")} " +
                    $"live_managed_mb={BenchArgs.F(GC.GetTotalMemory(true) / 1048576.0, "F0")} " +
                    $"gc_committed_mb={BenchArgs.F(GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576.0, "F0")} " +
                    $"requests={Interlocked.Read(ref requests)}");
            }
        });
        var predictors = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var content = new ByteArrayContent(body);
                content.Headers.ContentType = new("application/json");
                using var response = await client.PostAsync("/api/deployments/bench/predict", content);
                await response.Content.LoadIntoBufferAsync();
                Interlocked.Increment(ref requests);
                if (!response.IsSuccessStatusCode) Interlocked.Increment(ref failed);
            }
        }));
        var mover = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await Task.Delay(3000);
                await client.PutAsJsonAsync("/api/deployments/bench", new { modelId = i % 2 == 0 ? a : b });
            }
        });
        var trainer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var job = await (await client.PostAsJsonAsync("/api/training-jobs", new
                {
                    datasetId = trainingSet, target = "Machine failure", exclude = AI4IModel.Excluded, epochs = 3, modelName = "soak",
                })).Content.ReadFromJsonAsync<JsonElement>();
                string? status;
                do
                {
                    await Task.Delay(500);
                    status = (await client.GetFromJsonAsync<JsonElement>($"/api/training-jobs/{job.GetProperty("id").GetString()}"))
                        .GetProperty("status").GetString();
                } while (status is "queued" or "running");
                // Keep the registry from growing without bound: the soak looks for leaks, not for storage growth.
                var models = await client.GetFromJsonAsync<JsonElement>("/api/models");
                foreach (var model in models.GetProperty("items").EnumerateArray().Where(m => m.GetProperty("name").GetString() == "soak"))
                    await client.DeleteAsync($"/api/models/{model.GetProperty("id").GetString()}");
            }
        });
        var uploader = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var csv = new StringBuilder("x,y,z\n");
                for (var r = 0; r < 2000; r++) csv.Append($"{r},{(r * 31 + i) % 97},{i}\n");
                var created = await (await client.PostAsync($"/api/datasets?name=soak-{i}", new StringContent(csv.ToString(),
                    Encoding.UTF8, "text/csv")))
                    .Content.ReadFromJsonAsync<JsonElement>();
                await client.DeleteAsync($"/api/datasets/{created.GetProperty("id").GetString()}");
                await Task.Delay(2000);
            }
        });
        await Task.WhenAll([.. predictors, mover, trainer, uploader, sampler]);
        GC.Collect();
        var end = ResidentMegabytes();
        var first = rssAfterFirstMinute ?? double.NaN;
        Console.WriteLine($"soak minutes={minutes} rss_mb_after_1min={BenchArgs.F(first, "F0")} rss_mb_at_end={BenchArgs.F(end, "F0")} " +
            $"growth_pct={BenchArgs.F((end - first) / first * 100)} requests={requests} failed={failed} " +
            $"rps={BenchArgs.F(requests / watch.Elapsed.TotalSeconds, "F0")}");
        return failed == 0 ? 0 : 1;
    }

    static double ResidentMegabytes()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / 1048576.0;
    }
}
