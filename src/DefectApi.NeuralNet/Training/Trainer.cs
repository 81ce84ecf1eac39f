using System.Diagnostics;
using DefectApi.NeuralNet.Kernels;
using DefectApi.NeuralNet.Layers;
using DefectApi.NeuralNet.Losses;
using DefectApi.NeuralNet.Optimizers;

namespace DefectApi.NeuralNet.Training;

public static class Trainer
{
    // cancel: throws OperationCanceledException within one batch. stopEarly: ends within one batch and returns the
    // best epoch's weights so far (at least one completed epoch, else the current weights).
    public static TrainingResult Fit(Network network, TrainingSet train, TrainingSet? validation, TrainerOptions options,
        Action<EpochReport>? onEpoch = null, CancellationToken cancel = default, CancellationToken stopEarly = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        CheckSet(network.Inputs, network.Outputs, train, options.Loss, nameof(train));
        if (train.Rows == 0) throw new ArgumentException("The training set is empty.", nameof(train));
        if (validation is not null) CheckSet(network.Inputs, network.Outputs, validation, options.Loss, nameof(validation));
        bool validating = validation is { Rows: > 0 };

        int threads = options.Threads == 0 ? Environment.ProcessorCount : options.Threads;
        int batch = Math.Min(options.BatchSize, train.Rows);
        int targetsPerRow = LossFunctions.TargetsPerRow(options.Loss, network.Outputs);
        using var ws = new Workspace(network, batch, targetsPerRow, threads, options.InputScaling);
        var optimizer = new Optimizer(options, network.Parameters.Length, ws.Pool);
        var scaleOptimizer = options.InputScaling ? new Optimizer(options, network.Inputs) : null;
        var bestScale = ws.InputScale.ToArray();
        var rng = new Xoshiro256(options.Seed);
        var order = new int[train.Rows];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var best = new float[network.Parameters.Length];
        var validationOutputs = validating ? new float[validation!.Rows * network.Outputs] : [];
        var history = new List<EpochReport>(Math.Min(options.Epochs, 1024));
        double bestLoss = double.PositiveInfinity;
        int bestEpoch = 0, sinceBest = 0;
        bool stoppedEarly = false;
        var clock = Stopwatch.StartNew();
        var chooser = new PoolChooser(ws.Pool);
        int steps = (train.Rows + batch - 1) / batch;

        for (int epoch = 0; epoch < options.Epochs && !stoppedEarly; epoch++)
        {
            rng.Shuffle(order);
            double lossSum = 0, weightSum = 0;
            for (int start = 0; start < train.Rows; start += batch)
            {
                cancel.ThrowIfCancellationRequested();
                options.BetweenSteps?.Invoke();
                if (stopEarly.IsCancellationRequested) { stoppedEarly = true; break; }
                long stepStarted = chooser.StepStarting();
                float learningRate = LearningRates.At(options, epoch, start / batch, steps);
                var (loss, weight) = Step(network, train, order.AsSpan(start, Math.Min(batch, train.Rows - start)), ws, options.Loss, optimizer, learningRate, ref rng, options.LabelSmoothing, scaleOptimizer);
                chooser.StepDone(stepStarted);
                lossSum += loss;
                weightSum += weight;
            }
            if (stoppedEarly) break; // a partial epoch is neither reported nor a candidate for best

            double? validationLoss = null, metric = null;
            if (validating)
            {
                options.BetweenSteps?.Invoke();
                validationLoss = Evaluate(network, validation!, ws, options.Loss, targetsPerRow, validationOutputs);
                if (options.ValidationMetric is { } f) metric = f(validationOutputs, validation!.Rows);
            }
            var report = new EpochReport(epoch + 1, options.Epochs, weightSum > 0 ? lossSum / weightSum : 0, validationLoss, metric, clock.Elapsed);
            history.Add(report);
            onEpoch?.Invoke(report);

            // Without validation the latest epoch is the best; a NaN validation loss never is.
            if (!validating || validationLoss < bestLoss)
            {
                bestLoss = validationLoss ?? 0;
                bestEpoch = epoch + 1;
                sinceBest = 0;
                network.Parameters.CopyTo(best);
                ws.InputScale.CopyTo(bestScale, 0);
            }
            else if (++sinceBest >= options.Patience && options.Patience > 0)
            {
                stoppedEarly = true;
            }
        }
        if (bestEpoch > 0)
        {
            best.CopyTo(network.Parameters);
            bestScale.CopyTo(ws.InputScale, 0);
        }
        if (options.InputScaling) InputScale.Fold(network, ws.InputScale);
        return new TrainingResult(network, bestEpoch, history, stoppedEarly);
    }

    internal static void CheckSet(int inputs, int outputs, TrainingSet set, LossKind loss, string name)
    {
        if (set.Inputs != inputs) throw new ArgumentException($"The set has {set.Inputs} inputs, the network {inputs}.", name);
        if (set.Rows == 0) return;
        int expected = LossFunctions.TargetsPerRow(loss, outputs);
        if (set.TargetsPerRow != expected || set.Targets.Length != (long)set.Rows * expected)
            throw new ArgumentException($"{loss} needs {expected} target value(s) per row, the set has {set.Targets.Length} for {set.Rows} rows.", name);
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
    internal static (double Loss, double Weight) Step(Network network, TrainingSet train, ReadOnlySpan<int> rows, Workspace ws, LossKind loss,
        Optimizer optimizer, float learningRate, ref Xoshiro256 rng, float labelSmoothing = 0f, Optimizer? scaleOptimizer = null)
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
            lossSum += LossFunctions.Accumulate(loss, z, set.Targets.AsSpan(start * targetsPerRow, rows * targetsPerRow), w, rows, o, default, 0f);
            if (w.IsEmpty) weightSum += rows;
            else foreach (float v in w) weightSum += v;
        }
        return weightSum > 0 ? lossSum / weightSum : 0;
    }
}
