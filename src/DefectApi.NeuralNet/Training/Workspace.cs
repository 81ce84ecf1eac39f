using DefectApi.NeuralNet.Kernels;
using DefectApi.NeuralNet.Networks;
using DefectApi.NeuralNet.Threading;

namespace DefectApi.NeuralNet.Training;

// Every buffer one training run needs, sized once for the largest batch so a step allocates nothing.
internal sealed class Workspace : IDisposable
{
    // inputScaling: also the buffers and the factors of the diagonal input scale (Layers/InputScale), factors at 1.
    public Workspace(Network network, int maxRows, int targetsPerRow, int threads, bool inputScaling = false)
    {
        MaxRows = maxRows;
        X = new float[maxRows * network.Inputs];
        Targets = new float[maxRows * targetsPerRow];
        Weights = new float[maxRows];
        int layers = network.Layers.Length;
        Outputs = new float[layers][];
        Deltas = new float[layers][];
        Masks = new float[layers][];
        for (int l = 0; l < layers; l++)
        {
            int units = network.Layers[l].Outputs;
            Outputs[l] = new float[maxRows * units];
            Deltas[l] = new float[maxRows * units];
            bool dropped = network.Spec.Dropout > 0f && l < layers - 1;
            Masks[l] = dropped ? new float[maxRows * units] : [];
        }
        ParameterGradients = new float[network.Parameters.Length];
        InputScale = inputScaling ? Enumerable.Repeat(1f, network.Inputs).ToArray() : [];
        InputScaleGradient = inputScaling ? new float[network.Inputs] : [];
        ScaledX = inputScaling ? new float[maxRows * network.Inputs] : [];
        InputDeltas = inputScaling ? new float[maxRows * network.Inputs] : [];
        Pool = threads > 1 ? new WorkerPool(threads) : null;
    }

    public int MaxRows { get; }
    public float[] X { get; }                  // (B, Inputs), the gathered batch
    public float[] Targets { get; }            // (B, targets per row)
    public float[] Weights { get; }            // (B)
    public float[][] Outputs { get; }          // per layer (B, Units): act(x·W + b), after dropout
    public float[][] Deltas { get; }           // per layer (B, Units): dL/d(output), then dL/dz in place
    public float[][] Masks { get; }            // per hidden layer (B, Units) when dropout is on, else empty
    public float[] ParameterGradients { get; } // same layout as Network.Parameters
    public float[] InputScale { get; }         // (Inputs) the diagonal input scale s when training with it, else empty
    public float[] InputScaleGradient { get; } // (Inputs) dL/ds
    public float[] ScaledX { get; }            // (B, Inputs) X ⊙ s, the first layer's input
    public float[] InputDeltas { get; }        // (B, Inputs) dL/d(X ⊙ s)
    public WorkerPool? Pool { get; }

    /// <summary>The pool while its workers are wanted, null while the step runs on the calling thread alone (the
    /// one-thread kernels compute every element as the parallel ones do).</summary>
    public WorkerPool? ActivePool => Pool is { Serial: false } ? Pool : null;

    public void Dispose() => Pool?.Dispose();
}
