using DefectApi.NeuralNet.Kernels;
using DefectApi.NeuralNet.Specs;
using DefectApi.NeuralNet.Threading;

namespace DefectApi.NeuralNet.Layers;

// One fully connected layer, y = act(x·W + b). Its weights live in the network's single parameter
// array (llm.c style): W is (In, Out) row-major at WeightOffset, b is (Out) right after it.
internal sealed class DenseLayer(int inputs, int outputs, Activation activation, int weightOffset)
{
    public int Inputs { get; } = inputs;
    public int Outputs { get; } = outputs;
    public Activation Activation { get; } = activation;
    public int WeightOffset { get; } = weightOffset;
    public int BiasOffset => WeightOffset + Inputs * Outputs;
    public int ParameterCount => Inputs * Outputs + Outputs;

    // x is (B, In), y is (B, Out).
    public void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, int rows, Span<float> y, WorkerPool? pool)
    {
        var w = parameters.Slice(WeightOffset, Inputs * Outputs);
        var b = parameters.Slice(BiasOffset, Outputs);
        Gemm.MatMulBiasActivation(x, w, y, rows, Outputs, Inputs, b, Activation, pool);
    }

    // x is (B, In) this layer's input, y is (B, Out) its output (after dropout, whose mask is (B, Out) or empty),
    // dy is (B, Out) and becomes dz = dL/d(x·W + b). Writes dW (In, Out) and db (Out) into gradients;
    // dx (B, In) only when it is not empty.
    public void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> mask, float keep,
        Span<float> dy, int rows, Span<float> gradients, Span<float> dx, WorkerPool? pool)
    {
        var dz = dy[..(rows * Outputs)];
        var dw = gradients.Slice(WeightOffset, Inputs * Outputs);
        var db = gradients.Slice(BiasOffset, Outputs);
        // y holds the kept outputs scaled by 1 / keep; act' wants the unscaled output.
        ActivationBackward.Run(dz, y, mask, rows, Outputs, Activation, mask.IsEmpty ? 1f : keep, db, pool);
        // dW = xᵀ·dz sums over the batch; the kernel splits it by output panels, so the order of that sum is fixed.
        Gemm.MatMul(x, dz, dw, Inputs, Outputs, rows, GemmForm.Tn, accumulate: false, pool);
        if (!dx.IsEmpty)
        {
            var w = parameters.Slice(WeightOffset, Inputs * Outputs);
            Gemm.MatMul(dz, w, dx, rows, Inputs, Outputs, GemmForm.Nt, accumulate: false, pool);
        }
    }
}
