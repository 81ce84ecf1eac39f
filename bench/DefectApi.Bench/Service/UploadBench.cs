using System.Net.Http.Headers;
using DefectApi.Data;
using DefectApi.Datasets;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Bench.Service;

/// <summary>Streams a generated numeric CSV to the in-process service over loopback and reports end-to-end MB/s
/// (parse, infer, store) and the process's peak resident memory; then loads the dataset back as training does.</summary>
internal static class UploadBench
{
    public static async Task<int> RunAsync(string[] raw)
    {
        var args = new BenchArgs(raw);
        int rows = args.Int("rows", 2_000_000), columns = args.Int("columns", 30), seed = args.Int("seed", 1);
        // Seconds to wait after start before timing: the service's background start-up work (hosted services, the
        // JIT tiering up) runs beside the first upload of a fresh process and competes for its cores.
        int settle = args.Int("settle", 0);
        var file = Path.Combine(Path.GetTempPath(), $"defectapi-upload-{rows}x{columns}-{seed}.csv");
        if (!File.Exists(file)) Generate(file, rows, columns, seed);
        var bytes = new FileInfo(file).Length;
        await using var host = await BenchHost.StartAsync();
        using var client = host.CreateClient();
        if (settle > 0) await Task.Delay(TimeSpan.FromSeconds(settle));

        var startupPeak = PeakResidentMegabytes();
        ResetPeakResidentMemory();
        var watch = Stopwatch.StartNew();
        await using var stream = File.OpenRead(file);
        var content = new StreamContent(stream, 1 << 16);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var response = await client.PostAsync("/api/datasets?name=bench", content);
        var body = await response.Content.ReadAsStringAsync();
        watch.Stop();
        if (!response.IsSuccessStatusCode) { Console.Error.WriteLine($"upload failed: {(int)response.StatusCode} {body}"); return 1; }
        var seconds = watch.Elapsed.TotalSeconds;
        var peak = PeakResidentMegabytes();
        var id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();

        var loadSeconds = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            using var scope = host.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
            var load = Stopwatch.StartNew();
            var dataset = db.Datasets.AsNoTracking().Single(d => d.Id == id);
            var chunks = db.DatasetChunks.AsNoTracking().Where(c => c.DatasetId == id).OrderBy(c => c.Index)
                .Select(c => c.Data).AsEnumerable();
            var frame = TabularFrame.FromChunks(dataset.ReadColumns(), chunks);
            loadSeconds.Add(load.Elapsed.TotalSeconds);
            if (frame.RowCount != rows) { Console.Error.WriteLine($"loaded {frame.RowCount} rows, expected {rows}"); return 1; }
        }
        var mb = bytes / 1e6;
        Console.WriteLine($"upload mb_per_s={BenchArgs.F(mb / seconds)} peak_rss_mb={BenchArgs.F(peak, "F0")} " +
            $"startup_peak_rss_mb={BenchArgs.F(startupPeak, "F0")} size_mb={BenchArgs.F(mb)} rows={rows} columns={columns} " +
            $"seconds={BenchArgs.F(seconds, "F2")}");
        Console.WriteLine($"load mb_per_s={BenchArgs.F(mb / BenchArgs.Median(loadSeconds))} " +
            $"seconds_median={BenchArgs.F(BenchArgs.Median(loadSeconds), "F2")} repetitions={loadSeconds.Count}");
        return 0;
    }

    internal static void Generate(string path, int rows, int columns, int seed)
    {
        var random = new Random(seed);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write(string.Join(',', Enumerable.Range(0, columns).Select(c => $"sensor_{c}")));
        writer.Write('\n');
        Span<char> buffer = stackalloc char[32];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                if (c > 0) writer.Write(',');
                var value = (random.NextDouble() - 0.5) * 2000;
                value.TryFormat(buffer, out var written, "F3", CultureInfo.InvariantCulture);
                writer.Write(buffer[..written]);
            }
            writer.Write('\n');
        }
    }

    /// <summary>Linux keeps the high-water mark in VmHWM; writing 5 to clear_refs resets it, so the figure covers the
    /// upload alone, not the start-up or the CSV generation.</summary>
    static void ResetPeakResidentMemory()
    {
        GC.Collect();
        try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    static double PeakResidentMegabytes()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:"));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
            CultureInfo.InvariantCulture) / 1024;
    }
}
