using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using DefectApi.Models;
using DefectApi.Tabular;

namespace DefectApi.Bench.Service;

/// <summary>Scoring throughput of the default AI4I model: in-process batch scoring on all cores, against the bare
/// batched forward pass of the same networks on rows already encoded (what the model itself costs); and a large CSV
/// scored over HTTP (streamed in and out).</summary>
internal static class ScoreBench
{
    public static async Task<int> RunAsync(string[] raw)
    {
        var args = new BenchArgs(raw);
        int rows = args.Int("rows", 200_000), csvMegabytes = args.Int("csv-mb", 100), threads = args.Threads;
        int? epochs = args.Get("epochs") is null ? null : args.Int("epochs", 0);
        await using var host = await BenchHost.StartAsync();
        using var client = host.CreateClient();
        var modelId = await AI4IModel.TrainAndDeployAsync(client, epochs);
        var entry = (await host.Services.GetRequiredService<ModelCache>().GetAsync(modelId, CancellationToken.None))!;

        var records = AI4IModel.Records(rows).Select(r => (IReadOnlyDictionary<string, CellValue>)r.ToDictionary(kv => kv.Key,
            kv => kv.Value is double d ? CellValue.FromNumber(d) : CellValue.FromText((string)kv.Value!))).ToList();
        const int batch = 4096;
        var batches = Enumerable.Range(0, (rows + batch - 1) / batch).Select(b => records.GetRange(b * batch, Math.Min(batch, rows - b * batch))).ToList();
        var seconds = new List<double>();
        for (var rep = 0; rep < 4; rep++)
        {
            var watch = Stopwatch.StartNew();
            Parallel.ForEach(batches, new ParallelOptions { MaxDegreeOfParallelism = threads }, b => entry.Artifact.Predict(b));
            if (rep > 0) seconds.Add(watch.Elapsed.TotalSeconds);   // the first pass warms up
        }
        double forward = ForwardRowsPerSecond(entry.Artifact, records, batch, threads);
        double scored = rows / BenchArgs.Median(seconds);
        Console.WriteLine($"score rows_per_s={BenchArgs.F(scored, "F0")} forward_rows_per_s={BenchArgs.F(forward, "F0")} " +
            $"ratio_vs_forward={BenchArgs.F(scored / forward, "F2")} rows={rows} threads={threads} reps={seconds.Count}");

        var csv = CsvOfSize(csvMegabytes << 20);
        var httpSeconds = new List<double>();
        for (var rep = 0; rep < 3; rep++)
        {
            var content = new ByteArrayContent(csv);
            content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            var watch = Stopwatch.StartNew();
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/models/{modelId}/predict") { Content = content };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            await using var body = await response.Content.ReadAsStreamAsync();
            await body.CopyToAsync(Stream.Null);
            httpSeconds.Add(watch.Elapsed.TotalSeconds);
            if (!response.IsSuccessStatusCode) { Console.Error.WriteLine($"csv scoring failed: {(int)response.StatusCode}"); return 1; }
        }
        Console.WriteLine($"score_csv mb_per_s={BenchArgs.F(csv.Length / 1e6 / BenchArgs.Median(httpSeconds))} size_mb={BenchArgs.F(csv.Length / 1e6)} reps={httpSeconds.Count}");
        return 0;
    }

    /// <summary>Every member's network on its own encoding of the records, batch by batch on all threads: the floor
    /// under any scoring path (encoding, checks and answers are left out).</summary>
    static double ForwardRowsPerSecond(ModelArtifact model, List<IReadOnlyDictionary<string, CellValue>> records, int batch, int threads)
    {
        var members = model.Members;
        var encoded = members.Select(m =>
        {
            var features = new float[records.Count * m.Pipeline.Width];
            for (int r = 0; r < records.Count; r++)
                m.Pipeline.EncodeRecord(model.Inputs.Select(i => records[r][i.Name]).ToArray(),
                    features.AsSpan(r * m.Pipeline.Width, m.Pipeline.Width), null);
            return features;
        }).ToArray();
        int batches = (records.Count + batch - 1) / batch, outputs = model.Classes is { Count: > 2 } classes ? classes.Count : 1;
        var seconds = new List<double>();
        for (var rep = 0; rep < 4; rep++)
        {
            var watch = Stopwatch.StartNew();
            Parallel.For(0, batches, new ParallelOptions { MaxDegreeOfParallelism = threads }, b =>
            {
                int start = b * batch, count = Math.Min(batch, records.Count - start);
                var raw = new float[count * outputs];
                for (int m = 0; m < members.Count; m++)
                {
                    int width = members[m].Pipeline.Width;
                    members[m].Network.Predict(encoded[m].AsSpan(start * width, count * width), count, raw);
                }
            });
            if (rep > 0) seconds.Add(watch.Elapsed.TotalSeconds);
        }
        return records.Count / BenchArgs.Median(seconds);
    }

    /// <summary>The sample's rows repeated up to the size: a shift's export, ids and all.</summary>
    static byte[] CsvOfSize(int bytes)
    {
        var lines = File.ReadAllLines(AI4IModel.SamplePath());
        var text = new StringBuilder(bytes + 1024);
        text.Append(lines[0].TrimStart('\uFEFF')).Append('\n');
        for (var i = 1; text.Length < bytes; i = i % (lines.Length - 1) + 1) text.Append(lines[i]).Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
