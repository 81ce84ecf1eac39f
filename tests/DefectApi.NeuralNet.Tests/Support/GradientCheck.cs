using DefectApi.NeuralNet.Randomness;

namespace DefectApi.NeuralNet.Tests.Support;

internal static class GradientCheck
{
    // The engine's analytic gradient (float) against central differences of the double reference.
    public static double RelativeError(NetworkSpec spec, LossKind loss, int rows, bool weighted, int seed = 7)
    {
        var network = Network.Create(spec, seed);
        // Nudge biases off zero so every term of the bias gradient matters.
        var p = network.Parameters;
        var noise = Data.Uniform(p.Length, seed + 1);
        for (int i = 0; i < p.Length; i++) p[i] += 0.1f * noise[i];

        int outputs = network.Outputs, perRow = LossFunctions.TargetsPerRow(loss, outputs);
        var x = Data.Uniform(rows * spec.Inputs, seed + 2);
        var t = Targets(loss, rows, outputs, seed + 3);
        var w = weighted ? Data.Uniform(rows, seed + 4).Select(v => v + 1.5f).ToArray() : null;

        using var ws = new Workspace(network, rows, perRow, threads: 1);
        x.CopyTo(ws.X, 0);
        t.CopyTo(ws.Targets, 0);
        w?.CopyTo(ws.Weights, 0);
        var rng = new Xoshiro256(seed);
        Backprop.Forward(network, ws, rows, training: true, ref rng);
        Backprop.Backward(network, ws, rows, loss, weighted, training: true);

        var masks = ws.Masks.Select(m => m.Length == 0 ? m : m.AsSpan(0, rows * (m.Length / rows)).ToArray()).ToArray();
        var xd = x.Select(v => (double)v).ToArray();
        var numeric = ReferenceMlp.NumericGradient(
            q => ReferenceMlp.Loss(loss, ReferenceMlp.Forward(spec, q, xd, rows, masks), t, w, rows, outputs),
                network.Parameters.ToArray());
        return ReferenceMlp.RelativeError(ws.ParameterGradients, numeric);
    }

    public static float[] Targets(LossKind loss, int rows, int outputs, int seed)
    {
        var u = Data.Uniform(rows * outputs, seed);
        return loss switch
        {
            LossKind.SoftmaxCrossEntropy => Enumerable.Range(0, rows).Select(r => (float)(((int)((u[r] + 1) * 1000)) % outputs)).ToArray(),
            LossKind.BinaryCrossEntropy => u.Select(v => v > 0 ? 1f : 0f).ToArray(),
            _ => u,
        };
    }
}
