using DefectApi.NeuralNet.Kernels;
using DefectApi.NeuralNet.Layers;
using DefectApi.NeuralNet.Randomness;
using DefectApi.NeuralNet.Serialization;
using DefectApi.NeuralNet.Specs;

namespace DefectApi.NeuralNet.Networks;

// A stack of dense layers over one contiguous parameter array (llm.c's layout: each layer's W then b).
public sealed class Network
{
    // Inference scratch is per thread, so concurrent Predict calls on one network share nothing
    // and a thread allocates only the first time (or when a wider network needs more).
    [ThreadStatic] private static float[]? _threadScratch;

    // Predict runs in chunks of this many rows so its scratch stays small whatever the caller passes.
    private const int PredictChunkRows = 64;

    private readonly float[] _parameters;

    private Network(NetworkSpec spec, float[] parameters)
    {
        Spec = spec;
        _parameters = parameters;
        var layers = new DenseLayer[spec.Layers.Count];
        int inputs = spec.Inputs, offset = 0, widest = spec.Inputs;
        for (int i = 0; i < layers.Length; i++)
        {
            var ls = spec.Layers[i];
            layers[i] = new DenseLayer(inputs, ls.Units, ls.Activation, offset);
            offset += layers[i].ParameterCount;
            inputs = ls.Units;
            widest = Math.Max(widest, ls.Units);
        }
        Layers = layers;
        WidestLayer = widest;
    }

    public static Network Create(NetworkSpec spec, int seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec = Freeze(spec);
        var network = new Network(spec, new float[CountParameters(spec)]);
        var rng = new Xoshiro256(seed);
        foreach (var layer in network.Layers)
        {
            // Uniform with the variance each scheme asks for: He et al. 2015 use 2 / fan_in for the
            // ReLU family; Glorot & Bengio 2010 use 2 / (fan_in + fan_out). U(-a, a) has variance a²/3.
            double variance = Activations.IsReluFamily(layer.Activation)
                ? 2.0 / layer.Inputs
                : 2.0 / (layer.Inputs + layer.Outputs);
            float bound = (float)Math.Sqrt(3.0 * variance);
            var w = network._parameters.AsSpan(layer.WeightOffset, layer.Inputs * layer.Outputs);
            for (int i = 0; i < w.Length; i++) w[i] = (2f * rng.NextFloat() - 1f) * bound;
            // Biases start at zero (already).
        }
        return network;
    }

    internal static Network FromParameters(NetworkSpec spec, float[] parameters)
    {
        spec = Freeze(spec);
        if (parameters.Length != CountParameters(spec))
            throw new ArgumentException("Parameter count does not match the spec.", nameof(parameters));
        return new Network(spec, parameters);
    }

    public NetworkSpec Spec { get; }
    public int Inputs => Spec.Inputs;
    public int Outputs => Layers[^1].Outputs;
    public Span<float> Parameters => _parameters;

    internal float[] ParameterArray => _parameters;
    internal DenseLayer[] Layers { get; }
    internal int WidestLayer { get; }

    private static int CountParameters(NetworkSpec spec)
    {
        long count = spec.CountParameters();
        if (count > Array.MaxLength) throw new ArgumentException($"The network would have {count} parameters, more than one array holds.");
        return (int)count;
    }

    // A private copy of the layer list, so a caller mutating its list cannot change a built network.
    private static NetworkSpec Freeze(NetworkSpec spec)
    {
        spec.Validate();
        return spec with { Layers = spec.Layers.ToArray() };
    }

    // x is (rows, Inputs) row-major; outputs is (rows, Outputs), the last layer's raw outputs.
    public void Predict(ReadOnlySpan<float> inputs, int rows, Span<float> outputs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (inputs.Length < (long)rows * Inputs)
            throw new ArgumentException($"Expected {(long)rows * Inputs} input values, got {inputs.Length}.", nameof(inputs));
        if (outputs.Length < (long)rows * Outputs)
            throw new ArgumentException($"Expected room for {(long)rows * Outputs} outputs, got {outputs.Length}.", nameof(outputs));
        int chunkFloats = PredictChunkRows * WidestLayer;
        var scratch = Scratch(2 * chunkFloats);
        for (int r = 0; r < rows; r += PredictChunkRows)
        {
            int n = Math.Min(PredictChunkRows, rows - r);
            ForwardChunk(inputs.Slice(r * Inputs, n * Inputs), n, scratch.AsSpan(0, chunkFloats), scratch.AsSpan(chunkFloats, chunkFloats),
                outputs.Slice(r * Outputs, n * Outputs));
        }
    }

    private void ForwardChunk(ReadOnlySpan<float> x, int rows, Span<float> bufferA, Span<float> bufferB, Span<float> outputs)
    {
        ReadOnlySpan<float> current = x;
        for (int l = 0; l < Layers.Length; l++)
        {
            var layer = Layers[l];
            var target = l == Layers.Length - 1 ? outputs : (l % 2 == 0 ? bufferA : bufferB);
            layer.Forward(_parameters, current, rows, target, pool: null);
            current = target[..(rows * layer.Outputs)];
        }
    }

    private static float[] Scratch(int length)
    {
        var s = _threadScratch;
        if (s is null || s.Length < length) _threadScratch = s = new float[length];
        return s;
    }

    public byte[] ToBytes() => NetworkSerializer.Write(Spec, _parameters);

    public static Network FromBytes(ReadOnlySpan<byte> blob)
    {
        var (spec, parameters) = NetworkSerializer.Read(blob);
        return FromParameters(spec, parameters);
    }
}
