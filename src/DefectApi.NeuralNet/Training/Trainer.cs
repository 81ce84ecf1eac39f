using DefectApi.NeuralNet.Kernels;
using DefectApi.NeuralNet.Layers;
using DefectApi.NeuralNet.Losses;
using DefectApi.NeuralNet.Networks;
using DefectApi.NeuralNet.Optimizers;
using DefectApi.NeuralNet.Randomness;

namespace DefectApi.NeuralNet.Training;

public static class Trainer
{
    // cancel: throws OperationCanceledException within one batch. stopEarly: ends within one batch and returns the
    // best epoch's weights so far (at least one completed epoch, else the current weights).
    public static TrainingResult Fit(Network network, TrainingSet train, TrainingSet? validation, TrainerOptions options,
        Action<EpochReport>? onEpoch = null, CancellationToken cancel = default, CancellationToken stopEarly = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        bool validating = CheckSets(network.Inputs, network.Outputs, train, validation, options);

        int threads = options.Threads == 0 ? Environment.ProcessorCount : options.Threads;
        int batch = Math.Min(options.BatchSize, train.Rows);
        int targetsPerRow = LossFunctions.TargetsPerRow(options.Loss, network.Outputs);
        using var ws = new Workspace(network, batch, targetsPerRow, threads, options.InputScaling);
        var optimizer = new Optimizer(options, network.Parameters.Length, ws.Pool);
        var scaleOptimizer = options.InputScaling ? new Optimizer(options, network.Inputs) : null;
        var bestScale = ws.InputScale.ToArray();
        var best = new float[network.Parameters.Length];
        var validationOutputs = validating ? new float[validation!.Rows * network.Outputs] : [];
        (double, double?) Validate() => (Evaluate(network, validation!, ws, options.Loss, targetsPerRow, validationOutputs),
            options.ValidationMetric?.Invoke(validationOutputs, validation!.Rows));
        var (bestEpoch, history, stoppedEarly) = EpochLoop.Run(options, train.Rows, batch, new PoolChooser(ws.Pool),
            (ReadOnlySpan<int> rows, float rate, ref Xoshiro256 rng) =>
                Step(network, train, rows, ws, options.Loss, optimizer, rate, ref rng, options.LabelSmoothing, scaleOptimizer),
            validating ? Validate : null,
            () =>
            {
                network.Parameters.CopyTo(best);
                ws.InputScale.CopyTo(bestScale, 0);
            },
            onEpoch, cancel, stopEarly);
        if (bestEpoch > 0)
        {
            best.CopyTo(network.Parameters);
            bestScale.CopyTo(ws.InputScale, 0);
        }
        if (options.InputScaling) InputScale.Fold(network.Layers[0], network.Parameters, ws.InputScale);
        return new TrainingResult(network, bestEpoch, history, stoppedEarly);
    }

    // Checks a fit's arguments against a network of these inputs and outputs; true when there are rows to validate on.
    internal static bool CheckSets(int inputs, int outputs, TrainingSet train, TrainingSet? validation, TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        CheckSet(inputs, outputs, train, options.Loss, nameof(train));
        if (train.Rows == 0) throw new ArgumentException("The training set is empty.", nameof(train));
        if (validation is not null) CheckSet(inputs, outputs, validation, options.Loss, nameof(validation));
        return validation is { Rows: > 0 };
    }

    private static void CheckSet(int inputs, int outputs, TrainingSet set, LossKind loss, string name)
    {
        if (set.Inputs != inputs) throw new ArgumentException($"The set has {set.Inputs} inputs, the network {inputs}.", name);
        if (set.Rows == 0) return;
        int expected = LossFunctions.TargetsPerRow(loss, outputs);
        if (set.TargetsPerRow != expected || set.Targets.Length != (long)set.Rows * expected)
            throw new ArgumentException(
                $"{loss} needs {expected} target value(s) per row, the set has {set.Targets.Length} for {set.Rows} rows.", name);
        if (loss == LossKind.SoftmaxCrossEntropy)
        {
            foreach (float t in set.Targets)
                if (!(t >= 0 && t < outputs && t == MathF.Floor(t)))
                    throw new ArgumentException($"Softmax targets must be class indices in 0..{outputs - 1}, found {t}.", name);
        }
        else
        {
            foreach (float t in set.Targets)
                if (!float.IsFinite(t)) throw new ArgumentException("Targets must be finite.", name);
        }
    }

    // One mini-batch: gather the rows, forward, loss, backward, update. Allocates nothing.
    internal static (double Loss, double Weight) Step(Network network, TrainingSet train, ReadOnlySpan<int> rows, Workspace ws,
        LossKind loss, Optimizer optimizer, float learningRate, ref Xoshiro256 rng, float labelSmoothing = 0f,
        Optimizer? scaleOptimizer = null)
    {
        Gather(train, rows, ws, LossFunctions.TargetsPerRow(loss, network.Outputs));
        Backprop.Forward(network, ws, rows.Length, training: true, ref rng);
        var result = Backprop.Backward(network, ws, rows.Length, loss, train.SampleWeights is not null, training: true, labelSmoothing);
        optimizer.Step(network.ParameterArray, ws.ParameterGradients, learningRate);
        scaleOptimizer?.Step(ws.InputScale, ws.InputScaleGradient, learningRate * InputScale.LearningRateFactor);
        return result;
    }

    // Copies the rows named by indices into the workspace's contiguous batch buffers.
    private static void Gather(TrainingSet set, ReadOnlySpan<int> indices, Workspace ws, int targetsPerRow) =>
        Gather(set, indices, ws.X, ws.Targets, ws.Weights, targetsPerRow);

    internal static void Gather(TrainingSet set, ReadOnlySpan<int> indices, float[] x, float[] targets, float[] weights, int targetsPerRow)
    {
        int inputs = set.Inputs;
        for (int i = 0; i < indices.Length; i++)
        {
            int r = indices[i];
            set.Features.AsSpan(r * inputs, inputs).CopyTo(x.AsSpan(i * inputs, inputs));
            set.Targets.AsSpan(r * targetsPerRow, targetsPerRow).CopyTo(targets.AsSpan(i * targetsPerRow, targetsPerRow));
            if (set.SampleWeights is { } w) weights[i] = w[r];
        }
    }

    // The weighted mean loss over a whole set in inference mode, in workspace-sized chunks; raw outputs go to outputs.
    internal static double Evaluate(Network network, TrainingSet set, Workspace ws, LossKind loss, int targetsPerRow, Span<float> outputs)
    {
        var none = default(Xoshiro256);
        double lossSum = 0, weightSum = 0;
        int o = network.Outputs;
        for (int start = 0; start < set.Rows; start += ws.MaxRows)
        {
            int rows = Math.Min(ws.MaxRows, set.Rows - start);
            set.Features.AsSpan(start * set.Inputs, rows * set.Inputs).CopyTo(ws.X);
            Backprop.Forward(network, ws, rows, training: false, ref none);
            var z = ws.Outputs[^1].AsSpan(0, rows * o);
            z.CopyTo(outputs.Slice(start * o, rows * o));
            var w = set.SampleWeights is { } sw ? sw.AsSpan(start, rows) : default;
            var targets = set.Targets.AsSpan(start * targetsPerRow, rows * targetsPerRow);
            lossSum += LossFunctions.Accumulate(loss, z, targets, w, rows, o, default, 0f);
            if (w.IsEmpty) weightSum += rows;
            else foreach (float v in w) weightSum += v;
        }
        return weightSum > 0 ? lossSum / weightSum : 0;
    }
}
