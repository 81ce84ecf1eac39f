using System.Diagnostics;
using DefectApi.NeuralNet.Kernels;
using DefectApi.NeuralNet.Optimizers;
using DefectApi.NeuralNet.Randomness;

namespace DefectApi.NeuralNet.Training;

/// <summary>The epochs every trainer runs: shuffle, batch steps, a validation pass, the report, and early stopping on the
/// validation loss with the best epoch kept. What a step and a validation pass compute is the caller's.</summary>
internal static class EpochLoop
{
    /// <summary>One batch of the shuffled row indices at the given rate: returns (Σ wᵢ·lᵢ, Σ wᵢ).</summary>
    public delegate (double Loss, double Weight) BatchStep(ReadOnlySpan<int> rows, float learningRate, ref Xoshiro256 rng);

    /// <param name="validate">the validation loss and metric after an epoch; null without validation</param>
    /// <param name="keepBest">copies the current weights as the best so far</param>
    public static (int BestEpoch, List<EpochReport> History, bool StoppedEarly) Run(TrainerOptions options, int trainRows, int batch,
        PoolChooser chooser, BatchStep step, Func<(double Loss, double? Metric)>? validate, Action keepBest, Action<EpochReport>? onEpoch,
        CancellationToken cancel, CancellationToken stopEarly)
    {
        var rng = new Xoshiro256(options.Seed);
        var order = new int[trainRows];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var history = new List<EpochReport>(Math.Min(options.Epochs, 1024));
        double bestLoss = double.PositiveInfinity;
        int bestEpoch = 0, sinceBest = 0;
        bool stoppedEarly = false;
        var clock = Stopwatch.StartNew();
        int steps = (trainRows + batch - 1) / batch;

        for (int epoch = 0; epoch < options.Epochs && !stoppedEarly; epoch++)
        {
            rng.Shuffle(order);
            double lossSum = 0, weightSum = 0;
            for (int start = 0; start < trainRows; start += batch)
            {
                cancel.ThrowIfCancellationRequested();
                options.BetweenSteps?.Invoke();
                if (stopEarly.IsCancellationRequested) { stoppedEarly = true; break; }
                long stepStarted = chooser.StepStarting();
                float learningRate = LearningRates.At(options, epoch, start / batch, steps);
                var (loss, weight) = step(order.AsSpan(start, Math.Min(batch, trainRows - start)), learningRate, ref rng);
                chooser.StepDone(stepStarted);
                lossSum += loss;
                weightSum += weight;
            }
            if (stoppedEarly) break; // a partial epoch is neither reported nor a candidate for best

            double? validationLoss = null, metric = null;
            if (validate is not null)
            {
                options.BetweenSteps?.Invoke();
                (validationLoss, metric) = validate();
            }
            var report = new EpochReport(epoch + 1, options.Epochs, weightSum > 0 ? lossSum / weightSum : 0, validationLoss, metric,
                clock.Elapsed);
            history.Add(report);
            onEpoch?.Invoke(report);

            // Without validation the latest epoch is the best; a NaN validation loss never is.
            if (validate is null || validationLoss < bestLoss)
            {
                bestLoss = validationLoss ?? 0;
                bestEpoch = epoch + 1;
                sinceBest = 0;
                keepBest();
            }
            else if (++sinceBest >= options.Patience && options.Patience > 0)
            {
                stoppedEarly = true;
            }
        }
        return (bestEpoch, history, stoppedEarly);
    }
}
