using System.Numerics;
using DefectApi.NeuralNet.Kernels;
using DefectApi.NeuralNet.Layers;
using DefectApi.NeuralNet.Losses;
using DefectApi.NeuralNet.Networks;
using DefectApi.NeuralNet.Randomness;
using DefectApi.NeuralNet.Specs;
using DefectApi.NeuralNet.Threading;

namespace DefectApi.NeuralNet.Training;

/// <summary>Every buffer one packed run needs for batches of up to MaxRows rows. The k members' copies of a batch are
/// laid member after member, k·B rows, so each hidden layer is one product over all members with the shared W.</summary>
internal sealed class PackedWorkspace : IDisposable
{
    public PackedWorkspace(PackedNetwork network, int maxRows, int targetsPerRow, int threads)
    {
        MaxRows = maxRows;
        int k = network.Members, all = k * maxRows, hidden = network.Hidden.Length, widestInput = 0;
        X = new float[maxRows * network.Inputs];
        Targets = new float[maxRows * targetsPerRow];
        Weights = new float[maxRows];
        (U, V, Y, Masks, Deltas) =
            (new float[hidden][], new float[hidden][], new float[hidden][], new float[hidden][], new float[hidden][]);
        for (int l = 0; l < hidden; l++)
        {
            var layer = network.Hidden[l];
            widestInput = Math.Max(widestInput, layer.Inputs);
            U[l] = new float[all * layer.Inputs];
            V[l] = new float[all * layer.Outputs];
            Y[l] = new float[all * layer.Outputs];
            Deltas[l] = new float[all * layer.Outputs];
            Masks[l] = network.Spec.Dropout > 0f ? new float[all * layer.Outputs] : [];
        }
        InputDeltas = new float[all * widestInput];
        Z = new float[all * network.Outputs];
        OutputDeltas = new float[all * network.Outputs];
        Gradients = new float[network.Parameters.Length];
        Pool = threads > 1 ? new WorkerPool(threads) : null;
    }

    public int MaxRows { get; }
    public float[] X { get; }              // (B, Inputs) the gathered batch, read by every member
    public float[] Targets { get; }        // (B, targets per row)
    public float[] Weights { get; }        // (B)
    public float[][] U { get; }            // per hidden layer (k·B, In): the input scaled by each member's r
    public float[][] V { get; }            // per hidden layer (k·B, Out): U·W, before s and b
    public float[][] Y { get; }            // per hidden layer (k·B, Out): act(V ⊙ s + b), after dropout
    public float[][] Masks { get; }        // per hidden layer (k·B, Out) when dropout is on, else empty
    public float[][] Deltas { get; }       // per hidden layer (k·B, Out): dL/dY, then dL/dV in place
    public float[] InputDeltas { get; }    // (k·B, widest In): dL/dU
    public float[] Z { get; }              // (k·B, Outputs): the heads' raw outputs
    public float[] OutputDeltas { get; }   // (k·B, Outputs): dL/dZ
    public float[] Gradients { get; }      // same layout as PackedNetwork.Parameters
    public WorkerPool? Pool { get; }
    public WorkerPool? ActivePool => Pool is { Serial: false } ? Pool : null;

    public void Dispose() => Pool?.Dispose();
}

/// <summary>TabM's forward and backward pass (Gorishniy et al., ICLR 2025): each member's loss on the same batch, and
/// the loss trained is their mean, not the loss of the mean prediction (ibid., §3: the members train as k models).</summary>
internal static class PackedBackprop
{
    public static void Forward(PackedNetwork network, PackedWorkspace ws, int rows, bool training, ref Xoshiro256 rng)
    {
        var p = network.ParameterArray;
        int k = network.Members, all = k * rows;
        for (int l = 0; l < network.Hidden.Length; l++)
        {
            var layer = network.Hidden[l];
            int inputs = layer.Inputs, outputs = layer.Outputs;
            var u = ws.U[l].AsSpan(0, all * inputs);
            var r = layer.R(p);
            for (int m = 0; m < k; m++)
                for (int i = 0; i < rows; i++)
                {
                    var source = l == 0 ? ws.X.AsSpan(i * inputs, inputs) : ws.Y[l - 1].AsSpan((m * rows + i) * inputs, inputs);
                    var scaled = u.Slice((m * rows + i) * inputs, inputs);
                    source.CopyTo(scaled);
                    ElementWise.Multiply(scaled, r.Slice(m * inputs, inputs));
                }
            var v = ws.V[l].AsSpan(0, all * outputs);
            Gemm.MatMul(u, layer.W(p), v, all, outputs, inputs, GemmForm.Nn, accumulate: false, ws.ActivePool);
            var y = ws.Y[l].AsSpan(0, all * outputs);
            ReadOnlySpan<float> s = layer.S(p), b = layer.B(p);
            for (int m = 0; m < k; m++)
            {
                var sm = s.Slice(m * outputs, outputs);
                var bm = b.Slice(m * outputs, outputs);
                for (int i = 0; i < rows; i++)
                {
                    var row = y.Slice((m * rows + i) * outputs, outputs);
                    v.Slice((m * rows + i) * outputs, outputs).CopyTo(row);
                    ElementWise.Multiply(row, sm);
                    ElementWise.BiasActivate(row, bm, layer.Activation);
                }
            }
            if (training && ws.Masks[l].Length > 0) Dropout.Forward(y, ws.Masks[l].AsSpan(0, all * outputs), network.Spec.Dropout, ref rng);
        }
        int d = network.HeadInputs, o = network.Outputs;
        var last = ws.Y[^1];
        for (int m = 0; m < k; m++)
            Gemm.MatMulBiasActivation(last.AsSpan(m * rows * d, rows * d), network.HeadWeights(p, m), ws.Z.AsSpan(m * rows * o, rows * o),
                rows, o, d, network.HeadBias(p, m), Activation.Linear, ws.ActivePool);
    }

