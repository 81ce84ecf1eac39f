using DefectApi.NeuralNet.Kernels;
using DefectApi.NeuralNet.Randomness;
using DefectApi.NeuralNet.Specs;

namespace DefectApi.NeuralNet.Networks;

/// <summary>
/// TabM's k packed members (Gorishniy et al., ICLR 2025, "TabM: Advancing tabular deep learning with parameter-efficient
/// ensembling"): one backbone of shared weight matrices W, and per member m only BatchEnsemble's adapters (Wen et al.,
/// ICLR 2020) in every hidden layer, y = act(s_m ⊙ ((r_m ⊙ x)·W) + b_m), then an output head of its own. It exists
/// during training only: a member folds exactly into an ordinary dense network, (r ⊙ x)·W ⊙ s + b = x·(diag(r)·W·diag(s))
/// + b, so <see cref="Unpack"/> gives k <see cref="Network"/>s of the spec's shape and nothing stored changes form.
/// </summary>
public sealed class PackedNetwork
{
    private readonly float[] _parameters;

    private PackedNetwork(NetworkSpec spec, int members)
    {
        spec.Validate();
        if (spec.Layers.Count < 2)
            throw new ArgumentException("Packed members need at least one hidden layer before the output layer.", nameof(spec));
        ArgumentOutOfRangeException.ThrowIfLessThan(members, 1);
        Spec = spec with { Layers = spec.Layers.ToArray() };
        Members = members;
        int hidden = spec.Layers.Count - 1, inputs = spec.Inputs;
        long offset = 0;
        Hidden = new PackedLayer[hidden];
        for (int l = 0; l < hidden; l++)
        {
            var ls = spec.Layers[l];
            Hidden[l] = new PackedLayer(inputs, ls.Units, ls.Activation, (int)offset, members);
            offset += Hidden[l].ParameterCount;
            inputs = ls.Units;
        }
        HeadInputs = inputs;
        HeadOffset = (int)offset;
        offset += (long)members * (inputs * Outputs + Outputs);
        if (offset > Array.MaxLength)
            throw new ArgumentException($"{members} packed members would have {offset} parameters, more than one array holds.");
        _parameters = new float[offset];
    }

    /// <summary>Shared weights drawn as <see cref="Network.Create"/> draws them; the first layer's input scales r are
    /// random signs ±1 and every other adapter starts at 1, TabM's initialisation (ibid., §3.3: only the first
    /// adapter is random, which alone makes the members differ); biases start at 0; each member's head is drawn
    /// on its own, with the output layer's Glorot bound.</summary>
    public static PackedNetwork Create(NetworkSpec spec, int members, int seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var packed = new PackedNetwork(spec, members);
        var p = packed._parameters;
        var rng = new Xoshiro256(seed);
        foreach (var layer in packed.Hidden)
        {
            double variance = Activations.IsReluFamily(layer.Activation) ? 2.0 / layer.Inputs : 2.0 / (layer.Inputs + layer.Outputs);
            Uniform(p.AsSpan(layer.WeightOffset, layer.Inputs * layer.Outputs), (float)Math.Sqrt(3.0 * variance), ref rng);
            p.AsSpan(layer.ROffset, members * layer.Inputs).Fill(1f);
            p.AsSpan(layer.SOffset, members * layer.Outputs).Fill(1f);
        }
        var first = packed.Hidden[0].R(p);
        for (int i = 0; i < first.Length; i++) first[i] = rng.NextFloat() < 0.5f ? -1f : 1f;
        float headBound = (float)Math.Sqrt(6.0 / (packed.HeadInputs + packed.Outputs));
        for (int m = 0; m < members; m++) Uniform(packed.HeadWeights(p, m), headBound, ref rng);
        return packed;
    }

    private static void Uniform(Span<float> w, float bound, ref Xoshiro256 rng)
    {
        for (int i = 0; i < w.Length; i++) w[i] = (2f * rng.NextFloat() - 1f) * bound;
    }

    public NetworkSpec Spec { get; }
    public int Members { get; }
    public int Inputs => Spec.Inputs;
    public int Outputs => Spec.Layers[^1].Units;

    /// <summary>Layout: per hidden layer W (In, Out), r (k, In), s (k, Out), b (k, Out); then per member its head's
    /// W (HeadInputs, Outputs) and b (Outputs).</summary>
    public Span<float> Parameters => _parameters;

    internal float[] ParameterArray => _parameters;
    internal PackedLayer[] Hidden { get; }
    internal int HeadInputs { get; }
    internal int HeadOffset { get; }
    internal int HeadSize => HeadInputs * Outputs + Outputs;

    internal Span<float> HeadWeights(Span<float> p, int m) => p.Slice(HeadOffset + m * HeadSize, HeadInputs * Outputs);
    internal Span<float> HeadBias(Span<float> p, int m) => p.Slice(HeadOffset + m * HeadSize + HeadInputs * Outputs, Outputs);

    /// <summary>Member m as an ordinary network: W' = diag(r_m)·W·diag(s_m), b' = b_m in every hidden layer, and its own head.</summary>
    public Network Unpack(int member)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(member);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(member, Members);
        var folded = new float[Spec.CountParameters()];
        int offset = 0;
        foreach (var layer in Hidden)
        {
            var w = _parameters.AsSpan(layer.WeightOffset, layer.Inputs * layer.Outputs);
            var r = layer.R(_parameters).Slice(member * layer.Inputs, layer.Inputs);
            var s = layer.S(_parameters).Slice(member * layer.Outputs, layer.Outputs);
            for (int i = 0; i < layer.Inputs; i++)
                for (int j = 0; j < layer.Outputs; j++)
                    folded[offset + i * layer.Outputs + j] = r[i] * w[i * layer.Outputs + j] * s[j];
            offset += layer.Inputs * layer.Outputs;
            layer.B(_parameters).Slice(member * layer.Outputs, layer.Outputs).CopyTo(folded.AsSpan(offset, layer.Outputs));
            offset += layer.Outputs;
        }
        _parameters.AsSpan(HeadOffset + member * HeadSize, HeadSize).CopyTo(folded.AsSpan(offset));
        return Network.FromParameters(Spec, folded);
    }

    /// <summary>Every member as an ordinary network, in member order.</summary>
    public Network[] Unpack() => Enumerable.Range(0, Members).Select(Unpack).ToArray();
}

/// <summary>One hidden layer of <see cref="PackedNetwork"/>: the shared W and the members' adapters, offsets into the
/// packed parameter array.</summary>
internal sealed class PackedLayer(int inputs, int outputs, Activation activation, int weightOffset, int members)
{
    public int Inputs { get; } = inputs;
    public int Outputs { get; } = outputs;
    public Activation Activation { get; } = activation;
    public int WeightOffset { get; } = weightOffset;
    public int ROffset => WeightOffset + Inputs * Outputs;
    public int SOffset => ROffset + members * Inputs;
    public int BOffset => SOffset + members * Outputs;
    public int ParameterCount => Inputs * Outputs + members * (Inputs + 2 * Outputs);

    public Span<float> W(Span<float> p) => p.Slice(WeightOffset, Inputs * Outputs);
    public Span<float> R(Span<float> p) => p.Slice(ROffset, members * Inputs);
    public Span<float> S(Span<float> p) => p.Slice(SOffset, members * Outputs);
    public Span<float> B(Span<float> p) => p.Slice(BOffset, members * Outputs);
}
