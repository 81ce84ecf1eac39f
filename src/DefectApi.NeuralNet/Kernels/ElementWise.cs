using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace DefectApi.NeuralNet.Kernels;

// Element-wise passes that run once per layer per batch. Vector512 → Vector256 → scalar, remainder
// always handled; the transcendental activations stay scalar (MathF) so their bytes match inference.
internal static class ElementWise
{
    // row is (Out) holding x·W for one sample, b is (Out): row = act(row + b).
    public static void BiasActivate(Span<float> row, ReadOnlySpan<float> b, Activation activation)
    {
        if (row.Length != b.Length) throw new ArgumentException("Row and bias lengths differ.");
        ref float r = ref MemoryMarshal.GetReference(row);
        ref float bb = ref MemoryMarshal.GetReference(b);
        int n = row.Length, i = 0;
        if (Activations.Slope(activation) is float slope)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                var s = Vector512.Create(slope);
                for (; i <= n - 16; i += 16)
                {
                    var z = Vector512.LoadUnsafe(ref r, (nuint)i) + Vector512.LoadUnsafe(ref bb, (nuint)i);
                    Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), z, z * s).StoreUnsafe(ref r, (nuint)i);
                }
            }
            if (Vector256.IsHardwareAccelerated)
            {
                var s = Vector256.Create(slope);
                for (; i <= n - 8; i += 8)
                {
                    var z = Vector256.LoadUnsafe(ref r, (nuint)i) + Vector256.LoadUnsafe(ref bb, (nuint)i);
                    Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), z, z * s).StoreUnsafe(ref r, (nuint)i);
                }
            }
            for (; i < n; i++)
            {
                float z = Unsafe.Add(ref r, i) + Unsafe.Add(ref bb, i);
                Unsafe.Add(ref r, i) = z > 0f ? z : z * slope;
            }
            return;
        }
        for (; i < n; i++) Unsafe.Add(ref r, i) = Activations.Apply(Unsafe.Add(ref r, i) + Unsafe.Add(ref bb, i), activation);
    }

    // dst += src.
    public static void Add(Span<float> dst, ReadOnlySpan<float> src) => Apply<AddOp>(dst, src);

    // dst *= src.
    public static void Multiply(Span<float> dst, ReadOnlySpan<float> src) => Apply<MultiplyOp>(dst, src);

    private static void Apply<TOp>(Span<float> dst, ReadOnlySpan<float> src) where TOp : IBinaryOp
    {
        if (src.Length < dst.Length) throw new ArgumentException("Source shorter than destination.");
        ref float d = ref MemoryMarshal.GetReference(dst);
        ref float s = ref MemoryMarshal.GetReference(src);
        int n = dst.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - 16; i += 16)
                TOp.Apply(Vector512.LoadUnsafe(ref d, (nuint)i), Vector512.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8)
                TOp.Apply(Vector256.LoadUnsafe(ref d, (nuint)i), Vector256.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref d, i) = TOp.Apply(Unsafe.Add(ref d, i), Unsafe.Add(ref s, i));
    }

    // One operation at every width, resolved at JIT time (static abstract members on a struct).
    private interface IBinaryOp
    {
        static abstract Vector512<float> Apply(Vector512<float> x, Vector512<float> y);
        static abstract Vector256<float> Apply(Vector256<float> x, Vector256<float> y);
        static abstract float Apply(float x, float y);
    }

    private readonly struct AddOp : IBinaryOp
    {
        public static Vector512<float> Apply(Vector512<float> x, Vector512<float> y) => x + y;
        public static Vector256<float> Apply(Vector256<float> x, Vector256<float> y) => x + y;
        public static float Apply(float x, float y) => x + y;
    }

    private readonly struct MultiplyOp : IBinaryOp
    {
        public static Vector512<float> Apply(Vector512<float> x, Vector512<float> y) => x * y;
        public static Vector256<float> Apply(Vector256<float> x, Vector256<float> y) => x * y;
        public static float Apply(float x, float y) => x * y;
    }
}
