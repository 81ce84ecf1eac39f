using DefectApi.NeuralNet.Layers;
using DefectApi.NeuralNet.Randomness;

namespace DefectApi.NeuralNet.Tests.Layers;

public class DropoutTests
{
    [Theory]
    [InlineData(Activation.Relu, 1)]
    [InlineData(Activation.Tanh, 5)]
    [InlineData(Activation.Sigmoid, 3)]
    [InlineData(Activation.LeakyRelu, 4)]
    public void GradientWithDropoutMatchesFiniteDifferencesUnderTheSameMask(Activation activation, int rows)
    {
        var spec = Data.Spec(4, (12, activation), (9, activation), (2, Activation.Linear)) with { Dropout = 0.3f };
        Assert.InRange(GradientCheck.RelativeError(spec, LossKind.MeanSquaredError, rows, weighted: true), 0, 1e-4);
    }

    [Fact]
    public void DropoutKeepsAboutOneMinusRateAndScalesKeptUnitsUp()
    {
        var h = Enumerable.Repeat(1f, 100_000).ToArray();
        var mask = new float[h.Length];
        var rng = new Xoshiro256(3);
        Dropout.Forward(h, mask, 0.25f, ref rng);
        double kept = h.Count(v => v != 0) / (double)h.Length;
        Assert.InRange(kept, 0.74, 0.76);
        Assert.All(h.Where(v => v != 0), v => Assert.Equal(1f / 0.75f, v));
        Assert.InRange(h.Average(), 0.98, 1.02); // inverted scaling keeps the expectation
    }

    [Fact]
    public void PredictionIgnoresDropout()
    {
        var spec = Data.Spec(3, (50, Activation.Relu), (1, Activation.Linear));
        var a = Network.Create(spec, 1);
        var b = Network.Create(spec with { Dropout = 0.5f }, 1);
        var x = Data.Uniform(3, 2);
        float[] ya = new float[1], yb = new float[1];
        a.Predict(x, 1, ya);
        b.Predict(x, 1, yb);
        Assert.Equal(ya[0], yb[0]);
    }
}
