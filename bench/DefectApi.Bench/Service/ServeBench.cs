using System.Net.Http.Headers;

namespace DefectApi.Bench.Service;

/// <summary>Drives the in-process service with concurrent keep-alive clients, one record per request, against a
/// deployment of the AI4I model, and against two baselines in the same process and run: <c>GET /health/live</c> (the
/// service's bare endpoint, through the same middleware) and a constant JSON answer of the same size to the same
/// POST. The ratios are what the prediction path costs beyond HTTP itself. The same model by id (answers not logged)
/// runs alongside: logged_ratio is what the prediction log costs a deployment's answers.</summary>
internal static class ServeBench
{
    public static async Task<int> RunAsync(string[] raw)
    {
        var args = new BenchArgs(raw);
        int clients = args.Int("clients", 32), seconds = args.Int("seconds", 5), repetitions = args.Int("reps", 3);
        int? epochs = args.Get("epochs") is null ? null : args.Int("epochs", 0);
        byte[] constantBody = [];
        await using var host = await BenchHost.StartAsync(app => app.MapPost("/bench/constant", async (HttpRequest request) =>
        {
            await request.Body.CopyToAsync(Stream.Null);
            return Results.Bytes(constantBody, "application/json");
        }));
        using var client = host.CreateClient();
        var modelId = await AI4IModel.TrainAndDeployAsync(client, epochs);
        var body = JsonSerializer.SerializeToUtf8Bytes(new { records = AI4IModel.Records(1) });
        var sample = await client.PostAsync("/api/deployments/bench/predict", Json(body));
        constantBody = await sample.Content.ReadAsByteArrayAsync();

        var model = new List<Result>();
        var baseline = new List<Result>();
        var health = new List<Result>();
        var unlogged = new List<Result>();
        await Drive(client, "/bench/constant", body, clients, 1);   // warm-up every path
        await Drive(client, "/health/live", null, clients, 1);
        await Drive(client, "/api/deployments/bench/predict", body, clients, 1);
        await Drive(client, $"/api/models/{modelId}/predict", body, clients, 1);
        for (var i = 0; i < repetitions; i++)
        {
            health.Add(await Drive(client, "/health/live", null, clients, seconds));
            baseline.Add(await Drive(client, "/bench/constant", body, clients, seconds));
            model.Add(await Drive(client, "/api/deployments/bench/predict", body, clients, seconds));
            unlogged.Add(await Drive(client, $"/api/models/{modelId}/predict", body, clients, seconds));
        }
        double Median(IEnumerable<double> v) => BenchArgs.Median(v);
        var rps = Median(model.Select(r => r.Rps));
        var baseRps = Median(baseline.Select(r => r.Rps));
        Console.WriteLine($"serve rps={BenchArgs.F(rps, "F0")} p50_us={BenchArgs.F(Median(model.Select(r => r.P50)), "F0")} " +
            $"p99_us={BenchArgs.F(Median(model.Select(r => r.P99)), "F0")} baseline_rps={BenchArgs.F(baseRps, "F0")} " +
            $"baseline_p50_us={BenchArgs.F(Median(baseline.Select(r => r.P50)), "F0")} " +
            $"baseline_p99_us={BenchArgs.F(Median(baseline.Select(r => r.P99)), "F0")} " +
            $"ratio={BenchArgs.F(rps / baseRps, "F2")} health_rps={BenchArgs.F(Median(health.Select(r => r.Rps)), "F0")} " +
            $"health_p99_us={BenchArgs.F(Median(health.Select(r => r.P99)), "F0")} " +
            $"ratio_vs_health={BenchArgs.F(rps / Median(health.Select(r => r.Rps)), "F2")} " +
            $"p99_vs_health={BenchArgs.F(Median(model.Select(r => r.P99)) / Median(health.Select(r => r.P99)), "F2")} " +
            $"unlogged_rps={BenchArgs.F(Median(unlogged.Select(r => r.Rps)), "F0")} " +
            $"logged_ratio={BenchArgs.F(rps / Median(unlogged.Select(r => r.Rps)), "F2")} clients={clients} seconds={seconds} " +
            $"reps={repetitions} failed={model.Sum(r => r.Failed) + baseline.Sum(r => r.Failed)}");
        return 0;
    }

    internal sealed record Result(double Rps, double P50, double P99, int Failed);

    internal static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <param name="body">the JSON to POST; null to GET</param>
    internal static async Task<Result> Drive(HttpClient client, string path, byte[]? body, int clients, int seconds)
    {
        var stopAt = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var latencies = new List<double>[clients];
        var failed = 0;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            var mine = latencies[c] = new List<double>(1 << 16);
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var t0 = Stopwatch.GetTimestamp();
                using var response = body is null ? await client.GetAsync(path) : await client.PostAsync(path, Json(body));
                await response.Content.LoadIntoBufferAsync();
                mine.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
                if (!response.IsSuccessStatusCode) Interlocked.Increment(ref failed);
            }
        }));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Result(all.Length / elapsed, all[all.Length / 2], all[(int)(all.Length * 0.99)], failed);
    }
}
