using DefectApi.NeuralNet.Optimizers;

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
    public void L2WeightDecayAddsToTheSgdGradient() => Assert.Equal(1f - 0.1f * 0.5f, Run(OptimizerKind.Sgd, [1f], [0f], 1,
        weightDecay: 0.5f)[0], 6);

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

    [Fact]
    public void CosLog4RisesAndFallsFourTimesEndingAtOneFifteenthThreeSevenAndFifteen()
    {
        // ½(1 − cos(2π·log₂(1 + 15t))): zero where log₂(1 + 15t) is a whole number, one half-way in log scale.
        foreach (double end in (double[])[0, 1, 3, 7, 15]) Assert.Equal(0, LearningRates.CosLog4(end / 15), 12);
        Assert.Equal(1, LearningRates.CosLog4((Math.Sqrt(2) - 1) / 15), 12);
        Assert.Equal(0.5, LearningRates.CosLog4((Math.Pow(2, 0.25) - 1) / 15), 12);
        Assert.Equal(1, LearningRates.CosLog4((Math.Pow(2, 3.5) - 1) / 15), 12);   // the last cycle's peak, at t ≈ 0.71
    }

    [Fact]
    public void CosLog4IsReadPerStepOverAllTrainingSteps()
    {
        var options = new TrainerOptions { LearningRate = 2f, Schedule = LearningRateSchedule.CosLog4, Epochs = 3 };
        Assert.Equal(0f, LearningRates.At(options, 0, 0, 5));
        // epoch 1, step 2 of 5: t = 7 / 15, the end of the third cycle; epoch 2, step 4 of 5: t = 14 / 15.
        Assert.Equal(0f, LearningRates.At(options, 1, 2, 5), 6);
        Assert.Equal((float)(2 * LearningRates.CosLog4(14.0 / 15)), LearningRates.At(options, 2, 4, 5));
        Assert.Equal((float)(2 * LearningRates.CosLog4(0.5 / 15)), LearningRates.At(options, 0, 1, 10), 6);
    }

    [Fact]
    public void AdamUsesTheGivenBeta2ForItsSecondMomentAndItsBiasCorrection()
    {
        // Two steps of Adam at lr 0.1 with gradients 1 then 3, by Kingma & Ba's algorithm 1 in double.
        static double Expected(double beta2)
        {
            double m = 0, v = 0, p = 1;
            double[] gradients = [1, 3];
            for (int t = 1; t <= 2; t++)
            {
                double g = gradients[t - 1];
                m = 0.9 * m + 0.1 * g;
                v = beta2 * v + (1 - beta2) * g * g;
                p -= 0.1 * (m / (1 - Math.Pow(0.9, t))) / (Math.Sqrt(v / (1 - Math.Pow(beta2, t))) + 1e-8);
            }
            return p;
        }
        static float Run(float beta2)
        {
            var optimizer = new Optimizer(new TrainerOptions { Optimizer = OptimizerKind.Adam, AdamBeta2 = beta2 }, 1);
            float[] p = [1f];
            optimizer.Step(p, [1f], 0.1f);
            optimizer.Step(p, [3f], 0.1f);
            return p[0];
        }
        Assert.Equal(Expected(0.95), Run(0.95f), 5);
        Assert.Equal(Expected(0.999), Run(0.999f), 5);
        Assert.Equal(Expected(0.999), Run(new TrainerOptions().AdamBeta2), 5);   // the default is Kingma & Ba's
        Assert.True(Math.Abs(Expected(0.95) - Expected(0.999)) > 5e-4);         // 0.80913 against 0.80822: told apart
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(1f)]
    [InlineData(float.NaN)]
    public void ABeta2OutsideZeroToOneIsRefused(float beta2)
        => Assert.Throws<ArgumentException>(() => Trainer.Fit(Network.Create(Tests.Support.Data.Spec(1, (1, Activation.Linear)), 1),
            new TrainingSet([1f], [1f], 1, 1), null, new TrainerOptions { AdamBeta2 = beta2 }));
}