    /// <summary>After Forward: every gradient into ws.Gradients, each slot overwritten. Returns (Σ wᵢ·lᵢ averaged over the
    /// members, Σ wᵢ); the gradient is that of their ratio, the members' mean weighted loss.</summary>
    public static (double Loss, double Weight) Backward(PackedNetwork network, PackedWorkspace ws, int rows, LossKind loss, bool weighted,
        bool training, float labelSmoothing = 0f)
    {
        var p = network.ParameterArray;
        var g = ws.Gradients.AsSpan();
        int k = network.Members, all = k * rows, d = network.HeadInputs, o = network.Outputs;
        var w = weighted ? ws.Weights.AsSpan(0, rows) : default;
        double weight = rows;
        if (weighted)
        {
            weight = 0;
            foreach (float v in w) weight += v;
        }
        float scale = weight > 0 ? (float)(1.0 / (k * weight)) : 0f;
        var targets = ws.Targets.AsSpan(0, rows * LossFunctions.TargetsPerRow(loss, o));
        double sum = 0;
        var lastY = ws.Y[^1];
        var lastDelta = ws.Deltas[^1];
        for (int m = 0; m < k; m++)
        {
            var z = ws.Z.AsSpan(m * rows * o, rows * o);
            var dz = ws.OutputDeltas.AsSpan(m * rows * o, rows * o);
            sum += LossFunctions.Accumulate(loss, z, targets, w, rows, o, dz, scale, labelSmoothing);
            var h = lastY.AsSpan(m * rows * d, rows * d);
            Gemm.MatMul(h, dz, network.HeadWeights(g, m), d, o, rows, GemmForm.Tn, accumulate: false, ws.ActivePool);
            var db = network.HeadBias(g, m);
            db.Clear();
            for (int i = 0; i < rows; i++) ElementWise.Add(db, dz.Slice(i * o, o));
            Gemm.MatMul(dz, network.HeadWeights(p, m), lastDelta.AsSpan(m * rows * d, rows * d), rows, d, o, GemmForm.Nt,
                accumulate: false, ws.ActivePool);
        }
        float keep = 1f - network.Spec.Dropout;
        for (int l = network.Hidden.Length - 1; l >= 0; l--)
            LayerBackward(network, ws, l, rows, training, keep, g);
        return (sum / k, weight);
    }

