using DefectApi.NeuralNet.Kernels;
using DefectApi.NeuralNet.Threading;

namespace DefectApi.Bench;

// C = op(A)·op(B) through the engine's dispatcher with a persistent pool; median of the timed repetitions.
internal static class GemmBench
{
    public static int Run(string[] raw)
    {
        var args = new BenchArgs(raw);
        int m = args.Int("m", 2048), n = args.Int("n", 2048), k = args.Int("k", 2048), reps = Math.Max(3, args.Int("reps", 5));
        var form = (args.Get("form") ?? "nn") switch { "tn" => GemmForm.Tn, "nt" => GemmForm.Nt, _ => GemmForm.Nn };
        var random = new Random(args.Int("seed", 1));
        var a = Enumerable.Range(0, m * k).Select(_ => random.NextSingle() - 0.5f).ToArray();
        var b = Enumerable.Range(0, k * n).Select(_ => random.NextSingle() - 0.5f).ToArray();
        var c = new float[m * n];
        using var pool = new WorkerPool(args.Threads);

        // Warm-up for half a second (tiered JIT reaches its final code), then enough calls per
        // repetition to last ~0.2 s, so small shapes are not timer noise.
        var watch = Stopwatch.StartNew();
        int warmCalls = 0;
        while (watch.Elapsed.TotalSeconds < 0.5 || warmCalls < 3)
        {
            Gemm.MatMul(a, b, c, m, n, k, form, false, pool);
            warmCalls++;
        }
        int calls = (int)Math.Clamp(0.2 * warmCalls / watch.Elapsed.TotalSeconds, 1, 10_000_000);
        var seconds = new List<double>();
        var cpuSeconds = new List<double>();
        var process = Process.GetCurrentProcess();
        for (int r = 0; r < reps; r++)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            watch.Restart();
            for (int i = 0; i < calls; i++) Gemm.MatMul(a, b, c, m, n, k, form, false, pool);
            seconds.Add(watch.Elapsed.TotalSeconds / calls);
            process.Refresh();
            cpuSeconds.Add((process.TotalProcessorTime - cpu).TotalSeconds / calls);
        }
        double gflops = 2.0 * m * n * k / BenchArgs.Median(seconds) / 1e9;
        // Per CPU-second: on a shared machine this shows the kernel's own speed when other processes steal the cores.
        double cpuGflops = 2.0 * m * n * k / BenchArgs.Median(cpuSeconds) / 1e9;
        Console.WriteLine($"gemm gflops={BenchArgs.F(gflops)} cpu_gflops={BenchArgs.F(cpuGflops)} m={m} n={n} k={k} " +
            $"form={form.ToString().ToLowerInvariant()} threads={pool.Threads} path={GemmPacked.BestPath} reps={reps}");
        return 0;
    }
}
