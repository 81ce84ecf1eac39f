using DefectApi.Tests.Infrastructure;

namespace DefectApi.Bench.Service;

/// <summary>
/// One-record predict latency while a job trains, against idle, measured from outside: the built service runs as its
/// own process and wrk (another process, as ../shared/tools/serve-wrk.sh runs it: one thread, 32 connections) drives
/// the deployment's predict. Idle and training phases alternate in one run (the order swaps every repetition, so
/// neither always meets a warmer machine); each training phase starts the AI4I job with the defaults but no early
/// stop, waits for its first epoch, measures, and cancels it. Reports the medians over repetitions and their ratio,
/// and how fast the job trained meanwhile (what the service's default cores setting left it).
/// </summary>
internal static class TrainingLoadBench
{
    public static async Task<int> RunAsync(string[] raw)
    {
        var args = new BenchArgs(raw);
        int seconds = args.Int("seconds", 10), repetitions = args.Int("reps", 5), connections = args.Int("connections", 32);
        var app = args.Get("app") ?? ServiceProcess.AppFolder();
        var sets = Sets(raw);
        var environment = new Dictionary<string, string>(sets)
        {
            ["Logging__LogLevel__Default"] = "Warning",
            // The load generator is one client address: lift the per-caller rate limit out of the way.
            ["RateLimiting__PermitsPerSecond"] = "10000000",
            ["RateLimiting__Burst"] = "10000000",
            ["Auth__RequireKeys"] = "false",
        };
        foreach (var (name, value) in sets) environment[name] = value;
        var folder = Directory.CreateTempSubdirectory("defectapi-bench-").FullName;
        environment["ConnectionStrings__Defects"] = $"Data Source={Path.Combine(folder, "bench.db")}";
        try
        {
            await using var service = await ServiceProcess.StartAsync(app, environment, folder);
            using var client = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromMinutes(30) };
            var modelId = await AI4IModel.TrainAndDeployAsync(client, epochs: null);
            var datasetId = (await client.GetFromJsonAsync<JsonElement>($"/api/models/{modelId}")).GetProperty("datasetId").GetString()!;
            var script = Path.Combine(folder, "predict.lua");
            File.WriteAllText(script, "wrk.method = \"POST\"; wrk.headers[\"Content-Type\"] = \"application/json\"\n" +
                $"wrk.body = [[{JsonSerializer.Serialize(new { records = AI4IModel.Records(1) })}]]\n");
            var url = new Uri(service.BaseAddress, "/api/deployments/bench/predict").ToString();
            await Wrk.RunAsync(url, script, connections, 5);   // warm-up

            var idle = new List<Wrk.Result>();
            var training = new List<Wrk.Result>();
            var epochsPerSecond = new List<double>();
            for (var rep = 0; rep < repetitions; rep++)
                foreach (var phase in rep % 2 == 0 ? new[] { "idle", "training" } : ["training", "idle"])
                {
                    if (phase == "idle") idle.Add(await Wrk.RunAsync(url, script, connections, seconds));
                    else
                    {
                        var (result, rate) = await WhileTrainingAsync(client, datasetId, rep, () => Wrk.RunAsync(url, script,
                            connections, seconds));
                        training.Add(result);
                        epochsPerSecond.Add(rate);
                    }
                    var last = phase == "idle" ? idle[^1] : training[^1];
                    Console.Error.WriteLine($"rep {rep} {phase,-8} rps={BenchArgs.F(last.Rps, "F0")} " +
                        $"p50_ms={BenchArgs.F(last.P50Ms, "F2")} " +
                        $"p99_ms={BenchArgs.F(last.P99Ms, "F2")} socket_errors={last.SocketErrors}" +
                        (phase == "training" ? $" epochs_per_s={BenchArgs.F(epochsPerSecond[^1])}" : ""));
                    if (last.Failed > 0) { Console.Error.WriteLine($"{last.Failed} predictions failed"); return 1; }
                }

            double idleP99 = BenchArgs.Median(idle.Select(r => r.P99Ms)), trainingP99 = BenchArgs.Median(training.Select(r => r.P99Ms));
            var pairRatios = idle.Zip(training, (i, t) => t.P99Ms / i.P99Ms);
            Console.WriteLine($"training_load idle_p99_ms={BenchArgs.F(idleP99, "F2")} training_p99_ms={BenchArgs.F(trainingP99, "F2")} " +
                $"p99_ratio={BenchArgs.F(trainingP99 / idleP99, "F2")} " +
                $"median_pair_ratio={BenchArgs.F(BenchArgs.Median(pairRatios), "F2")} " +
                $"idle_p50_ms={BenchArgs.F(BenchArgs.Median(idle.Select(r => r.P50Ms)), "F2")} " +
                $"training_p50_ms={BenchArgs.F(BenchArgs.Median(training.Select(r => r.P50Ms)), "F2")} " +
                $"idle_rps={BenchArgs.F(BenchArgs.Median(idle.Select(r => r.Rps)), "F0")} " +
                $"training_rps={BenchArgs.F(BenchArgs.Median(training.Select(r => r.Rps)), "F0")} " +
                $"training_epochs_per_s={BenchArgs.F(BenchArgs.Median(epochsPerSecond))} connections={connections} seconds={seconds} " +
                $"reps={repetitions} " +
                $"socket_errors={idle.Concat(training).Sum(r => r.SocketErrors)} cores={Environment.ProcessorCount} " +
                $"set={(sets.Count == 0 ? "defaults" : string.Join(',', sets.Select(kv => $"{kv.Key}={kv.Value}")))}");
            return 0;
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Service settings given as <c>--set Name=Value</c> (environment names: Training__MaxThreads=2), any number.</summary>
    static Dictionary<string, string> Sets(string[] raw)
    {
        var settings = new Dictionary<string, string>();
        for (var i = 0; i + 1 < raw.Length; i++)
            if (raw[i] == "--set" && raw[i + 1].Split('=', 2) is [var name, var value]) settings[name] = value;
        return settings;
    }

    /// <summary>Runs <paramref name="measure"/> while a job trains, from its first epoch on; cancels the job afterwards.</summary>
    /// <returns>the measurement, and the epochs the job trained per second meanwhile</returns>
    static async Task<(Wrk.Result Result, double EpochsPerSecond)> WhileTrainingAsync(HttpClient client, string datasetId, int seed,
        Func<Task<Wrk.Result>> measure)
    {
        var request = new
        {
            datasetId, target = "Machine failure", exclude = AI4IModel.Excluded, epochs = 10000, earlyStoppingPatience = 0,
            seed
        };
        var started = await client.PostAsJsonAsync("/api/training-jobs", request);
        started.EnsureSuccessStatusCode();
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var before = await EpochAsync(client, id, waitForFirst: true);
        var watch = Stopwatch.StartNew();
        var result = await measure();
        var after = await EpochAsync(client, id, waitForFirst: false);
        var rate = (after - before) / watch.Elapsed.TotalSeconds;
        Console.Error.WriteLine((await client.GetFromJsonAsync<JsonElement>("/health/ready")).GetProperty("checks").TryGetProperty(
            "training", out var check)
            ? $"  health: {check.GetProperty("description").GetString()}" : "  health: (no training check)");
        (await client.PostAsync($"/api/training-jobs/{id}/cancel", null)).EnsureSuccessStatusCode();
        while ((await client.GetFromJsonAsync<JsonElement>($"/api/training-jobs/{id}")).GetProperty("status")
            .GetString() is "queued" or "running")
            await Task.Delay(100);
        return (result, rate);
    }

    static async Task<int> EpochAsync(HttpClient client, string? jobId, bool waitForFirst)
    {
        while (true)
        {
            var job = await client.GetFromJsonAsync<JsonElement>($"/api/training-jobs/{jobId}");
            if (job.GetProperty("status").GetString() is "failed" or "canceled" or "succeeded")
                throw new InvalidOperationException($"the job ended before its phase did: {job}");
            if (job.GetProperty("progress") is { ValueKind: JsonValueKind.Object } progress) return progress.GetProperty(
                "epoch").GetInt32();
            if (!waitForFirst) return 0;
            await Task.Delay(100);
        }
    }
}

/// <summary>wrk (https://github.com/wg/wrk) as a process of its own: one thread, keep-alive connections, a Lua script.</summary>
internal static class Wrk
{
    /// <param name="Failed">answers other than 2xx</param>
    /// <param name="SocketErrors">connect, read, write errors and timeouts (wrk's 2 s), counted apart: on a busy machine a
    /// timeout is a latency, not a refusal</param>
    public sealed record Result(double Rps, double P50Ms, double P99Ms, long Failed, long SocketErrors);

