using System.Net;
using System.Net.Http.Headers;
using System.Runtime;
using DefectApi.Data;
using DefectApi.Monitoring;
using DefectApi.Tests.Shared;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace DefectApi.Bench.Service;

/// <summary>
/// Day 30 of a line, against issue 24's budgets. The service, on SQLite or PostgreSQL, with the AI4I model deployed as
/// 'line' keyed by 'Product ID', gets N answers logged through the real write path: 20,000-row text/csv predict calls,
/// a serial per part, spread evenly over the 30 days before its "now" by a clock the bench moves, with outcomes for 2 %
/// of the parts posted straight after their call, as an inline check would. Then each monitoring call is timed, median
/// of --reps: outcomes for 1,000 serials by key (the 500 oldest and the 500 newest, other ones each time), performance
/// hourly over 7 days and daily over 30, drift over 7 days, and the deployment page's 30-day view (performance by day
/// and drift, asked together as the page does). Also the process's peak RSS and the database's growth per logged
/// answer. Several sizes in one run (--rows 1000000,10000000) also print how much the calls slow down as the log grows.
/// </summary>
internal static class MonitoringBench
{
    const string Deployment = "line";
    const string DeploymentPath = $"/api/deployments/{Deployment}";
    const int RowsPerCall = 20_000;
    const int OutcomeEvery = 50;              // 2 % of the parts get an outcome while the log fills
    const int OldAndNewKeys = 500;            // per timed outcome call: this many of the oldest serials and of the newest
    // Answers sent but not yet written, at most: half the default queue, so that the bench's pace drops none.
    const long MaxBacklog = 100_000;
    static readonly TimeSpan Month = TimeSpan.FromDays(30);
    static readonly TimeSpan Week = TimeSpan.FromDays(7);
    static readonly TimeSpan Stall = TimeSpan.FromSeconds(60);

    // Issue 24's budgets; the dashboard's figure is asked for without one.
    static readonly (string Figure, double BudgetSeconds)[] Calls =
    [
        ("outcomes_1000_keys", 1.0), ("performance_hour_7d", 0.5), ("performance_day_30d", 0.5), ("drift_7d", 0.5),
            ("dashboard_30d", double.NaN),
    ];
    const double RssBudgetMegabytes = 500;
    const double GrowthBudget = 1.5;

    sealed record Run(long Rows, Dictionary<string, List<double>> Seconds);

    /// <param name="PredictSeconds">spent in predict calls; the rest of Seconds went to outcome calls and to waiting for the writer</param>
    /// <param name="OutcomeRetries">outcome calls answered 503 and sent again after Retry-After, as an MES client would</param>
    sealed record Fill(long Logged, long Dropped, double Seconds, double PredictSeconds, double OutcomeSeconds, double SlowestOutcomeCall,
        int OutcomesPosted, int MatchedAtOnce,
        int PendingAtOnce, int OutcomeRetries, long WithOutcome, int HoursWithAnswers, double RecordLineBytes, double AnswerLineBytes);

    public static async Task<int> RunAsync(string[] raw)
    {
        var args = new BenchArgs(raw);
        var sizes = (args.Get("rows") ?? "1000000").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var provider = args.Get("provider") ?? "sqlite";
        if (provider is not ("sqlite" or "postgres") || sizes.Length == 0 || sizes.Any(s => s < 1)) return BenchArgs.Usage();
        int repetitions = args.Int("reps", 3), epochs = args.Int("epochs", 3);
        var traffic = SerialTraffic.Load();
        await using var server = provider == "postgres" ? await PostgresServer.StartAsync(durable: true) : null;
        await using var memory = new PeakMemory();
        var problems = new List<string>();
        var runs = new List<Run>();
        foreach (var rows in sizes) runs.Add(await RunSizeAsync(provider, server, rows, repetitions, epochs, traffic, memory, problems));
        if (runs.Count > 1) PrintGrowth(provider, runs.MinBy(r => r.Rows)!, runs.MaxBy(r => r.Rows)!);
        foreach (var problem in problems) Console.Error.WriteLine($"monitoring problem: {problem}");
        return problems.Count == 0 ? 0 : 1;
    }

