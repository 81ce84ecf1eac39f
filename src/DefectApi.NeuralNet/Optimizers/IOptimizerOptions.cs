namespace DefectApi.NeuralNet.Optimizers;

// What the optimizer and its learning-rate schedule read from a trainer's options. The optimizer owns it and the
// trainer's options implement it, so the update rule knows nothing of training: the dependency points one way.
internal interface IOptimizerOptions
{
    OptimizerKind Optimizer { get; }
    float LearningRate { get; }
    float Momentum { get; }
    float WeightDecay { get; }
    float GradientClipNorm { get; }
    float AdamBeta2 { get; }
    LearningRateSchedule Schedule { get; }
    int StepEvery { get; }
    float StepGamma { get; }
    int Epochs { get; }
}
