using System.Net.Http.Headers;
using DefectApi.Tests.Shared;

namespace DefectApi.Bench.Service;

/// <summary>The same service on SQLite and on PostgreSQL, in one run, taking turns: upload MB/s end to end, one-record
/// predict rps through a deployment (served from the model cache), and a job's claim-to-start latency (the job's
/// startedAt minus its createdAt, as the service records them). PostgreSQL is a throw-away server from Debian's
/// binaries on loopback, fsync on, commits not waited for (see PostgresServer).</summary>
internal static class ProvidersBench
{
    public static async Task<int> RunAsync(string[] raw)
    {
        var args = new BenchArgs(raw);
        int rows = args.Int("rows", 300_000), columns = args.Int("columns", 30), repetitions = args.Int("reps", 3);
        int clients = args.Int("clients", 32), seconds = args.Int("seconds", 5), jobs = args.Int("jobs", 10);
        var file = Path.Combine(Path.GetTempPath(), $"defectapi-upload-{rows}x{columns}-1.csv");
        if (!File.Exists(file)) UploadBench.Generate(file, rows, columns, 1);
        await using var server = await PostgresServer.StartAsync(durable: true);

        var results = new Dictionary<string, List<double>>();
        void Add(string key, double value) => (results.TryGetValue(key, out var list) ? list : results[key] = []).Add(value);
        for (var rep = 0; rep < repetitions; rep++)
            // Alternate which provider goes first, so that neither always meets a warmer machine.
            foreach (var provider in rep % 2 == 0 ? new[] { "sqlite", "postgres" } : ["postgres", "sqlite"])
            {
                var settings = provider == "postgres"
                    ? new Dictionary<string, string?>
                    {
                        ["Database:Provider"] = "postgres",
                        ["ConnectionStrings:Defects"] = server.CreateDatabase()
                    }
                    : null;
                await using var host = await BenchHost.StartAsync(settings: settings);
                using var client = host.CreateClient();
                Add($"{provider}.upload", await UploadAsync(client, file));
                await AI4IModel.TrainAndDeployAsync(client, epochs: 5);
                var body = JsonSerializer.SerializeToUtf8Bytes(new { records = AI4IModel.Records(1) });
                await ServeBench.Drive(client, "/api/deployments/bench/predict", body, clients, 1);  // warm-up
                var serve = await ServeBench.Drive(client, "/api/deployments/bench/predict", body, clients, seconds);
                if (serve.Failed > 0) { Console.Error.WriteLine($"{provider}: {serve.Failed} predictions failed"); return 1; }
                Add($"{provider}.rps", serve.Rps);
                Add($"{provider}.p99", serve.P99);
                Add($"{provider}.claim", await ClaimToStartAsync(client, jobs));
                Console.Error.WriteLine($"rep {rep} {provider}: upload {results[$"{provider}.upload"][^1]:F1} MB/s, " +
                    $"{serve.Rps:F0} rps, claim {results[$"{provider}.claim"][^1]:F1} ms");
            }

        double M(string key) => BenchArgs.Median(results[key]);
        Console.WriteLine($"providers upload_mb_per_s sqlite={BenchArgs.F(M("sqlite.upload"))} " +
            $"postgres={BenchArgs.F(M("postgres.upload"))} " +
            $"ratio={BenchArgs.F(M("postgres.upload") / M("sqlite.upload"), "F2")} size_mb={BenchArgs.F(new FileInfo(file).Length / 1e6)}");
        Console.WriteLine($"providers predict_rps sqlite={BenchArgs.F(M("sqlite.rps"), "F0")} " +
            $"postgres={BenchArgs.F(M("postgres.rps"), "F0")} " +
            $"ratio={BenchArgs.F(M("postgres.rps") / M("sqlite.rps"), "F2")} p99_us sqlite={BenchArgs.F(M("sqlite.p99"), "F0")} " +
            $"postgres={BenchArgs.F(M("postgres.p99"), "F0")} clients={clients} seconds={seconds}");
        Console.WriteLine($"providers claim_to_start_ms sqlite={BenchArgs.F(M("sqlite.claim"), "F1")} " +
            $"postgres={BenchArgs.F(M("postgres.claim"), "F1")} " +
            $"jobs={jobs} reps={repetitions} (medians over reps)");
        return 0;
    }

    static async Task<double> UploadAsync(HttpClient client, string file)
    {
        var watch = Stopwatch.StartNew();
        await using var stream = File.OpenRead(file);
        var content = new StreamContent(stream, 1 << 16);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var response = await client.PostAsync($"/api/datasets?name=bench-{Guid.NewGuid():N}", content);
        response.EnsureSuccessStatusCode();
        return new FileInfo(file).Length / 1e6 / watch.Elapsed.TotalSeconds;
    }

    /// <summary>The median, over small jobs run one after another on an idle worker, of startedAt − createdAt.</summary>
    static async Task<double> ClaimToStartAsync(HttpClient client, int jobs)
    {
        var dataset = (await client.GetFromJsonAsync<JsonElement>("/api/datasets?limit=1000")).GetProperty("items").EnumerateArray()
            .First(d => d.GetProperty("name").GetString() == "ai4i").GetProperty("id").GetString();
        var latencies = new List<double>();
        for (var i = 0; i < jobs; i++)
        {
            var created = await (await client.PostAsJsonAsync("/api/training-jobs", new
            {
                datasetId = dataset, target = "Machine failure", exclude = AI4IModel.Excluded, epochs = 1, ensembleSize = 1,
                hiddenLayers = new[] { 8 },
            })).Content.ReadFromJsonAsync<JsonElement>();
            var id = created.GetProperty("id").GetString();
            JsonElement job;
            do
            {
                await Task.Delay(20);
                job = await client.GetFromJsonAsync<JsonElement>($"/api/training-jobs/{id}");
            }
            while (job.GetProperty("status").GetString() is "queued" or "running");
            latencies.Add((job.GetProperty("startedAt").GetDateTime() - job.GetProperty("createdAt").GetDateTime()).TotalMilliseconds);
        }
        return BenchArgs.Median(latencies);
    }
}