    static async Task<Run> RunSizeAsync(string provider, PostgresServer? server, long rows, int repetitions, int epochs,
        SerialTraffic traffic,
        PeakMemory memory, List<string> problems)
    {
        var label = $"monitoring provider={provider} rows={rows}";
        var database = server?.CreateDatabase();
        var settings = database is null ? null : new Dictionary<string, string?>
        {
            ["Database:Provider"] = "postgres",
            ["ConnectionStrings:Defects"] = database
        };
        // The model is trained and deployed just before the month of traffic begins; the clock runs at the real pace.
        var clock = new SimulatedClock(DateTimeOffset.UtcNow - Month - TimeSpan.FromHours(1));
        await using var host = await BenchHost.StartAsync(settings: settings,
            services: s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        using var client = host.CreateClient();
        var modelId = await AI4IModel.TrainAndDeployAsync(client, epochs);
        (await client.PutAsJsonAsync(DeploymentPath, new { modelId, keyColumns = new[] { SerialTraffic.KeyColumn } }))
            .EnsureSuccessStatusCode();
        var bytesBefore = await DatabaseBytesAsync(host, database);

        GC.Collect();
        memory.StartPhase();
        var fill = await FillAsync(client, clock, traffic, rows, host.Services.GetRequiredService<PredictionLog>(), problems);
        var fillPeak = memory.PeakMegabytes();
        var bytesPerAnswer = (await DatabaseBytesAsync(host, database) - bytesBefore) / (double)Math.Max(1, fill.Logged);
        memory.StartPhase();
        var seconds = await TimeCallsAsync(client, clock, traffic, rows, repetitions, problems);
        var callsPeak = memory.PeakMegabytes();

        Console.WriteLine($"{label} fill_s={BenchArgs.F(fill.Seconds)} answers_per_s={BenchArgs.F(fill.Logged / fill.Seconds, "F0")} " +
            $"predict_s={BenchArgs.F(fill.PredictSeconds)} outcome_calls_s={BenchArgs.F(fill.OutcomeSeconds)} " +
            $"slowest_outcome_call_s={BenchArgs.F(fill.SlowestOutcomeCall)} " +
            $"waiting_for_writer_s={BenchArgs.F(fill.Seconds - fill.PredictSeconds - fill.OutcomeSeconds)} logged={fill.Logged} " +
            $"dropped={fill.Dropped} " +
            $"outcomes_posted={fill.OutcomesPosted} matched_at_once={fill.MatchedAtOnce} pending_at_once={fill.PendingAtOnce} " +
            $"outcome_retries={fill.OutcomeRetries} with_outcome={fill.WithOutcome} hours_with_answers={fill.HoursWithAnswers} " +
            $"epochs={epochs}");
        foreach (var (figure, budget) in Calls)
        {
            var median = BenchArgs.Median(seconds[figure]);
            var verdict = double.IsNaN(budget) ? "budget_s=none" : $"budget_s={BenchArgs.F(budget)} " +
                $"{(median <= budget ? "within" : "OVER")}";
            Console.WriteLine($"{label} {figure}_s={BenchArgs.F(median, "F3")} {verdict} " +
                $"runs_s={string.Join('/', seconds[figure].Select(s => BenchArgs.F(s, "F3")))}");
        }
        var peak = Math.Max(fillPeak, callsPeak);
        Console.WriteLine($"{label} peak_rss_mb={BenchArgs.F(peak, "F0")} budget_mb={BenchArgs.F(RssBudgetMegabytes, "F0")} " +
            $"{(peak <= RssBudgetMegabytes ? "within" : "OVER")} fill_mb={BenchArgs.F(fillPeak, "F0")} " +
            $"calls_mb={BenchArgs.F(callsPeak, "F0")} " +
            $"gc={(GCSettings.IsServerGC ? "server" : "workstation")} method=\"{memory.Method}\"");
        Console.WriteLine($"{label} db_bytes_per_answer={BenchArgs.F(bytesPerAnswer, "F0")} " +
            $"csv_record_line_bytes={BenchArgs.F(fill.RecordLineBytes, "F0")} " +
            $"csv_answer_line_bytes={BenchArgs.F(fill.AnswerLineBytes, "F0")} " +
            $"ratio_to_answer_line={BenchArgs.F(bytesPerAnswer / fill.AnswerLineBytes, "F2")} " +
            $"({(provider == "sqlite" ? "file and -wal" : "pg_database_size")} growth over the fill; issue 24 asks ≤ 2 × " +
            "record plus answer)");
        return new Run(rows, seconds);
    }

    /// <summary>Sends the month of traffic and waits until the log holds it.</summary>
    static async Task<Fill> FillAsync(HttpClient client, SimulatedClock clock, SerialTraffic traffic, long rows, PredictionLog log,
        List<string> problems)
    {
        var start = clock.GetUtcNow();
        DateTimeOffset At(long answer) => start + TimeSpan.FromTicks((long)((double)Month.Ticks * answer / rows));
        var whole = (From: start - TimeSpan.FromDays(1), To: start + Month + TimeSpan.FromDays(1));
        long logged = 0;
        int posted = 0, matchedAtOnce = 0, pendingAtOnce = 0;
        double recordLineBytes = 0, answerLineBytes = 0;
        var retries = new List<string>();
        var watch = Stopwatch.StartNew();
        TimeSpan predicting = default, reporting = default, slowestReport = default;
        for (long first = 0; first < rows; first += RowsPerCall)
        {
            var count = (int)Math.Min(RowsPerCall, rows - first);
            clock.Step(At(first), At(first + count), count);
            var body = traffic.Predictions(first, count);
            var calling = Stopwatch.GetTimestamp();
            using var response = await client.PostAsync($"{DeploymentPath}/predict", Csv(body));
            var answer = await response.Content.ReadAsByteArrayAsync();
            predicting += Stopwatch.GetElapsedTime(calling);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"predict answered {(int)response.StatusCode}: " +
                    $"{Encoding.UTF8.GetString(answer.AsSpan(0, Math.Min(answer.Length, 1000)))}");
            if (first == 0) (recordLineBytes, answerLineBytes) = (BytesPerDataLine(body), BytesPerDataLine(answer));

            var withOutcome = Serials(first, count).Where(n => n % OutcomeEvery == 0).ToList();
            if (withOutcome.Count > 0)
            {
                calling = Stopwatch.GetTimestamp();
                var (matched, pending) = await PostOutcomesAsync(client, traffic.Outcomes(withOutcome), problems, retries);
                var took = Stopwatch.GetElapsedTime(calling);
                (reporting, slowestReport) = (reporting + took, took > slowestReport ? took : slowestReport);
                (posted, matchedAtOnce, pendingAtOnce) = (posted + withOutcome.Count, matchedAtOnce + matched, pendingAtOnce + pending);
            }
            if (first + count - logged > MaxBacklog)
                logged = await WaitForAsync(async () => (await CountsAsync(client, whole)).Predictions + log.Dropped,
                    first + count - MaxBacklog / 2, "logged answers");
        }
        clock.RunFrom(At(rows));
        logged = await WaitForAsync(async () => (await CountsAsync(client, whole)).Predictions + log.Dropped, rows,
            "logged answers") - log.Dropped;
        var seconds = watch.Elapsed.TotalSeconds;
        var joined = await WaitForAsync(async () => (await CountsAsync(client, whole)).WithOutcome, posted, "outcomes joined");
        var hours = (await CountsAsync(client, whole, "hour")).Buckets;

        if (log.Dropped > 0) problems.Add($"{log.Dropped} of {rows} answers were dropped, not logged");
        if (logged + log.Dropped < rows) problems.Add($"the log holds {logged} answers of {rows} sent ({log.Dropped} dropped)");
        if (joined < posted) problems.Add($"{joined} of {posted} outcomes posted during the fill were joined to their predictions");
        foreach (var retry in retries.Distinct()) Console.Error.WriteLine($"monitoring: an outcome call was sent again after {retry}");
        return new Fill(logged, log.Dropped, seconds, predicting.TotalSeconds, reporting.TotalSeconds, slowestReport.TotalSeconds, posted,
            matchedAtOnce, pendingAtOnce, retries.Count,
            joined, hours, recordLineBytes, answerLineBytes);
    }

