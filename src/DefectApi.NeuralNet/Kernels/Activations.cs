using System.Runtime.CompilerServices;
using DefectApi.NeuralNet.Specs;

namespace DefectApi.NeuralNet.Kernels;

// The activation functions' scalar definitions. ReLU, LeakyReLU and linear are one function, max(z, slope·z),
// which is what lets the GEMM's store and the vector loops handle them; tanh and sigmoid stay scalar (MathF)
// so that training and inference compute the same bytes.
internal static class Activations
{
    public const float LeakySlope = LayerSpec.LeakyReluSlope;

    public static bool IsReluFamily(Activation activation) => activation is Activation.Relu or Activation.LeakyRelu;

    // The slope of max(z, slope·z) for the ReLU family and linear; null for the activations that are not of that form.
    // Inlined because the backward sweep asks once per row: as a call it made the JIT keep the sweep's loop state on
    // the stack, and a 256 × 256 sweep took 70% longer.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float? Slope(Activation activation) => activation switch
    {
        Activation.Relu => 0f,
        Activation.LeakyRelu => LeakySlope,
        Activation.Linear => 1f,
        _ => null,
    };

    public static float Apply(float z, Activation activation) => activation switch
    {
        Activation.Relu => z > 0f ? z : 0f,
        Activation.LeakyRelu => z > 0f ? z : LeakySlope * z,
        Activation.Tanh => MathF.Tanh(z),
        Activation.Sigmoid => OutputFunctions.Sigmoid(z),
        _ => z,
    };
}