    private static void LayerBackward(PackedNetwork network, PackedWorkspace ws, int l, int rows, bool training, float keep, Span<float> g)
    {
        var p = network.ParameterArray;
        var layer = network.Hidden[l];
        int k = network.Members, all = k * rows, inputs = layer.Inputs, outputs = layer.Outputs;
        var delta = ws.Deltas[l].AsSpan(0, all * outputs);
        var v = ws.V[l].AsSpan(0, all * outputs);
        var y = ws.Y[l].AsSpan(0, all * outputs);
        bool masked = training && ws.Masks[l].Length > 0;
        ReadOnlySpan<float> s = layer.S(p);
        Span<float> ds = layer.S(g), db = layer.B(g), dr = layer.R(g);
        ds.Clear();
        dr.Clear();
        for (int m = 0; m < k; m++)
        {
            int block = m * rows * outputs, size = rows * outputs;
            var mask = masked ? ws.Masks[l].AsSpan(block, size) : default;
            // dz = dY ⊙ mask ⊙ act'; db_m = Σ_rows dz over member m's rows only.
            ActivationBackward.Run(delta.Slice(block, size), y.Slice(block, size), mask, rows, outputs, layer.Activation,
                masked ? keep : 1f, db.Slice(m * outputs, outputs), ws.ActivePool);
            // z = s ⊙ v + b: ds_m = Σ_rows dz ⊙ v, then dv = dz ⊙ s_m in place.
            var dsm = ds.Slice(m * outputs, outputs);
            var sm = s.Slice(m * outputs, outputs);
            for (int i = 0; i < rows; i++)
            {
                var dzRow = delta.Slice(block + i * outputs, outputs);
                AddProduct(dsm, dzRow, v.Slice(block + i * outputs, outputs));
                ElementWise.Multiply(dzRow, sm);
            }
        }
        // v = u·W: dW = uᵀ·dv over all k·B rows (the shared matrix gathers every member's gradient), du = dv·Wᵀ.
        var u = ws.U[l].AsSpan(0, all * inputs);
        Gemm.MatMul(u, delta, layer.W(g), inputs, outputs, all, GemmForm.Tn, accumulate: false, ws.ActivePool);
        var du = ws.InputDeltas.AsSpan(0, all * inputs);
        Gemm.MatMul(delta, layer.W(p), du, all, inputs, outputs, GemmForm.Nt, accumulate: false, ws.ActivePool);
        // u = x ⊙ r_m: dr_m = Σ_rows du ⊙ x, and dx = du ⊙ r_m for the layer below (the input itself needs none).
        ReadOnlySpan<float> r = layer.R(p);
        for (int m = 0; m < k; m++)
        {
            var drm = dr.Slice(m * inputs, inputs);
            var rm = r.Slice(m * inputs, inputs);
            for (int i = 0; i < rows; i++)
            {
                int at = (m * rows + i) * inputs;
                ReadOnlySpan<float> x = l == 0 ? ws.X.AsSpan(i * inputs, inputs) : ws.Y[l - 1].AsSpan(at, inputs);
                var duRow = du.Slice(at, inputs);
                AddProduct(drm, duRow, x);
                if (l == 0) continue;
                var dx = ws.Deltas[l - 1].AsSpan(at, inputs);
                duRow.CopyTo(dx);
                ElementWise.Multiply(dx, rm);
            }
        }
    }

    // sum += a ⊙ b, in vectors: the adapters' gradients are sums of such products over a member's rows.
    private static void AddProduct(Span<float> sum, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int i = 0, width = Vector<float>.Count;
        if (Vector.IsHardwareAccelerated)
            for (; i <= sum.Length - width; i += width)
                (new Vector<float>(sum[i..]) + new Vector<float>(a[i..]) * new Vector<float>(b[i..])).CopyTo(sum[i..]);
        for (; i < sum.Length; i++) sum[i] += a[i] * b[i];
    }

    /// <summary>The members' mean prediction as raw outputs the loss and the metric read as one network's: the mean
    /// for regression, and for classification the logit of the mean probability (binary) or the log of the mean
    /// probabilities (softmax), so that averaging is done on probabilities, as the stored ensemble averages.</summary>
    public static void Average(LossKind loss, ReadOnlySpan<float> z, int members, int rows, int outputs, Span<float> mean)
    {
        Span<double> sum = stackalloc double[outputs];
        Span<float> probabilities = stackalloc float[outputs];
        for (int i = 0; i < rows; i++)
        {
            sum.Clear();
            for (int m = 0; m < members; m++)
            {
                var zi = z.Slice((m * rows + i) * outputs, outputs);
                if (loss == LossKind.SoftmaxCrossEntropy) OutputFunctions.Softmax(zi, probabilities);
                for (int j = 0; j < outputs; j++)
                    sum[j] += loss switch
                    {
                        LossKind.SoftmaxCrossEntropy => probabilities[j],
                        LossKind.BinaryCrossEntropy => OutputFunctions.Sigmoid(zi[j]),
                        _ => zi[j],
                    };
            }
            var row = mean.Slice(i * outputs, outputs);
            for (int j = 0; j < outputs; j++)
            {
                double q = sum[j] / members;
                row[j] = loss switch
                {
                    LossKind.SoftmaxCrossEntropy => (float)Math.Log(Math.Max(q, 1e-38)),
                    LossKind.BinaryCrossEntropy =>
                        (float)(Math.Log(Math.Clamp(q, 1e-15, 1 - 1e-15)) - Math.Log(1 - Math.Clamp(q, 1e-15, 1 - 1e-15))),
                    _ => (float)q,
                };
            }
        }
    }
}
