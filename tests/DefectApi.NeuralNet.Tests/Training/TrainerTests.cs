using DefectApi.NeuralNet.Optimizers;

namespace DefectApi.NeuralNet.Tests.Training;

public class TrainerTests
{
    private static readonly NetworkSpec SmallSpec = Data.Spec(4, (16, Activation.Relu), (8, Activation.Tanh),
        (1, Activation.Linear)) with
    { Dropout = 0.1f };

    private static TrainingSet Regression(int rows, int seed, float noise = 0.1f)
    {
        var x = Data.Uniform(rows * 4, seed);
        var e = Data.Uniform(rows, seed + 100);
        var y = Enumerable.Range(0, rows).Select(r => x[4 * r] - 2 * x[4 * r + 1] * x[4 * r + 2] + noise * e[r]).ToArray();
        return new TrainingSet(x, y, rows, 4, Data.Uniform(rows, seed + 200).Select(v => v + 1.2f).ToArray());
    }

    // Validation targets that disagree with training, so validation loss has a minimum and then climbs.
    private static TrainingSet Contrary(int rows, int seed)
    {
        var set = Regression(rows, seed);
        return new TrainingSet(set.Features, set.Targets.Select(t => 0.3f * t).ToArray(), rows, 4);
    }

    private static double ValidationLoss(Network network, TrainingSet set)
    {
        var outputs = new float[set.Rows];
        network.Predict(set.Features, set.Rows, outputs);
        double sum = 0;
        for (int i = 0; i < set.Rows; i++) sum += (double)(outputs[i] - set.Targets[i]) * (outputs[i] - set.Targets[i]);
        return sum / set.Rows;
    }

    private static TrainingResult Fit(TrainerOptions options, TrainingSet? validation = null, Action<EpochReport>? onEpoch = null,
        CancellationToken cancel = default, CancellationToken stopEarly = default)
        => Trainer.Fit(Network.Create(SmallSpec, 9), Regression(300, 1), validation, options, onEpoch, cancel, stopEarly);

    [Fact]
    public void SameSeedGivesByteIdenticalWeightsRunAfterRun()
    {
        var options = new TrainerOptions { Epochs = 3, Threads = 1 };
        var a = Data.Bytes(Fit(options).Network.Parameters);
        var b = Data.Bytes(Fit(options).Network.Parameters);
        Assert.Equal(a, b);
    }

    [Fact]
    public void CosLog4StartsAtARateOfZeroSoTheFirstStepMovesNothing()
    {
        // One epoch of one batch: the only step is taken at t = 0, where coslog4 is 0 (a constant rate would move it).
        var network = Network.Create(SmallSpec, 9);
        var before = Data.Bytes(network.Parameters);
        var options = new TrainerOptions { Epochs = 1, BatchSize = 300, Threads = 1, Schedule = LearningRateSchedule.CosLog4 };
        Trainer.Fit(network, Regression(300, 1), null, options);
        Assert.Equal(before, Data.Bytes(network.Parameters));
        Assert.NotEqual(before, Data.Bytes(Fit(options with { Schedule = LearningRateSchedule.Constant }).Network.Parameters));
    }

    [Fact]
    public void WithInputScalingTheReturnedNetworkScoresTheBestEpochsValidationLossWithTheScaleFoldedIn()
    {
        var validation = Regression(100, 2);
        var options = new TrainerOptions { Epochs = 8, BatchSize = 32, Threads = 1, Patience = 0, InputScaling = true };
        var scaled = Fit(options, validation);
        var best = scaled.History[scaled.BestEpoch - 1].ValidationLoss!.Value;

        // The returned network has no scale of its own: the plain forward pass over the raw inputs gives the loss the
        // trainer saw with x ⊙ s (the validation set's weights are those of Regression, so compare weighted).
        var outputs = new float[validation.Rows];
        scaled.Network.Predict(validation.Features, validation.Rows, outputs);
        double sum = 0, weights = 0;
        for (int i = 0; i < validation.Rows; i++)
        {
            double e = outputs[i] - validation.Targets[i];
            sum += validation.SampleWeights![i] * e * e;
            weights += validation.SampleWeights[i];
        }
        Assert.Equal(best, sum / weights, 4);
        Assert.NotEqual(Data.Bytes(Fit(options with { InputScaling = false }, validation).Network.Parameters),
            Data.Bytes(scaled.Network.Parameters));
    }

    [Fact]
    public void OneThreadAndTwoThreadsGiveByteIdenticalWeights()
    {
        var spec = Data.Spec(70, (300, Activation.Relu), (130, Activation.LeakyRelu), (3, Activation.Linear)) with { Dropout = 0.2f };
        var x = Data.Uniform(600 * 70, 4);
        var y = Data.Uniform(600 * 3, 5);
        byte[] Run(int threads)
        {
            var network = Network.Create(spec, 3);
            Trainer.Fit(network, new TrainingSet(x, y, 600, 70), null, new TrainerOptions
            {
                Epochs = 2, BatchSize = 256,
                Threads = threads
            });
            return Data.Bytes(network.Parameters);
        }
        Assert.Equal(Run(1), Run(2));
    }

    [Fact]
    public void AStepRunWhoseThreadsAreSwitchedOnAndOffGivesTheOneThreadWeights()
    {
        // 40 epochs of 8 steps: 320 steps, past the chooser's alternating probe windows (steps with and without the
        // pool's workers) and into its committed stretch, so both ways of running a product are mixed in one run.
        var spec = Data.Spec(20, (64, Activation.Relu), (32, Activation.Tanh), (2, Activation.Linear));
        var x = Data.Uniform(256 * 20, 6);
        var y = Data.Uniform(256 * 2, 7);
        byte[] Run(int threads)
        {
            var network = Network.Create(spec, 4);
            Trainer.Fit(network, new TrainingSet(x, y, 256, 20), null, new TrainerOptions
            {
                Epochs = 40, BatchSize = 32, Patience = 0,
                Threads = threads
            });
            return Data.Bytes(network.Parameters);
        }
        Assert.Equal(Run(1), Run(2));
    }