    public static async Task<Result> RunAsync(string url, string script, int connections, int seconds)
    {
        var start = new ProcessStartInfo("wrk", ["-t1", $"-c{connections}", $"-d{seconds}s", "--latency", "-s", script, url])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start (apt-get install wrk)");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException(
            $"wrk failed: {output}{await process.StandardError.ReadToEndAsync()}");
        double rps = 0, p50 = 0, p99 = 0;
        long failed = 0, socketErrors = 0;
        foreach (var line in output.Split('\n').Select(l => l.Trim()))
        {
            var cells = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (cells is ["Requests/sec:", var r]) rps = double.Parse(r, CultureInfo.InvariantCulture);
            else if (cells is ["50%", var t50]) p50 = Milliseconds(t50);
            else if (cells is ["99%", var t99]) p99 = Milliseconds(t99);
            else if (line.StartsWith("Non-2xx or 3xx responses:", StringComparison.Ordinal)) failed = long.Parse(cells[^1],
                CultureInfo.InvariantCulture);
            else if (line.StartsWith("Socket errors:", StringComparison.Ordinal)) socketErrors = line.Split(',')
                .Sum(part => long.Parse(part.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1], CultureInfo.InvariantCulture));
        }
        if (rps == 0 || p99 == 0) throw new InvalidOperationException($"could not read wrk's output: {output}");
        return new Result(rps, p50, p99, failed, socketErrors);
    }

    /// <summary>wrk's times: 850.00us, 1.25ms, 2.01s, 1.50m.</summary>
    static double Milliseconds(string time)
    {
        (string Unit, double Factor)[] units = [("us", 0.001), ("ms", 1), ("s", 1000), ("m", 60_000)];
        var (unit, factor) = units.First(u => time.EndsWith(u.Unit, StringComparison.Ordinal));
        return double.Parse(time[..^unit.Length], CultureInfo.InvariantCulture) * factor;
    }
}
