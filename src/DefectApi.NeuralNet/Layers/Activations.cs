using DefectApi.NeuralNet.Kernels;

namespace DefectApi.NeuralNet.Layers;

internal static class Activations
{
    public const float LeakySlope = 0.01f;

    public static bool IsReluFamily(Activation activation) => activation is Activation.Relu or Activation.LeakyRelu;

    // y is (B, Out) holding x·W on entry and act(x·W + b) on exit; b is (Out).
    public static void BiasForward(Span<float> y, ReadOnlySpan<float> b, Activation activation)
    {
        int outputs = b.Length;
        for (int r = 0; r < y.Length; r += outputs)
            ElementWise.BiasActivate(y.Slice(r, outputs), b, activation);
    }

    // dz (B, Out) holds dL/dy on entry and dL/dz on exit. y is the layer's output act(z) times
    // 1/yScale (dropout's inverted scaling); every activation here has a derivative that is a
    // function of its output, so z itself need not be kept.
    public static void Backward(Span<float> dz, ReadOnlySpan<float> y, Activation activation, float yScale = 1f)
        => ElementWise.ActivationBackward(dz, y, activation, yScale);

    public static float Apply(float z, Activation activation) => activation switch
    {
        Activation.Relu => z > 0f ? z : 0f,
        Activation.LeakyRelu => z > 0f ? z : LeakySlope * z,
        Activation.Tanh => MathF.Tanh(z),
        Activation.Sigmoid => OutputFunctions.Sigmoid(z),
        _ => z,
    };

    // The derivative written in terms of the output y = act(z).
    public static float DerivativeFromOutput(float y, Activation activation) => activation switch
    {
        Activation.Relu => y > 0f ? 1f : 0f,
        Activation.LeakyRelu => y > 0f ? 1f : LeakySlope,
        Activation.Tanh => 1f - y * y,
        Activation.Sigmoid => y * (1f - y),
        _ => 1f,
    };
}
