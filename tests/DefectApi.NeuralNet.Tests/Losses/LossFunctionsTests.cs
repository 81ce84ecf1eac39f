namespace DefectApi.NeuralNet.Tests.Losses;

public class LossFunctionsTests
{
    public static TheoryData<LossKind, int, int, bool> Cases()
    {
        var data = new TheoryData<LossKind, int, int, bool>();
        foreach (var loss in Enum.GetValues<LossKind>())
        {
            foreach (var (outputs, rows) in new[] { (1, 1), (3, 1), (3, 8), (5, 13) })
            {
                if (loss == LossKind.SoftmaxCrossEntropy && outputs == 1) continue;
                data.Add(loss, outputs, rows, false);
                data.Add(loss, outputs, rows, true);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LossGradientMatchesFiniteDifferences(LossKind loss, int outputs, int rows, bool weighted)
    {
        var spec = Data.Spec(3, (4, Activation.Tanh), (outputs, Activation.Linear));
        Assert.InRange(GradientCheck.RelativeError(spec, loss, rows, weighted), 0, 1e-4);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(1f)]
    public void BinaryCrossEntropyStaysFiniteForExtremeLogits(float target)
    {
        float[] z = [float.MaxValue, -float.MaxValue, 1e30f, -1e30f, 88.8f, -88.8f, 1000f, -1000f, 0f];
        var dz = new float[z.Length];
        double sum = LossFunctions.Accumulate(LossKind.BinaryCrossEntropy, z, Enumerable.Repeat(target, z.Length).ToArray(), default,
            z.Length, 1, dz, 1f);
        Assert.True(double.IsFinite(sum));
        Assert.All(dz, g => Assert.True(float.IsFinite(g)));
    }

    [Fact]
    public void SoftmaxCrossEntropyStaysFiniteForExtremeLogits()
    {
        float[] z = [1e30f, -1e30f, 0f, 3e38f, 1f, -3e38f];
        var dz = new float[z.Length];
        double sum = LossFunctions.Accumulate(LossKind.SoftmaxCrossEntropy, z, [1f, 2f], default, 2, 3, dz, 1f);
        Assert.True(double.IsFinite(sum));
        Assert.All(dz, g => Assert.True(float.IsFinite(g)));
    }

    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.3f)]
    public void SmoothedSoftmaxGradientMatchesCentralDifferences(float smoothing)
    {
        // 3 rows × 4 classes; the loss is a double sum, so a central difference in double is exact to ~1e-7 here.
        float[] z = [0.3f, -1.2f, 2.0f, 0.1f, -0.5f, 0.8f, 0.0f, 1.5f, 1.1f, 1.1f, -2.0f, 0.4f];
        float[] t = [2f, 0f, 3f];
        var dz = new float[z.Length];
        LossFunctions.Accumulate(LossKind.SoftmaxCrossEntropy, z, t, default, 3, 4, dz, 1f, smoothing);
        const float h = 1e-2f;
        for (int i = 0; i < z.Length; i++)
        {
            var plus = (float[])z.Clone();
            var minus = (float[])z.Clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = (LossFunctions.Accumulate(LossKind.SoftmaxCrossEntropy, plus, t, default, 3, 4, default, 0f, smoothing)
                - LossFunctions.Accumulate(LossKind.SoftmaxCrossEntropy, minus, t, default, 3, 4, default, 0f, smoothing)) / (2 * h);
            Assert.Equal(numeric, dz[i], 3);
        }
    }

    [Fact]
    public void SmoothedSoftmaxLossIsCrossEntropyAgainstTheSmoothedTarget()
    {
        float[] z = [1f, 2f, 0.5f];
        const float eps = 0.2f;
        double[] p = z.Select(v => Math.Exp(v)).ToArray();
        double total = p.Sum();
        double[] q = [eps / 3, 1 - eps + eps / 3, eps / 3];
        double expected = -Enumerable.Range(0, 3).Sum(j => q[j] * Math.Log(p[j] / total));
        Assert.Equal(expected, LossFunctions.Accumulate(LossKind.SoftmaxCrossEntropy, z, [1f], default, 1, 3, default, 0f, eps), 6);
    }

    [Fact]
    public void WeightedLossIsTheWeightedMean()
    {
        float[] z = [1f, 3f], t = [0f, 0f], w = [3f, 1f];
        double sum = LossFunctions.Accumulate(LossKind.MeanSquaredError, z, t, w, 2, 1, default, 0f);
        Assert.Equal((3 * 1 + 1 * 9) / 4.0, sum / 4.0, 12);
    }

    [Fact]
    public void SigmoidIsStableAndSymmetric()
    {
        Assert.Equal(1f, OutputFunctions.Sigmoid(float.MaxValue));
        Assert.Equal(0f, OutputFunctions.Sigmoid(-float.MaxValue));
        Assert.Equal(0.5f, OutputFunctions.Sigmoid(0f));
        Assert.Equal(1f - OutputFunctions.Sigmoid(2.5f), OutputFunctions.Sigmoid(-2.5f), 6);
    }

    [Fact]
    public void SoftmaxSumsToOneEvenForHugeLogits()
    {
        var p = new float[3];
        OutputFunctions.Softmax([1e30f, 1e30f - 1e24f, -1e30f], p);
        Assert.All(p, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(1f, p.Sum(), 5);
    }
}
