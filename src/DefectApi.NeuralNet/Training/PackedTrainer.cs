using System.Diagnostics;
using DefectApi.NeuralNet.Kernels;
using DefectApi.NeuralNet.Losses;
using DefectApi.NeuralNet.Optimizers;

namespace DefectApi.NeuralNet.Training;

/// <summary>Trains a <see cref="PackedNetwork"/> as <see cref="Trainer"/> trains one network: the same options, shuffling,
/// cancellation and early stopping, except that the loss is the members' mean loss and the validation loss (and
/// metric) is that of their averaged prediction (TabM, Gorishniy et al., ICLR 2025: early stopping on the ensemble's
/// prediction). The optimizer, weight decay and clipping act on the whole packed parameter array, adapters included.</summary>
public static class PackedTrainer
{
    public static PackedTrainingResult Fit(PackedNetwork network, TrainingSet train, TrainingSet? validation, TrainerOptions options,
        Action<EpochReport>? onEpoch = null, CancellationToken cancel = default, CancellationToken stopEarly = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.InputScaling) throw new ArgumentException("Packed members have their own input scales (r); InputScaling is for single networks.", nameof(options));
        Trainer.CheckSet(network.Inputs, network.Outputs, train, options.Loss, nameof(train));
        if (train.Rows == 0) throw new ArgumentException("The training set is empty.", nameof(train));
        if (validation is not null) Trainer.CheckSet(network.Inputs, network.Outputs, validation, options.Loss, nameof(validation));
        bool validating = validation is { Rows: > 0 };

        int threads = options.Threads == 0 ? Environment.ProcessorCount : options.Threads;
        int batch = Math.Min(options.BatchSize, train.Rows);
        int targetsPerRow = LossFunctions.TargetsPerRow(options.Loss, network.Outputs);
        using var ws = new PackedWorkspace(network, batch, targetsPerRow, threads);
        var optimizer = new Optimizer(options, network.Parameters.Length, ws.Pool);
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
                var rows = order.AsSpan(start, Math.Min(batch, train.Rows - start));
                Trainer.Gather(train, rows, ws.X, ws.Targets, ws.Weights, targetsPerRow);
                PackedBackprop.Forward(network, ws, rows.Length, training: true, ref rng);
                var (loss, weight) = PackedBackprop.Backward(network, ws, rows.Length, options.Loss, train.SampleWeights is not null, training: true,
                    options.LabelSmoothing);
                optimizer.Step(network.ParameterArray, ws.Gradients, learningRate);
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

            if (!validating || validationLoss < bestLoss)
            {
                bestLoss = validationLoss ?? 0;
                bestEpoch = epoch + 1;
                sinceBest = 0;
                network.Parameters.CopyTo(best);
            }
            else if (++sinceBest >= options.Patience && options.Patience > 0)
            {
                stoppedEarly = true;
            }
        }
        if (bestEpoch > 0) best.CopyTo(network.Parameters);
        return new PackedTrainingResult(network, bestEpoch, history, stoppedEarly);
    }

    /// <summary>The weighted mean loss of the members' averaged prediction over a whole set, in inference mode; that
    /// prediction's raw outputs (<see cref="PackedBackprop.Average"/>) go to outputs.</summary>
    internal static double Evaluate(PackedNetwork network, TrainingSet set, PackedWorkspace ws, LossKind loss, int targetsPerRow, Span<float> outputs)
    {
        var none = default(Xoshiro256);
        double lossSum = 0, weightSum = 0;
        int o = network.Outputs;
        for (int start = 0; start < set.Rows; start += ws.MaxRows)
        {
            int rows = Math.Min(ws.MaxRows, set.Rows - start);
            set.Features.AsSpan(start * set.Inputs, rows * set.Inputs).CopyTo(ws.X);
            PackedBackprop.Forward(network, ws, rows, training: false, ref none);
            var mean = outputs.Slice(start * o, rows * o);
            PackedBackprop.Average(loss, ws.Z.AsSpan(0, network.Members * rows * o), network.Members, rows, o, mean);
            var w = set.SampleWeights is { } sw ? sw.AsSpan(start, rows) : default;
            lossSum += LossFunctions.Accumulate(loss, mean, set.Targets.AsSpan(start * targetsPerRow, rows * targetsPerRow), w, rows, o, default, 0f);
            if (w.IsEmpty) weightSum += rows;
            else foreach (float v in w) weightSum += v;
        }
        return weightSum > 0 ? lossSum / weightSum : 0;
    }
}

public sealed class PackedTrainingResult
{
    internal PackedTrainingResult(PackedNetwork network, int bestEpoch, IReadOnlyList<EpochReport> history, bool stoppedEarly)
    {
        Network = network;
        BestEpoch = bestEpoch;
        History = history;
        StoppedEarly = stoppedEarly;
    }

    public PackedNetwork Network { get; }      // the best epoch's weights (least validation loss of the averaged prediction)
    public int BestEpoch { get; }
    public IReadOnlyList<EpochReport> History { get; }
    public bool StoppedEarly { get; }
}
