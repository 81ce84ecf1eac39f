using DefectApi.NeuralNet.Optimizers;
using DefectApi.NeuralNet.Training;

namespace DefectApi.NeuralNet.Tests.Optimizers;

public class OptimizerTests
{
    private static float[] Run(OptimizerKind kind, float[] p, float[] g, int steps, float weightDecay = 0f, float clip = 0f)
    {
        var options = new TrainerOptions { Optimizer = kind, WeightDecay = weightDecay, GradientClipNorm = clip, Momentum = 0.9f };
        var optimizer = new Optimizer(options, p.Length);
        for (int i = 0; i < steps; i++) optimizer.Step(p, (float[])g.Clone(), 0.1f);
        return p;
    }

    [Fact]
    public void SgdStepsAgainstTheGradient() => Assert.Equal([0.8f, 1.1f], Run(OptimizerKind.Sgd, [1f, 1f], [2f, -1f], 1));

    [Fact]
    public void MomentumAccumulatesVelocity()
    {
        // v1 = g, v2 = 0.9 g + g = 1.9 g; p = 1 - 0.1 (g + 1.9 g).
        Assert.Equal(1f - 0.1f * 2.9f, Run(OptimizerKind.Momentum, [1f], [1f], 2)[0], 6);
    }

    [Fact]
    public void NesterovLooksAhead()
    {
        // step 1: v = g, update g + 0.9 v = 1.9 g; step 2: v = 1.9 g, update g + 0.9·1.9 g = 2.71 g.
        Assert.Equal(1f - 0.1f * (1.9f + 2.71f), Run(OptimizerKind.Nesterov, [1f], [1f], 2)[0], 5);
    }

    [Fact]
    public void AdamFirstStepIsTheLearningRateTimesTheGradientSign()
    {
        var p = Run(OptimizerKind.Adam, [1f, 1f], [5f, -0.001f], 1);
        Assert.Equal(0.9f, p[0], 5);
        Assert.Equal(1.1f, p[1], 4);
    }

    [Fact]
    public void AdamWDecaysWeightsWithoutTouchingTheMoments()
    {
        // Zero gradient: AdamW shrinks by (1 - lr·wd) per step; Adam's L2 would instead push by lr·sign.
        Assert.Equal(1f * (1f - 0.1f * 0.5f) * (1f - 0.1f * 0.5f), Run(OptimizerKind.AdamW, [1f], [0f], 2, weightDecay: 0.5f)[0], 6);
        Assert.Equal(0.9f, Run(OptimizerKind.Adam, [1f], [0f], 1, weightDecay: 0.5f)[0], 5);
    }

    [Fact]
    public void L2WeightDecayAddsToTheSgdGradient() => Assert.Equal(1f - 0.1f * 0.5f, Run(OptimizerKind.Sgd, [1f], [0f], 1, weightDecay: 0.5f)[0], 6);

    [Fact]
    public void ClippingScalesTheGradientToTheGlobalNorm()
    {
        // g = (3, 4) has norm 5; clipped to 1 it is (0.6, 0.8).
        var p = Run(OptimizerKind.Sgd, [0f, 0f], [3f, 4f], 1, clip: 1f);
        Assert.Equal(-0.06f, p[0], 6);
        Assert.Equal(-0.08f, p[1], 6);
        Assert.Equal([-0.3f, -0.4f], Run(OptimizerKind.Sgd, [0f, 0f], [3f, 4f], 1, clip: 10f));
    }

    [Fact]
    public void SchedulesFollowTheirFormulas()
    {
        var step = new TrainerOptions { LearningRate = 1f, Schedule = LearningRateSchedule.Step, StepEvery = 10, StepGamma = 0.5f };
        Assert.Equal(1f, LearningRates.At(step, 9));
        Assert.Equal(0.5f, LearningRates.At(step, 10));
        Assert.Equal(0.25f, LearningRates.At(step, 25));
        var cosine = new TrainerOptions { LearningRate = 1f, Schedule = LearningRateSchedule.Cosine, Epochs = 10 };
        Assert.Equal(1f, LearningRates.At(cosine, 0));
        Assert.Equal(0.5f, LearningRates.At(cosine, 5), 6);
        Assert.Equal(1f, LearningRates.At(new TrainerOptions { LearningRate = 1f }, 77));
    }
}