    /// <summary>Each timed call once per repetition; the outcome calls must match all their 1,000 serials at once.</summary>
    static async Task<Dictionary<string, List<double>>> TimeCallsAsync(HttpClient client, SimulatedClock clock,
        SerialTraffic traffic, long rows,
        int repetitions, List<string> problems)
    {
        var seconds = Calls.ToDictionary(c => c.Figure, _ => new List<double>());
        for (var rep = 0; rep < repetitions; rep++)
        {
            var keys = Serials(rep * (long)OldAndNewKeys, OldAndNewKeys)
                .Concat(Serials(rows - (rep + 1) * (long)OldAndNewKeys, OldAndNewKeys)).Where(n => n >= 0 && n < rows).Distinct().ToList();
            var body = traffic.Outcomes(keys);
            var watch = Stopwatch.StartNew();
            var (matched, pending) = await PostOutcomesAsync(client, body, problems);
            seconds["outcomes_1000_keys"].Add(watch.Elapsed.TotalSeconds);
            if (matched != keys.Count || pending != 0)
                problems.Add($"outcomes by key, repetition {rep}: matched {matched} of {keys.Count}, {pending} pending (all " +
                    "should match at once)");

            var now = clock.GetUtcNow();
            seconds["performance_hour_7d"].Add(await TimeAsync(problems,
                Get(client, $"{DeploymentPath}/performance?{Range(now - Week, now)}&bucket=hour")));
            seconds["performance_day_30d"].Add(await TimeAsync(problems,
                Get(client, $"{DeploymentPath}/performance?{Range(now - Month, now)}&bucket=day")));
            seconds["drift_7d"].Add(await TimeAsync(problems, Get(client, $"{DeploymentPath}/drift?{Range(now - Week, now)}")));
            // The deployment page over 30 days by day asks for both at once and draws when both are in.
            seconds["dashboard_30d"].Add(await TimeAsync(problems,
                Get(client, $"{DeploymentPath}/performance?{Range(now - Month, now)}&bucket=day"),
                Get(client, $"{DeploymentPath}/drift?{Range(now - Month, now)}")));
        }
        return seconds;
    }

