using DefectApi.NeuralNet.Layers;
using DefectApi.NeuralNet.Randomness;

namespace DefectApi.NeuralNet.Tests.Layers;

public class InputScaleTests
{
    [Theory]
    [InlineData(LossKind.MeanSquaredError, 1, 1, 1)]
    [InlineData(LossKind.MeanSquaredError, 5, 7, 4)]
    [InlineData(LossKind.SoftmaxCrossEntropy, 17, 9, 6)]
    [InlineData(LossKind.BinaryCrossEntropy, 3, 5, 5)]
    public void ScaleAndWeightGradientsMatchFiniteDifferences(LossKind loss, int inputs, int hidden, int rows)
    {
        int outputs = loss == LossKind.SoftmaxCrossEntropy ? 3 : 1;
        var spec = Data.Spec(inputs, (hidden, Activation.Tanh), (outputs, Activation.Linear));
        var network = Network.Create(spec, 5);
        int perRow = LossFunctions.TargetsPerRow(loss, outputs);
        var x = Data.Uniform(rows * inputs, 11);
        var t = GradientCheck.Targets(loss, rows, outputs, 12);
        var s = Data.Uniform(inputs, 13).Select(v => 1 + 0.5f * v).ToArray();   // off 1, so every factor matters

        using var ws = new Workspace(network, rows, perRow, threads: 1, inputScaling: true);
        x.CopyTo(ws.X, 0);
        t.CopyTo(ws.Targets, 0);
        s.CopyTo(ws.InputScale, 0);
        var rng = new Xoshiro256(1);
        Backprop.Forward(network, ws, rows, training: true, ref rng);
        Backprop.Backward(network, ws, rows, loss, weighted: false, training: true);

        // The double reference network fed x ⊙ s: differentiated by s, and by the parameters at the given s.
        double LossAt(double[] parameters, double[] scale)
        {
            var scaled = new double[x.Length];
            for (int i = 0; i < x.Length; i++) scaled[i] = x[i] * scale[i % inputs];
            return ReferenceMlp.Loss(loss, ReferenceMlp.Forward(spec, parameters, scaled, rows), t, null, rows, outputs);
        }
        var p = network.Parameters.ToArray().Select(v => (double)v).ToArray();
        var sd = s.Select(v => (double)v).ToArray();
        Assert.InRange(ReferenceMlp.RelativeError(ws.InputScaleGradient, ReferenceMlp.NumericGradient(q => LossAt(p, q), s)), 0, 1e-4);
        Assert.InRange(ReferenceMlp.RelativeError(ws.ParameterGradients, ReferenceMlp.NumericGradient(q => LossAt(q, sd),
            network.Parameters.ToArray())), 0, 1e-4);
    }

    [Fact]
    public void ScaleStartsAtOneAndIsAbsentWithoutTheOption()
    {
        var network = Network.Create(Data.Spec(4, (3, Activation.Relu), (1, Activation.Linear)), 1);
        using var scaled = new Workspace(network, 8, 1, threads: 1, inputScaling: true);
        using var plain = new Workspace(network, 8, 1, threads: 1);
        Assert.Equal([1f, 1f, 1f, 1f], scaled.InputScale);
        Assert.Empty(plain.InputScale);
        Assert.Empty(plain.ScaledX);
    }

    [Fact]
    public void FoldingTheScaleIntoTheFirstLayerPredictsWhatTheScaledInputsDid()
    {
        var spec = Data.Spec(6, (10, Activation.Relu), (4, Activation.Tanh), (2, Activation.Linear));
        var network = Network.Create(spec, 3);
        var x = Data.Uniform(9 * 6, 4);
        float[] s = [0.5f, 2f, -1f, 0f, 1f, 3.25f];
        var scaled = new float[x.Length];
        InputScale.Forward(x, s, 9, scaled);
        var expected = new float[9 * 2];
        network.Predict(scaled, 9, expected);

        InputScale.Fold(network.Layers[0], network.Parameters, s);
        var folded = new float[9 * 2];
        network.Predict(x, 9, folded);
        for (int i = 0; i < expected.Length; i++) Assert.InRange(Math.Abs(expected[i] - folded[i]), 0, 1e-5);   // float rounding only
    }
}
