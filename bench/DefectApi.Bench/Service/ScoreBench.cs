using System.Net.Http.Headers;
using DefectApi.Registry;
using DefectApi.Tabular.Inference;

namespace DefectApi.Bench.Service;

/// <summary>Scoring throughput of the default AI4I model, three ways in one run: the bare batched forward pass of its
/// networks on rows already encoded (what the model itself costs), the model's part (cells in, answers out: encoding,
/// networks, averaging), and the CSV scorer in process (text in, text out); then a large CSV scored over HTTP.</summary>
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
        var model = (await host.Services.GetRequiredService<ModelCache>().GetAsync(modelId, CancellationToken.None))!.Artifact;

        var records = AI4IModel.Records(rows).Select(r => (IReadOnlyDictionary<string, CellValue>)r.ToDictionary(kv => kv.Key,
            kv => kv.Value is double d ? CellValue.FromNumber(d) : CellValue.FromText((string)kv.Value!))).ToList();
        var csv = CsvOfRows(rows);
        var encoded = EncodePerMember(model, records);
        var forward = new List<double>();
        var modelPart = new List<double>();
        var csvInProcess = new List<double>();
        for (var rep = 0; rep < 5; rep++)   // alternating, so that a noisy neighbour hits all three alike
        {
            forward.Add(ForwardRowsPerSecond(model, encoded, records.Count, threads));
            modelPart.Add(ModelRowsPerSecond(model, records, threads));
            csvInProcess.Add(await CsvRowsPerSecondAsync(model, csv, rows));
        }
        // The first of each warms up.
        double forwardRate = BenchArgs.Median(forward.Skip(1)), modelRate = BenchArgs.Median(modelPart.Skip(1));
        double csvRate = BenchArgs.Median(csvInProcess.Skip(1));
        Console.WriteLine($"score forward_rows_per_s={BenchArgs.F(forwardRate, "F0")} model_rows_per_s={BenchArgs.F(modelRate, "F0")} " +
            $"model_ratio_vs_forward={BenchArgs.F(modelRate / forwardRate, "F2")} csv_rows_per_s={BenchArgs.F(csvRate, "F0")} " +
            $"csv_mb_per_s={BenchArgs.F(csvRate * csv.Length / rows / 1e6)} " +
            $"csv_ratio_vs_forward={BenchArgs.F(csvRate / forwardRate, "F2")} " +
            $"rows={rows} threads={threads} reps={forward.Count - 1}");

        var large = CsvOfSize(csvMegabytes << 20);
        var httpSeconds = new List<double>();
        for (var rep = 0; rep < 3; rep++)
        {
            var content = new ByteArrayContent(large);
            content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            var watch = Stopwatch.StartNew();
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/models/{modelId}/predict") { Content = content };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            await using var body = await response.Content.ReadAsStreamAsync();
            await body.CopyToAsync(Stream.Null);
            httpSeconds.Add(watch.Elapsed.TotalSeconds);
            if (!response.IsSuccessStatusCode) { Console.Error.WriteLine($"csv scoring failed: {(int)response.StatusCode}"); return 1; }
        }
        Console.WriteLine($"score_csv mb_per_s={BenchArgs.F(large.Length / 1e6 / BenchArgs.Median(httpSeconds))} " +
            $"size_mb={BenchArgs.F(large.Length / 1e6)} reps={httpSeconds.Count}");
        return 0;
    }

    private const int Batch = 4096;

    /// <summary>The model's part of scoring: cells in the inputs' order in, averaged answers out, batch by batch on
    /// all threads (no text, no checks, no answer objects).</summary>
    static double ModelRowsPerSecond(ModelArtifact model, List<IReadOnlyDictionary<string, CellValue>> records, int threads)
    {
        var cells = records.SelectMany(r => model.Inputs.Select(i => r[i.Name])).ToArray();
        int inputs = model.Inputs.Count, outputs = model.TargetSpec.Outputs, batches = (records.Count + Batch - 1) / Batch;
        var answers = new double[records.Count * outputs];
        var watch = Stopwatch.StartNew();
        Parallel.For(0, batches, new ParallelOptions { MaxDegreeOfParallelism = threads }, b =>
        {
            int start = b * Batch, count = Math.Min(Batch, records.Count - start);
            DefectApi.Tabular.Inference.EnsembleOutputs.PredictInto(model.Members, model.TargetSpec,
                cells.AsSpan(start * inputs, count * inputs), count, null, answers.AsSpan(start * outputs, count * outputs));
        });
        return records.Count / watch.Elapsed.TotalSeconds;
    }

    /// <summary>CSV text in, CSV text out, in memory: what a scoring request costs without the network.</summary>
    static async Task<double> CsvRowsPerSecondAsync(ModelArtifact model, byte[] csv, int rows)
    {
        var watch = Stopwatch.StartNew();
        await DefectApi.Tabular.Inference.CsvScorer.ScoreAsync(new MemoryStream(csv, writable: false), Stream.Null, model.Scorer, null,
            CancellationToken.None);
        return rows / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Every member's network on its own encoding of the records, batch by batch on all threads: the floor
    /// under any scoring path (encoding, checks and answers are left out).</summary>
    static double ForwardRowsPerSecond(ModelArtifact model, float[][] encoded, int rows, int threads)
    {
        var members = model.Members;
        int batches = (rows + Batch - 1) / Batch, outputs = model.TargetSpec.Outputs;
        var watch = Stopwatch.StartNew();
        Parallel.For(0, batches, new ParallelOptions { MaxDegreeOfParallelism = threads }, b =>
        {
            int start = b * Batch, count = Math.Min(Batch, rows - start);
            var raw = new float[count * outputs];
            for (int m = 0; m < members.Count; m++)
            {
                int width = members[m].Pipeline.Width;
                members[m].Network.Predict(encoded[m].AsSpan(start * width, count * width), count, raw);
            }
        });
        return rows / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Each member's own encoding of the records, done once, outside every timed pass.</summary>
    static float[][] EncodePerMember(ModelArtifact model, List<IReadOnlyDictionary<string, CellValue>> records) =>
        model.Members.Select(m =>
        {
            var features = new float[records.Count * m.Pipeline.Width];
            for (int r = 0; r < records.Count; r++)
                m.Pipeline.EncodeRecord(model.Inputs.Select(i => records[r][i.Name]).ToArray(),
                    features.AsSpan(r * m.Pipeline.Width, m.Pipeline.Width), null);
            return features;
        }).ToArray();

    /// <summary>The sample's rows repeated to the count: a shift's export, ids and all.</summary>
    static byte[] CsvOfRows(int rows)
    {
        var lines = File.ReadAllLines(AI4IModel.SamplePath());
        var text = new StringBuilder();
        text.Append(lines[0].TrimStart('\uFEFF')).Append('\n');
        for (int i = 1, written = 0; written < rows; i = i % (lines.Length - 1) + 1, written++) text.Append(lines[i]).Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
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