    [Fact]
    public void DifferentSeedsGiveDifferentWeights()
    {
        var a = Data.Bytes(Fit(new TrainerOptions { Epochs = 1, Seed = 1 }).Network.Parameters);
        var b = Data.Bytes(Fit(new TrainerOptions { Epochs = 1, Seed = 2 }).Network.Parameters);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void EarlyStoppingRestoresTheBestEpochWhenPatienceFires()
    {
        var validation = Contrary(100, 50);
        var result = Fit(new TrainerOptions { Epochs = 200, Patience = 3, LearningRate = 0.01f }, validation);
        Assert.True(result.StoppedEarly);
        Assert.True(result.History.Count < 200);
        AssertBestRestored(result, validation);
    }

    [Fact]
    public void BestEpochIsRestoredWhenPatienceNeverFires()
    {
        var validation = Contrary(100, 50);
        var result = Fit(new TrainerOptions { Epochs = 25, Patience = 0, LearningRate = 0.01f }, validation);
        Assert.False(result.StoppedEarly);
        Assert.Equal(25, result.History.Count);
        Assert.True(result.BestEpoch < 25, "the scenario should make the last epoch worse than the best");
        AssertBestRestored(result, validation);
    }

    [Fact]
    public void StopEarlyReturnsTheBestEpochSoFar()
    {
        var validation = Contrary(100, 50);
        using var stop = new CancellationTokenSource();
        var result = Fit(new TrainerOptions { Epochs = 100, Patience = 0, LearningRate = 0.01f }, validation,
            onEpoch: r => { if (r.Epoch == 12) stop.Cancel(); }, stopEarly: stop.Token);
        Assert.True(result.StoppedEarly);
        Assert.Equal(12, result.History.Count);
        AssertBestRestored(result, validation);
    }

    [Fact]
    public void StopEarlyWithoutValidationReturnsTheLastCompletedEpoch()
    {
        using var stop = new CancellationTokenSource();
        var result = Fit(new TrainerOptions { Epochs = 50 }, onEpoch: r => { if (r.Epoch == 2) stop.Cancel(); }, stopEarly: stop.Token);
        var twoEpochs = Fit(new TrainerOptions { Epochs = 2 });
        Assert.Equal(Data.Bytes(twoEpochs.Network.Parameters), Data.Bytes(result.Network.Parameters));
        Assert.Equal(2, result.BestEpoch);
        Assert.True(result.StoppedEarly);
    }

    [Fact]
    public void CancelThrowsBeforeTheNextBatch()
    {
        using var cancel = new CancellationTokenSource();
        var network = Network.Create(SmallSpec, 9);
        byte[]? atCancel = null;
        Assert.ThrowsAny<OperationCanceledException>(() => Trainer.Fit(network, Regression(300, 1), null,
            new TrainerOptions { Epochs = 50 },
            r => { if (r.Epoch == 1) { atCancel = Data.Bytes(network.Parameters); cancel.Cancel(); } }, cancel.Token));
        Assert.Equal(atCancel, Data.Bytes(network.Parameters)); // not one more optimizer step ran
    }

    [Fact]
    public void CancelledTokenStopsBeforeAnyStep()
    {
        var network = Network.Create(SmallSpec, 9);
        var before = Data.Bytes(network.Parameters);
        Assert.ThrowsAny<OperationCanceledException>(() => Trainer.Fit(network, Regression(300, 1), null, new TrainerOptions(),
            cancel: new CancellationToken(true)));
        Assert.Equal(before, Data.Bytes(network.Parameters));
    }

    [Fact]
    public void EpochCallbackReportsEveryEpochWithValidationMetric()
    {
        var reports = new List<EpochReport>();
        var validation = Regression(50, 7);
        var result = Fit(new TrainerOptions { Epochs = 4, Patience = 0, ValidationMetric = (outputs, rows) => rows + outputs.Length },
            validation, reports.Add);
        Assert.Equal(new[] { 1, 2, 3, 4 }, reports.Select(r => r.Epoch));
        Assert.All(reports, r => { Assert.Equal(4, r.Epochs); Assert.Equal(100.0, r.ValidationMetric); Assert.NotNull(r.ValidationLoss); });
        Assert.Equal(reports, result.History);
    }

    [Fact]
    public void MismatchedTargetsAreRefused()
    {
        var network = Network.Create(Data.Spec(2, (3, Activation.Linear)), 1);
        var set = new TrainingSet(new float[4], [0f, 5f], 2, 2);
        Assert.Throws<ArgumentException>(() => Trainer.Fit(network, set, null, new TrainerOptions { Loss = LossKind.SoftmaxCrossEntropy }));
        Assert.Throws<ArgumentException>(() => Trainer.Fit(network, set, null, new TrainerOptions { Loss = LossKind.MeanSquaredError }));
    }

    private static void AssertBestRestored(TrainingResult result, TrainingSet validation)
    {
        var losses = result.History.Select(h => h.ValidationLoss!.Value).ToList();
        int best = losses.IndexOf(losses.Min()) + 1;
        Assert.Equal(best, result.BestEpoch);
        Assert.Equal(losses.Min(), ValidationLoss(result.Network, validation), 5);
    }
}
