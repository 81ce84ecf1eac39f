using DefectApi.Tabular.Csv;

namespace DefectApi.Bench;

/// <summary>Ingestion and decode throughput: `ingest FILE [--repeat N]` replicates the file's body N times in
/// memory and prints MB/s for CsvIngestor and TabularFrame.FromChunks, by wall clock and per CPU-second (the
/// latter stays meaningful on a machine shared with other builds).</summary>
public static class IngestBench
{
    private sealed class MemorySink : IChunkSink
    {
        public List<byte[]> Chunks { get; } = [];
        public ValueTask WriteChunkAsync(int index, int rowCount, byte[] data, CancellationToken ct)
        {
            Chunks.Add(data);
            return ValueTask.CompletedTask;
        }
    }

    public static int Run(string[] args)
    {
        if (args.Length == 0) return 2;
        int repeat = args.Length > 2 && args[1] == "--repeat" ? int.Parse(args[2]) : 1;
        var bytes = Replicate(File.ReadAllBytes(args[0]), repeat);
        for (int pass = 0; pass < 6; pass++)
        {
            var sink = new MemorySink();
            var process = Process.GetCurrentProcess();
            var cpuStart = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var dataset = CsvIngestor.IngestAsync(new MemoryStream(bytes), new CsvReadOptions(), sink, CancellationToken.None)
                .GetAwaiter().GetResult();
            double ingest = clock.Elapsed.TotalSeconds;
            process.Refresh();
            double ingestCpu = (process.TotalProcessorTime - cpuStart).TotalSeconds;
            cpuStart = process.TotalProcessorTime;
            clock.Restart();
            var frame = TabularFrame.FromChunks(dataset.Columns, sink.Chunks);
            double decode = clock.Elapsed.TotalSeconds;
            process.Refresh();
            double decodeCpu = (process.TotalProcessorTime - cpuStart).TotalSeconds;
            double mb = bytes.Length / 1e6;
            Console.WriteLine($"ingest rows={frame.RowCount} mb={mb:F1} ingest_mb_s={mb / ingest:F0} decode_mb_s={mb / decode:F0} " +
                              $"ingest_mb_per_cpu_s={mb / ingestCpu:F0} decode_mb_per_cpu_s={mb / decodeCpu:F0} " +
                              $"stored_mb={sink.Chunks.Sum(c => (long)c.Length) / 1e6:F1}");
        }
        return 0;
    }

    private static byte[] Replicate(byte[] file, int times)
    {
        int bodyStart = Array.IndexOf(file, (byte)'\n') + 1;
        using var output = new MemoryStream();
        output.Write(file);
        if (file[^1] != '\n') output.WriteByte((byte)'\n');
        for (int i = 1; i < times; i++) output.Write(file.AsSpan(bodyStart));
        return output.ToArray();
    }
}