    static void PrintGrowth(string provider, Run small, Run large)
    {
        foreach (var (figure, _) in Calls)
        {
            var ratio = BenchArgs.Median(large.Seconds[figure]) / BenchArgs.Median(small.Seconds[figure]);
            Console.WriteLine($"monitoring provider={provider} growth rows={large.Rows}/{small.Rows} " +
                $"{figure}_ratio={BenchArgs.F(ratio, "F2")} " +
                $"budget={BenchArgs.F(GrowthBudget)} {(ratio <= GrowthBudget ? "within" : "OVER")}");
        }
    }

    static IEnumerable<long> Serials(long first, int count)
    {
        for (var n = first; n < first + count; n++) yield return n;
    }

    /// <summary>Posts outcomes by key; the answer's matched count and how many it keeps pending. With
    /// <paramref name="retries"/>, a 503 is sent again after its Retry-After (at most 5 times), as an MES client
    /// would, and noted there; without, it is a problem, as a timed call must answer the first time.</summary>
    static async Task<(int Matched, int Pending)> PostOutcomesAsync(HttpClient client, byte[] body, List<string> problems,
        List<string>? retries = null)
    {
        var path = $"{DeploymentPath}/outcomes?keyColumn={Uri.EscapeDataString(SerialTraffic.KeyColumn)}";
        for (var attempt = 1; ; attempt++)
        {
            using var response = await client.PostAsync(path, Csv(body));
            var text = await response.Content.ReadAsStringAsync();
            if (retries is not null && response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt <= 5)
            {
                retries.Add($"503: {text[..Math.Min(text.Length, 400)]}");
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                continue;
            }
            if (!response.IsSuccessStatusCode)
            {
                problems.Add($"outcomes answered {(int)response.StatusCode}: {text[..Math.Min(text.Length, 500)]}");
                return (0, 0);
            }
            using var answer = JsonDocument.Parse(text);
            var matched = answer.RootElement.GetProperty("matched").GetInt32();
            if (!answer.RootElement.TryGetProperty("pending", out var pending))
            {
                problems.Add($"the outcomes answer has no 'pending': {text[..Math.Min(text.Length, 300)]}");
                return (matched, 0);
            }
            return (matched, pending.GetArrayLength());
        }
    }

