namespace DefectApi.NeuralNet.Tests.Support;

internal static class Data
{
    // Deterministic pseudo-random floats in [-1, 1) for test inputs (a tiny LCG; quality is irrelevant here).
    public static float[] Uniform(int count, int seed)
    {
        var a = new float[count];
        uint s = (uint)seed * 2654435761u + 1;
        for (int i = 0; i < count; i++)
        {
            s = s * 1664525u + 1013904223u;
            a[i] = (s >> 8) * (2f / (1 << 24)) - 1f;
        }
        return a;
    }

    public static NetworkSpec Spec(int inputs, params (int Units, Activation Activation)[] layers)
        => new(inputs, layers.Select(l => new LayerSpec(l.Units, l.Activation)).ToArray());

    public static byte[] Bytes(ReadOnlySpan<float> values) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values).ToArray();
}
