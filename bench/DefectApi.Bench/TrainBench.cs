using DefectApi.NeuralNet;

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
        var options = new TrainerOptions { Optimizer = OptimizerKind.Adam, BatchSize = batch, Epochs = epochs, Patience = 0, Seed = seed, Threads = threads };

        var seconds = new List<double>();
        var allocated = new List<long>();
        TimeSpan last = TimeSpan.Zero;
        long lastBytes = GC.GetTotalAllocatedBytes(precise: true);
        Trainer.Fit(network, new TrainingSet(x, y, rows, inputs), null, options, report =>
        {
            long bytes = GC.GetTotalAllocatedBytes(precise: true);
            if (report.Epoch > 1)
            {
                seconds.Add((report.Elapsed - last).TotalSeconds);
                allocated.Add(bytes - lastBytes);
            }
            last = report.Elapsed;
            lastBytes = GC.GetTotalAllocatedBytes(precise: true); // after our own bookkeeping above
        });

        int steps = (rows + batch - 1) / batch;
        double perEpoch = BenchArgs.Median(seconds);
        double samplesPerSecond = rows / perEpoch;
        double gflops = samplesPerSecond * FlopsPerSample(inputs, hidden) / 1e9;
        // Fit allocates one EpochReport per epoch by contract; spread over the epoch's steps.
        double bytesPerStep = BenchArgs.Median(allocated.Select(a => (double)a)) / steps;
        Console.WriteLine($"train samples_per_s={BenchArgs.F(samplesPerSecond, "F0")} gflops={BenchArgs.F(gflops)} alloc_bytes_per_step={BenchArgs.F(bytesPerStep, "F2")} " +
            $"inputs={inputs} hidden={string.Join(',', hidden)} batch={batch} rows={rows} threads={threads} epochs_timed={seconds.Count}");
        return 0;
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
