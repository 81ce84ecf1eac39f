using DefectApi.NeuralNet.Kernels;
using DefectApi.NeuralNet.Losses;
using DefectApi.NeuralNet.Networks;
using DefectApi.NeuralNet.Optimizers;
using DefectApi.NeuralNet.Randomness;

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
        bool validating = Trainer.CheckSets(network.Inputs, network.Outputs, train, validation, options);
        if (options.InputScaling)
            throw new ArgumentException(
                "Packed members have their own input scales (r); InputScaling is for single networks.", nameof(options));

        int threads = options.Threads == 0 ? Environment.ProcessorCount : options.Threads;
        int batch = Math.Min(options.BatchSize, train.Rows);
        int targetsPerRow = LossFunctions.TargetsPerRow(options.Loss, network.Outputs);
        using var ws = new PackedWorkspace(network, batch, targetsPerRow, threads);
        var optimizer = new Optimizer(options, network.Parameters.Length, ws.Pool);
        var best = new float[network.Parameters.Length];
        var validationOutputs = validating ? new float[validation!.Rows * network.Outputs] : [];
        (double, double?) Validate() => (Evaluate(network, validation!, ws, options.Loss, targetsPerRow, validationOutputs),
            options.ValidationMetric?.Invoke(validationOutputs, validation!.Rows));
        var (bestEpoch, history, stoppedEarly) = EpochLoop.Run(options, train.Rows, batch, new PoolChooser(ws.Pool),
            (ReadOnlySpan<int> rows, float rate, ref Xoshiro256 rng) =>
            {
                Trainer.Gather(train, rows, ws.X, ws.Targets, ws.Weights, targetsPerRow);
                PackedBackprop.Forward(network, ws, rows.Length, training: true, ref rng);
                var result = PackedBackprop.Backward(network, ws, rows.Length, options.Loss, train.SampleWeights is not null,
                    training: true, options.LabelSmoothing);
                optimizer.Step(network.ParameterArray, ws.Gradients, rate);
                return result;
            },
            validating ? Validate : null, () => network.Parameters.CopyTo(best), onEpoch, cancel, stopEarly);
        if (bestEpoch > 0) best.CopyTo(network.Parameters);
        return new PackedTrainingResult(network, bestEpoch, history, stoppedEarly);
    }

    /// <summary>The weighted mean loss of the members' averaged prediction over a whole set, in inference mode; that
    /// prediction's raw outputs (<see cref="PackedBackprop.Average"/>) go to outputs.</summary>
    internal static double Evaluate(PackedNetwork network, TrainingSet set, PackedWorkspace ws, LossKind loss, int targetsPerRow,
        Span<float> outputs)
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
            var targets = set.Targets.AsSpan(start * targetsPerRow, rows * targetsPerRow);
            lossSum += LossFunctions.Accumulate(loss, mean, targets, w, rows, o, default, 0f);
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
