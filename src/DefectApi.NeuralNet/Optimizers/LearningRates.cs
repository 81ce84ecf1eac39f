namespace DefectApi.NeuralNet.Optimizers;

internal static class LearningRates
{
    // epoch is 0-based; step is the batch within it, of steps per epoch. Step and Cosine change once per epoch.
    // Cosine follows SGDR without restarts (Loshchilov & Hutter 2017), decaying to 0 at the end.
    public static float At(IOptimizerOptions options, int epoch, int step = 0, int steps = 1) => options.Schedule switch
    {
        LearningRateSchedule.Step => options.LearningRate * MathF.Pow(options.StepGamma, epoch / Math.Max(1, options.StepEvery)),
        LearningRateSchedule.Cosine => (float)(options.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * epoch / Math.Max(1, options.Epochs)))),
        LearningRateSchedule.CosLog4 =>
            (float)(options.LearningRate * CosLog4(((double)epoch * steps + step) / ((double)Math.Max(1, options.Epochs) * steps))),
        _ => options.LearningRate,
    };

    // RealMLP's coslog4 factor at t, the fraction of all training steps taken (Holzmüller et al., NeurIPS 2024):
    // ½(1 − cos(2π·log₂(1 + 15t))). log₂(1 + 15t) runs from 0 to 4, so the rate rises from 0 and falls back to 0
    // four times, the cycles ending at t = 1/15, 3/15, 7/15 and 1: short restarts early, a long last decay. It is
    // computed per step, as RealMLP does, because its first cycle lasts only 1/15 of training.
    internal static double CosLog4(double t) => 0.5 * (1 - Math.Cos(2 * Math.PI * Math.Log2(1 + 15 * t)));
}
