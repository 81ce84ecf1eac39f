using DefectApi.NeuralNet.Kernels;
using DefectApi.NeuralNet.Networks;
using DefectApi.NeuralNet.Optimizers;
using DefectApi.NeuralNet.Randomness;
using DefectApi.NeuralNet.Specs;
using DefectApi.NeuralNet.Training;

namespace DefectApi.Bench;

// Trains an MLP with Adam on synthetic regression data through the public Trainer.Fit, timing each
// epoch through the epoch callback: epoch 1 is the warm-up, the median of the rest is reported.
internal static class TrainBench
{
    public static int Run(string[] raw)
    {
        var args = new BenchArgs(raw);
        int inputs = args.Int("inputs", 64), batch = args.Int("batch", 256), rows = args.Int("rows", 100_000);
        int epochs = Math.Max(4, args.Int("epochs", 6)), seed = args.Int("seed", 1), threads = args.Threads;
        int[] hidden = args.Ints("hidden", [256, 256]);

        var (x, y) = Synthetic(rows, inputs, seed);
        var layers = hidden.Select(h => new LayerSpec(h, Activation.Relu)).Append(new LayerSpec(1, Activation.Linear)).ToArray();
        var network = Network.Create(new NetworkSpec(inputs, layers), seed);
        var options = new TrainerOptions
        {
            Optimizer = OptimizerKind.Adam, BatchSize = batch, Epochs = epochs, Patience = 0, Seed = seed,
            Threads = threads
        };

        var seconds = new List<double>();
        var cpuSeconds = new List<double>();
        var allocated = new List<long>();
        var process = System.Diagnostics.Process.GetCurrentProcess();
        TimeSpan last = TimeSpan.Zero, lastCpu = process.TotalProcessorTime;
        long lastBytes = GC.GetTotalAllocatedBytes(precise: true);
        Trainer.Fit(network, new TrainingSet(x, y, rows, inputs), null, options, report =>
        {
            long bytes = GC.GetTotalAllocatedBytes(precise: true);
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            if (report.Epoch > 1)
            {
                seconds.Add((report.Elapsed - last).TotalSeconds);
                cpuSeconds.Add((cpu - lastCpu).TotalSeconds);
                allocated.Add(bytes - lastBytes);
            }
            last = report.Elapsed;
            lastCpu = cpu;
            lastBytes = GC.GetTotalAllocatedBytes(precise: true); // after our own bookkeeping above
        });

        int steps = (rows + batch - 1) / batch;
        double bytesPerStep = AllocatedPerStep(network, new TrainingSet(x, y, rows, inputs), options);
        double perEpoch = BenchArgs.Median(seconds);
        double samplesPerSecond = rows / perEpoch;
        double gflops = samplesPerSecond * FlopsPerSample(inputs, hidden) / 1e9;
        // Fit itself allocates one EpochReport per epoch (the contract's record); reported separately.
        double bytesPerEpoch = BenchArgs.Median(allocated.Select(a => (double)a));
        // Samples per CPU-second across all threads: a contention-proof view of the work done (spinning included).
        double samplesPerCpuSecond = rows / BenchArgs.Median(cpuSeconds);
        Console.WriteLine($"train samples_per_s={BenchArgs.F(samplesPerSecond, "F0")} gflops={BenchArgs.F(gflops)} " +
            $"alloc_bytes_per_step={BenchArgs.F(bytesPerStep, "F2")} " +
            $"samples_per_cpu_s={BenchArgs.F(samplesPerCpuSecond, "F0")} alloc_bytes_per_epoch={BenchArgs.F(bytesPerEpoch, "F0")} " +
            $"inputs={inputs} hidden={string.Join(',', hidden)} batch={batch} rows={rows} threads={threads} epochs_timed={seconds.Count}");
        return 0;
    }

    // The trainer's own step (gather, forward, backward, optimizer) run after a warm-up, with every
    // thread's allocations counted: process-wide and per thread (this one plus the pool's workers).
    private static double AllocatedPerStep(Network network, TrainingSet set, TrainerOptions options)
    {
        using var ws = new Workspace(network, options.BatchSize, 1, options.Threads);
        var optimizer = new Optimizer(options, network.Parameters.Length, ws.Pool);
        var rng = new Xoshiro256(options.Seed);
        var order = Enumerable.Range(0, options.BatchSize).ToArray();
        for (int i = 0; i < 200; i++) Trainer.Step(network, set, order, ws, options.Loss, optimizer, 1e-6f, ref rng);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        long beforeThread = GC.GetAllocatedBytesForCurrentThread(), beforeWorkers = ws.Pool?.WorkerAllocatedBytes ?? 0;
        const int steps = 1000;
        for (int i = 0; i < steps; i++) Trainer.Step(network, set, order, ws, options.Loss, optimizer, 1e-6f, ref rng);
        long total = GC.GetTotalAllocatedBytes(precise: true) - before;
        long ours = GC.GetAllocatedBytesForCurrentThread() - beforeThread + (ws.Pool?.WorkerAllocatedBytes ?? 0) - beforeWorkers;
        return Math.Max(total, ours) / (double)steps;
    }

    // Forward x·W and backward dW = xᵀ·dz for every layer, dx = dz·Wᵀ for all but the first: 2 flops per multiply-add.
    private static double FlopsPerSample(int inputs, int[] hidden)
    {
        double flops = 0;
        int fanIn = inputs;
        foreach (int units in hidden.Append(1))
        {
            flops += 2.0 * fanIn * units * (fanIn == inputs ? 2 : 3);
            fanIn = units;
        }
        return flops;
    }

    // y = a smooth nonlinear function of x plus noise, from a fixed LCG so every run sees the same data.
    private static (float[] X, float[] Y) Synthetic(int rows, int inputs, int seed)
    {
        var x = new float[rows * inputs];
        var y = new float[rows];
        ulong s = (ulong)seed * 6364136223846793005UL + 1442695040888963407UL;
        for (int i = 0; i < x.Length; i++)
        {
            s = s * 6364136223846793005UL + 1442695040888963407UL;
            x[i] = (s >> 40) * (2f / (1 << 24)) - 1f;
        }
        for (int r = 0; r < rows; r++)
        {
            float sum = 0;
            for (int i = 0; i < inputs; i++) sum += (i % 3 == 0 ? 1f : -0.5f) * x[r * inputs + i];
            y[r] = MathF.Tanh(sum) + 0.1f * x[r * inputs] * x[r * inputs + inputs - 1];
        }
        return (x, y);
    }
}
