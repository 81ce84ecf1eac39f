using DefectApi.NeuralNet.Losses;
using DefectApi.NeuralNet.Networks;
using DefectApi.NeuralNet.Optimizers;

namespace DefectApi.NeuralNet.Training;

public sealed record TrainerOptions : IOptimizerOptions
{
    public LossKind Loss { get; init; } = LossKind.MeanSquaredError;
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    public float LearningRate { get; init; } = 1e-3f;
    public float Momentum { get; init; } = 0.9f;           // SGD momentum / Nesterov
    public float WeightDecay { get; init; } = 0f;          // L2 for Sgd/Momentum/Nesterov/Adam, decoupled for AdamW
    public float GradientClipNorm { get; init; } = 0f;     // 0 = off; clip by global norm
    // Adam's second-moment decay (Kingma & Ba 2015 use 0.999; RealMLP, Holzmüller et al. 2024, uses 0.95).
    public float AdamBeta2 { get; init; } = 0.999f;
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;
    public int StepEvery { get; init; } = 30;
    public float StepGamma { get; init; } = 0.5f;
    public int BatchSize { get; init; } = 32;
    public int Epochs { get; init; } = 100;
    public int Patience { get; init; } = 10;               // early stopping on validation loss; 0 = off
    public int Seed { get; init; } = 42;
    public int Threads { get; init; } = 0;                // 0 = Environment.ProcessorCount; results identical for any value
    // RealMLP's diagonal scaling layer before the first dense layer (Layers/InputScale), folded into it at the end.
    public bool InputScaling { get; init; }
    public float LabelSmoothing { get; init; } = 0f;      // softmax cross-entropy only: target (1 − ε)·onehot + ε/K
    // Called with the validation set's raw outputs (rows × Outputs, logits) and the row count after each
    // epoch; its result is reported as EpochReport.ValidationMetric. The array is reused between calls.
    public Func<float[], int, double>? ValidationMetric { get; init; }
    // Called on the training thread before each batch step and each validation pass, outside the timed part of a
    // step. It may block (to hand the core to other work for a while) or throw to end training, and must not touch the
    // network: the results are the same whatever it does or however long it waits.
    public Action? BetweenSteps { get; init; }

    internal void Validate()
    {
        if (!Enum.IsDefined(Loss)) throw new ArgumentException($"Unknown loss {(int)Loss}.", nameof(Loss));
        if (!Enum.IsDefined(Optimizer)) throw new ArgumentException($"Unknown optimizer {(int)Optimizer}.", nameof(Optimizer));
        if (!Enum.IsDefined(Schedule)) throw new ArgumentException($"Unknown schedule {(int)Schedule}.", nameof(Schedule));
        if (!(LearningRate > 0f) || float.IsInfinity(LearningRate))
            throw new ArgumentException("LearningRate must be positive and finite.", nameof(LearningRate));
        if (!(Momentum >= 0f && Momentum < 1f)) throw new ArgumentException("Momentum must be in [0, 1).", nameof(Momentum));
        if (!(WeightDecay >= 0f) || float.IsInfinity(WeightDecay))
            throw new ArgumentException("WeightDecay must be non-negative.", nameof(WeightDecay));
        if (!(AdamBeta2 > 0f && AdamBeta2 < 1f)) throw new ArgumentException("AdamBeta2 must be in (0, 1).", nameof(AdamBeta2));
        if (!(GradientClipNorm >= 0f)) throw new ArgumentException("GradientClipNorm must be non-negative.", nameof(GradientClipNorm));
        if (StepEvery < 1) throw new ArgumentException("StepEvery must be at least 1.", nameof(StepEvery));
        if (!(StepGamma > 0f)) throw new ArgumentException("StepGamma must be positive.", nameof(StepGamma));
        if (BatchSize < 1) throw new ArgumentException("BatchSize must be at least 1.", nameof(BatchSize));
        if (Epochs < 1) throw new ArgumentException("Epochs must be at least 1.", nameof(Epochs));
        if (Patience < 0) throw new ArgumentException("Patience must not be negative.", nameof(Patience));
        if (!(LabelSmoothing >= 0f && LabelSmoothing < 1f))
            throw new ArgumentException("LabelSmoothing must be in [0, 1).", nameof(LabelSmoothing));
        if (Threads < 0) throw new ArgumentException("Threads must not be negative.", nameof(Threads));
    }
}

public sealed record EpochReport(int Epoch, int Epochs, double TrainLoss, double? ValidationLoss,
                                 double? ValidationMetric, TimeSpan Elapsed);

public sealed class TrainingResult
{
    internal TrainingResult(Network network, int bestEpoch, IReadOnlyList<EpochReport> history, bool stoppedEarly)
    {
        Network = network;
        BestEpoch = bestEpoch;
        History = history;
        StoppedEarly = stoppedEarly;
    }

    public Network Network { get; }            // the best epoch's weights (best validation loss; last epoch without validation)
    public int BestEpoch { get; }              // 1-based; 0 when no epoch completed
    public IReadOnlyList<EpochReport> History { get; }
    public bool StoppedEarly { get; }          // by patience or by the stopEarly token
}
