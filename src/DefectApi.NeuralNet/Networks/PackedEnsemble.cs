using DefectApi.NeuralNet.Kernels;
using DefectApi.NeuralNet.Layers;

namespace DefectApi.NeuralNet.Networks;

/// <summary>
/// Networks of one shape that read the same encoded rows, run as one for inference. The first layer of every member
/// is one product: the members' weight matrices laid side by side as [inputs, k·units], so the rows are read once and
/// the product is k times wider, which keeps the kernel's tiles full where one member's narrow product would not.
/// Each deeper layer is a block of that result (one member's units), copied out once into a contiguous buffer and then
/// run member by member: a batched product without the k-fold waste of a block-diagonal matrix.
/// </summary>
public sealed class PackedEnsemble
{
    // Rows per pass: the widest intermediate (rows × k·units) stays in the core's L2 for k·units up to about 1,000.
    private const int ChunkRows = 64;

    [ThreadStatic] private static float[]? _threadScratch;

    private readonly Network[] _members;
    private readonly float[] _first;   // [inputs, k·units] weights, then [k·units] biases
    private readonly DenseLayer _firstLayer;
    private readonly int _units, _widest;

    private PackedEnsemble(Network[] members)
    {
        _members = members;
        var layer = members[0].Layers[0];
        int k = members.Length, inputs = layer.Inputs;
        _units = layer.Outputs;
        _firstLayer = new DenseLayer(inputs, k * _units, layer.Activation, weightOffset: 0);
        _first = new float[_firstLayer.ParameterCount];
        for (int m = 0; m < k; m++)
        {
            var parameters = members[m].ParameterArray;
            for (int i = 0; i < inputs; i++)
                parameters.AsSpan(layer.WeightOffset + i * _units, _units).CopyTo(_first.AsSpan(i * k * _units + m * _units, _units));
            parameters.AsSpan(layer.BiasOffset, _units).CopyTo(_first.AsSpan(_firstLayer.BiasOffset + m * _units, _units));
        }
        _widest = members[0].WidestLayer;
    }

    /// <summary>The members packed, or null when they differ in inputs, layer sizes or activations (then each runs on
    /// its own).</summary>
    public static PackedEnsemble? TryPack(IReadOnlyList<Network> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count == 0) return null;
        var first = members[0].Spec;
        foreach (var member in members)
            if (member.Spec.Inputs != first.Inputs || !member.Spec.Layers.SequenceEqual(first.Layers)) return null;
        return new PackedEnsemble([.. members]);
    }

    public int Members => _members.Length;
    public int Inputs => _firstLayer.Inputs;
    public int Outputs => _members[0].Outputs;

    /// <summary>Every member's raw outputs for the same rows.</summary>
    /// <param name="inputs">rows × Inputs, row-major</param>
    /// <param name="outputs">Members × rows × Outputs: member m's rows × Outputs block starts at m · rows · Outputs</param>
    public void Predict(ReadOnlySpan<float> inputs, int rows, Span<float> outputs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (inputs.Length < (long)rows * Inputs)
            throw new ArgumentException($"Expected {(long)rows * Inputs} input values, got {inputs.Length}.", nameof(inputs));
        if (outputs.Length < (long)Members * rows * Outputs)
            throw new ArgumentException(
                $"Expected room for {(long)Members * rows * Outputs} outputs, got {outputs.Length}.", nameof(outputs));
        int packedFloats = ChunkRows * _firstLayer.Outputs, memberFloats = ChunkRows * _widest;
        var scratch = Scratch(packedFloats + 2 * memberFloats);
        var packed = scratch.AsSpan(0, packedFloats);
        var bufferA = scratch.AsSpan(packedFloats, memberFloats);
        var bufferB = scratch.AsSpan(packedFloats + memberFloats, memberFloats);
        for (int r = 0; r < rows; r += ChunkRows)
        {
            int n = Math.Min(ChunkRows, rows - r);
            _firstLayer.Forward(_first, inputs.Slice(r * Inputs, n * Inputs), n, packed, pool: null);
            for (int m = 0; m < _members.Length; m++)
            {
                var member = _members[m];
                var target = outputs.Slice((m * rows + r) * Outputs, n * Outputs);
                var block = member.Layers.Length == 1 ? target : bufferA;
                for (int row = 0; row < n; row++)
                    packed.Slice(row * _firstLayer.Outputs + m * _units, _units).CopyTo(block.Slice(row * _units, _units));
                ReadOnlySpan<float> current = block[..(n * _units)];
                for (int l = 1; l < member.Layers.Length; l++)
                {
                    var layer = member.Layers[l];
                    var next = l == member.Layers.Length - 1 ? target : (l % 2 == 1 ? bufferB : bufferA);
                    layer.Forward(member.ParameterArray, current, n, next, pool: null);
                    current = next[..(n * layer.Outputs)];
                }
            }
        }
    }

    private static float[] Scratch(int length)
    {
        var s = _threadScratch;
        if (s is null || s.Length < length) _threadScratch = s = new float[length];
        return s;
    }
}
