using DefectApi.NeuralNet.Losses;
using DefectApi.NeuralNet.Optimizers;
using DefectApi.NeuralNet.Specs;
using DefectApi.NeuralNet.Training;
using DefectApi.Tabular.Targets;

namespace DefectApi.Tabular.Training;

/// <summary>Maps the user's options onto the engine: the network spec and the trainer options.</summary>
internal sealed record TrainingRecipe(NetworkSpec Spec, TabularTrainingOptions Options, LossKind Loss)
{
    public static TrainingRecipe From(TabularTrainingOptions options, TargetSpec target, int inputs)
    {
        var activation = options.Activation;
        var hidden = options.HiddenLayers ?? TabularTrainingOptions.DefaultHiddenLayers;
        var layers = hidden.Select(units => new LayerSpec(units, activation))
            .Append(new LayerSpec(target.Outputs, Activation.Linear)).ToArray();
        var loss = target.Task switch
        {
            TaskKind.Binary => LossKind.BinaryCrossEntropy,
            TaskKind.Multiclass => LossKind.SoftmaxCrossEntropy,
            _ => LossKind.MeanSquaredError,
        };
        return new TrainingRecipe(new NetworkSpec(inputs, layers, (float)options.Dropout), options, loss);
    }

    /// <summary>With packed members, TabM's recipe replaces the optimizer, learning rate, L2, batch size and patience.</summary>
    public TrainerOptions TrainerOptions(int seed, Func<float[], int, double> validationMetric) => Options.PackedMembers > 0
        ? TabMRecipe.Apply(Plain(seed, validationMetric))
        : Plain(seed, validationMetric);

    private TrainerOptions Plain(int seed, Func<float[], int, double> validationMetric) => new()
    {
        Loss = Loss,
        Optimizer = Options.Optimizer,
        LearningRate = (float)Options.LearningRate,
        Schedule = Options.Schedule,
        AdamBeta2 = (float)Options.AdamBeta2,
        InputScaling = Options.InputScaling,
        WeightDecay = (float)Options.L2,
        BatchSize = Options.BatchSize,
        Epochs = Options.Epochs,
        Patience = Options.EarlyStoppingPatience,
        Seed = seed,
        Threads = Options.Threads,
        ValidationMetric = validationMetric,
        LabelSmoothing = Loss == LossKind.SoftmaxCrossEntropy ? (float)Options.LabelSmoothing : 0f,
    };
}

/// <summary>TabM's training recipe (Gorishniy et al., ICLR 2025, the defaults of their tabm package): AdamW at 2e-3 with
/// decoupled weight decay 3e-4, batches of 256, gradient clipping at global norm 1, early stopping with patience 16.</summary>
internal static class TabMRecipe
{
    public static TrainerOptions Apply(TrainerOptions options) => options with
    {
        Optimizer = OptimizerKind.AdamW,
        LearningRate = 2e-3f,
        WeightDecay = 3e-4f,
        BatchSize = 256,
        GradientClipNorm = 1f,
        Patience = 16,
    };
}
