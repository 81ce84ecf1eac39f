namespace DefectApi.NeuralNet.Tests.Support;

// Holds a SIMD routine to a plain scalar loop on every length 0..256, which covers every tail of both vector
// widths (16 and 8 floats). Buffers run a guard past the span the routine is given; it must come back untouched.
internal static class ScalarTwin
{
    public const int MaxLength = 256;
    private const int Guard = 17;

    // The check for every length in turn; the first mismatch it reports, or null.
    public static string? AtEveryLength(Func<int, string?> check)
    {
        for (int length = 0; length <= MaxLength; length++)
            if (check(length) is { } failure) return failure;
        return null;
    }

    // length + guard values in [-1, 1), every seventh an exact 0 (the boundary of the ReLU family's compare).
    public static float[] Buffer(int length, int seed)
    {
        var values = Data.Uniform(length + Guard, seed);
        for (int i = 0; i < values.Length; i += 7) values[i] = 0f;
        return values;
    }

    // The same values in (0, 1], for second moments.
    public static float[] PositiveBuffer(int length, int seed) => Buffer(length, seed).Select(v => MathF.Abs(v) + 1e-3f).ToArray();

    // Element by element over the whole buffer, guard included; NaN equals NaN and -0 equals 0.
    public static string? FirstMismatch(string routine, int length, float[] expected, float[] actual)
    {
        for (int i = 0; i < expected.Length; i++)
            if (!expected[i].Equals(actual[i]))
                return $"{routine} at length {length}: [{i}] = {actual[i]:R}, the scalar loop gives {expected[i]:R}";
        return null;
    }

    // For routines whose scalar reference is computed in double (tanh, sigmoid): a relative tolerance.
    public static string? FirstMismatch(string routine, int length, float[] expected, float[] actual, float tolerance)
    {
        for (int i = 0; i < expected.Length; i++)
            if (!(MathF.Abs(expected[i] - actual[i]) <= tolerance * MathF.Max(1f, MathF.Abs(expected[i]))))
                return $"{routine} at length {length}: [{i}] = {actual[i]:R}, the scalar loop gives {expected[i]:R}";
        return null;
    }
}
