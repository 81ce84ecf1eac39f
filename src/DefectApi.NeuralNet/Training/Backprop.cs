using DefectApi.NeuralNet.Kernels;
using DefectApi.NeuralNet.Layers;
using DefectApi.NeuralNet.Losses;
using DefectApi.NeuralNet.Networks;
using DefectApi.NeuralNet.Randomness;

namespace DefectApi.NeuralNet.Training;

// The forward and backward pass over a gathered batch, in llm.c's order: layers forward, loss, layers backward.
internal static class Backprop
{
    // x is ws.X (rows, Inputs); fills ws.Outputs. Dropout masks are drawn from rng only when training.
    public static void Forward(Network network, Workspace ws, int rows, bool training, ref Xoshiro256 rng)
    {
        ReadOnlySpan<float> x = ws.X.AsSpan(0, rows * network.Inputs);
        if (ws.InputScale.Length > 0)
        {
            InputScale.Forward(x, ws.InputScale, rows, ws.ScaledX);
            x = ws.ScaledX.AsSpan(0, rows * network.Inputs);
        }
        var layers = network.Layers;
        float rate = network.Spec.Dropout;
        for (int l = 0; l < layers.Length; l++)
        {
            var y = ws.Outputs[l].AsSpan(0, rows * layers[l].Outputs);
            layers[l].Forward(network.ParameterArray, x, rows, y, ws.ActivePool);
            if (training && ws.Masks[l].Length > 0) Dropout.Forward(y, ws.Masks[l], rate, ref rng);
            x = y;
        }
    }

    // After Forward: the loss of the batch and all parameter gradients into ws.ParameterGradients.
    // Returns (Σ wᵢ·lᵢ, Σ wᵢ); the gradient is that of their ratio, the weighted mean loss.
    public static (double Loss, double Weight) Backward(Network network, Workspace ws, int rows, LossKind loss, bool weighted,
        bool training, float labelSmoothing = 0f)
    {
        var layers = network.Layers;
        int last = layers.Length - 1;
        var w = weighted ? ws.Weights.AsSpan(0, rows) : default;
        double weight = rows;
        if (weighted)
        {
            weight = 0;
            foreach (float v in w) weight += v;
        }
        float scale = weight > 0 ? (float)(1.0 / weight) : 0f;
        int outputs = network.Outputs;
        double sum = LossFunctions.Accumulate(loss, ws.Outputs[last].AsSpan(0, rows * outputs),
            ws.Targets.AsSpan(0, rows * LossFunctions.TargetsPerRow(loss, outputs)), w, rows, outputs,
            ws.Deltas[last].AsSpan(0, rows * outputs), scale, labelSmoothing);
        float keep = 1f - network.Spec.Dropout;
        bool scaled = ws.InputScale.Length > 0;
        int inputs = rows * network.Inputs;
        for (int l = last; l >= 0; l--)
        {
            var layer = layers[l];
            var dy = ws.Deltas[l].AsSpan(0, rows * layer.Outputs);
            var y = ws.Outputs[l].AsSpan(0, rows * layer.Outputs);
            var mask = training && ws.Masks[l].Length > 0 ? ws.Masks[l].AsSpan(0, rows * layer.Outputs) : default;
            ReadOnlySpan<float> x = l > 0
                ? ws.Outputs[l - 1].AsSpan(0, rows * layer.Inputs)
                : (scaled ? ws.ScaledX : ws.X).AsSpan(0, inputs);
            var dx = l > 0 ? ws.Deltas[l - 1].AsSpan(0, rows * layer.Inputs) : scaled ? ws.InputDeltas.AsSpan(0, inputs) : default;
            layer.Backward(network.ParameterArray, x, y, mask, keep, dy, rows, ws.ParameterGradients, dx, ws.ActivePool);
        }
        if (scaled) InputScale.Backward(ws.X.AsSpan(0, inputs), ws.InputDeltas.AsSpan(0, inputs), rows, ws.InputScaleGradient);
        return (sum, weight);
    }
}
