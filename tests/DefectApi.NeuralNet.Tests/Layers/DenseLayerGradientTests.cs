namespace DefectApi.NeuralNet.Tests.Layers;

public class DenseLayerGradientTests
{
    public static TheoryData<Activation, int, int, int> Shapes()
    {
        var data = new TheoryData<Activation, int, int, int>();
        foreach (var a in Enum.GetValues<Activation>())
        {
            data.Add(a, 1, 1, 1);   // batch 1, the narrowest layer
            data.Add(a, 3, 5, 1);
            data.Add(a, 4, 7, 6);
            data.Add(a, 17, 19, 9); // wider than one vector, with tails
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void HiddenLayerGradientMatchesFiniteDifferences(Activation activation, int inputs, int hidden, int rows)
    {
        var spec = Data.Spec(inputs, (hidden, activation), (2, Activation.Linear));
        Assert.InRange(GradientCheck.RelativeError(spec, LossKind.MeanSquaredError, rows, weighted: false), 0, 1e-4);
    }

    [Theory]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.LeakyRelu)]
    public void OutputLayerActivationGradientMatchesFiniteDifferences(Activation activation)
    {
        var spec = Data.Spec(5, (6, Activation.Relu), (3, activation));
        Assert.InRange(GradientCheck.RelativeError(spec, LossKind.MeanSquaredError, 4, weighted: true), 0, 1e-4);
    }

    [Fact]
    public void ThreeLayerStackGradientMatchesFiniteDifferences()
    {
        var spec = Data.Spec(6, (9, Activation.Relu), (8, Activation.Tanh), (7, Activation.LeakyRelu), (3, Activation.Linear));
        Assert.InRange(GradientCheck.RelativeError(spec, LossKind.SoftmaxCrossEntropy, 5, weighted: true), 0, 1e-4);
    }
}
