namespace DefectApi.NeuralNet.Specs;

public enum Activation { Linear, Relu, LeakyRelu, Tanh, Sigmoid }

// Hidden layers plus the output layer (last entry). The output layer's activation is normally
// Linear: BCE and softmax CE take logits. Dropout applies after each hidden layer, training only.
public sealed record LayerSpec(int Units, Activation Activation)
{
    /// <summary>LeakyRelu's slope below zero: max(z, slope·z).</summary>
    public const float LeakyReluSlope = 0.01f;
}

public sealed record NetworkSpec(int Inputs, IReadOnlyList<LayerSpec> Layers, float Dropout = 0f)
{
    internal void Validate()
    {
        if (Inputs < 1) throw new ArgumentException($"Inputs must be at least 1, got {Inputs}.", nameof(Inputs));
        if (Layers is null || Layers.Count == 0)
            throw new ArgumentException("A network needs at least one layer (the output layer).", nameof(Layers));
        for (int i = 0; i < Layers.Count; i++)
        {
            var layer = Layers[i] ?? throw new ArgumentException($"Layer {i} is null.", nameof(Layers));
            if (layer.Units < 1) throw new ArgumentException($"Layer {i} must have at least 1 unit, got {layer.Units}.", nameof(Layers));
            if (!Enum.IsDefined(layer.Activation))
                throw new ArgumentException($"Layer {i} has an unknown activation {(int)layer.Activation}.", nameof(Layers));
        }
        // NaN fails both comparisons, so it is refused too.
        if (!(Dropout >= 0f && Dropout < 1f)) throw new ArgumentException($"Dropout must be in [0, 1), got {Dropout}.", nameof(Dropout));
    }

    // In long, so a stored spec that claims a huge network is refused rather than overflowing.
    internal long CountParameters()
    {
        long count = 0, inputs = Inputs;
        foreach (var layer in Layers)
        {
            count += inputs * layer.Units + layer.Units;
            inputs = layer.Units;
        }
        return count;
    }
}