    /// <summary>Answers and joined outcomes of the champion in the range, and the buckets that hold any, from the
    /// performance call (rollups).</summary>
    static async Task<(long Predictions, long WithOutcome, int Buckets)> CountsAsync(HttpClient client, (DateTimeOffset From,
        DateTimeOffset To) range,
        string bucketWidth = "day")
    {
        var performance = await client.GetFromJsonAsync<JsonElement>($"{DeploymentPath}/performance?{Range(range.From, range.To)}&" +
            $"bucket={bucketWidth}");
        long predictions = 0, withOutcome = 0;
        var buckets = 0;
        foreach (var bucket in performance.GetProperty("buckets").EnumerateArray())
        {
            if (bucket.TryGetProperty("shadow", out var shadow) && shadow.GetBoolean()) continue;
            var answers = bucket.GetProperty("predictions").GetInt64();
            (predictions, withOutcome, buckets) = (predictions + answers, withOutcome + bucket.GetProperty("withOutcome").GetInt64(),
                buckets + (answers > 0 ? 1 : 0));
        }
        return (predictions, withOutcome, buckets);
    }

    /// <summary>Polls until the count reaches the target, or has not grown for a minute (then says so); the last count.</summary>
    static async Task<long> WaitForAsync(Func<Task<long>> count, long target, string what)
    {
        long seen = -1;
        var sinceProgress = Stopwatch.StartNew();
        while (true)
        {
            var now = await count();
            if (now >= target) return now;
            if (now > seen) (seen, sinceProgress) = (now, Stopwatch.StartNew());
            else if (sinceProgress.Elapsed > Stall)
            {
                Console.Error.WriteLine($"monitoring: {what} stopped at {now} of {target}");
                return now;
            }
            await Task.Delay(250);
        }
    }

    static Func<Task<HttpResponseMessage>> Get(HttpClient client, string path) => () => client.GetAsync(path);

    /// <summary>Wall time until every call has answered and its body has been read; a failed call is a problem.</summary>
    static async Task<double> TimeAsync(List<string> problems, params Func<Task<HttpResponseMessage>>[] calls)
    {
        var watch = Stopwatch.StartNew();
        var responses = await Task.WhenAll(calls.Select(async call =>
        {
            var response = await call();
            await response.Content.LoadIntoBufferAsync();
            return response;
        }));
        var elapsed = watch.Elapsed.TotalSeconds;
        foreach (var response in responses)
        {
            if (!response.IsSuccessStatusCode)
                problems.Add($"{response.RequestMessage?.RequestUri?.PathAndQuery} answered {(int)response.StatusCode}: " +
                    $"{await response.Content.ReadAsStringAsync()}");
            response.Dispose();
        }
        return elapsed;
    }

    static string Range(DateTimeOffset from, DateTimeOffset to) =>
        $"from={Uri.EscapeDataString(from.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))}&" +
            $"to={Uri.EscapeDataString(to.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))}";

    static ByteArrayContent Csv(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return content;
    }

    /// <summary>Mean bytes of a CSV's lines after its header, line ends included.</summary>
    static double BytesPerDataLine(byte[] csv)
    {
        var header = csv.AsSpan().IndexOf((byte)'\n') + 1;
        var lines = csv.AsSpan(header).Count((byte)'\n');
        return lines == 0 ? 0 : (csv.Length - header) / (double)lines;
    }

    /// <summary>What the database takes on disk: the SQLite file and its write-ahead log, or PostgreSQL's database.</summary>
    static async Task<long> DatabaseBytesAsync(BenchHost host, string? postgres)
    {
        if (postgres is null)
            return new[] { host.DatabaseFile, host.DatabaseFile + "-wal" }.Where(File.Exists).Sum(f => new FileInfo(f).Length);
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_database_size(current_database())", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
