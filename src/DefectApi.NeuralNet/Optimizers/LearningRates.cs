using DefectApi.NeuralNet.Training;

namespace DefectApi.NeuralNet.Optimizers;

internal static class LearningRates
{
    // epoch is 0-based. Cosine follows SGDR without restarts (Loshchilov & Hutter 2017), decaying to 0 at the end.
    public static float At(TrainerOptions options, int epoch) => options.Schedule switch
    {
        LearningRateSchedule.Step => options.LearningRate * MathF.Pow(options.StepGamma, epoch / Math.Max(1, options.StepEvery)),
        LearningRateSchedule.Cosine => (float)(options.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * epoch / Math.Max(1, options.Epochs)))),
        _ => options.LearningRate,
    };
}
