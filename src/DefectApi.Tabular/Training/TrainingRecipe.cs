using DefectApi.NeuralNet;
using DefectApi.NeuralNet.Losses;
using DefectApi.NeuralNet.Optimizers;
using DefectApi.NeuralNet.Training;

namespace DefectApi.Tabular.Training;

/// <summary>Maps the user's options onto the engine: the network spec and the trainer options.</summary>
internal sealed record TrainingRecipe(NetworkSpec Spec, TabularTrainingOptions Options, LossKind Loss)
{
    public static TrainingRecipe From(TabularTrainingOptions options, TargetSpec target, int inputs)
    {
        var activation = options.Activation;
        var hidden = options.HiddenLayers ?? TabularTrainingOptions.DefaultHiddenLayers;
        var layers = hidden.Select(units => new LayerSpec(units, activation)).Append(new LayerSpec(target.Outputs, Activation.Linear)).ToArray();
        var loss = target.Task switch
        {
            TaskKind.Binary => LossKind.BinaryCrossEntropy,
            TaskKind.Multiclass => LossKind.SoftmaxCrossEntropy,
            _ => LossKind.MeanSquaredError,
        };
        return new TrainingRecipe(new NetworkSpec(inputs, layers, (float)options.Dropout), options, loss);
    }

    public TrainerOptions TrainerOptions(int seed, Func<float[], int, double> validationMetric) => new()
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
