using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using DefectApi.NeuralNet.Specs;

namespace DefectApi.NeuralNet.Kernels;

// What an element-wise kernel does at index i to 16, 8 or 1 elements. A step is a ref struct holding refs to its
// spans; ElementWise.Run writes the Vector512 → Vector256 → scalar loop once, and the JIT compiles it once per step
// type with the step inlined, so the loop costs what the hand-written copies did (TensorPrimitives' operator structs).
// That holds only in optimized code: tiered compilation's first tier inlines nothing, and a short training run spends
// its first epochs there. So every kernel built on Run is marked AggressiveOptimization, compiled optimized at its
// first call (without that, the train benchmark's timed epochs ran the kernels as a chain of calls).
internal interface IElementStep
{
    void Vector512At(nuint i);
    void Vector256At(nuint i);
    void ScalarAt(nuint i);
}

// x = f(x, y) at each width, for kernels that update one span from another: ElementWise.Apply supplies the loads and stores.
internal interface IInPlaceOp
{
    Vector512<float> Apply(Vector512<float> x, Vector512<float> y);
    Vector256<float> Apply(Vector256<float> x, Vector256<float> y);
    float Apply(float x, float y);
}

// Element-wise passes that run once per layer per batch, remainder always handled; the transcendental activations
// stay scalar (MathF) so their bytes match inference.
internal static class ElementWise
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<TStep>(int length, ref TStep step) where TStep : struct, IElementStep, allows ref struct
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= length - 16; i += 16) step.Vector512At((nuint)i);
        if (Vector256.IsHardwareAccelerated)
            for (; i <= length - 8; i += 8) step.Vector256At((nuint)i);
        for (; i < length; i++) step.ScalarAt((nuint)i);
    }

    // x = op(x, y) over x; y is at least as long.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply<TOp>(Span<float> x, ReadOnlySpan<float> y, TOp op) where TOp : struct, IInPlaceOp
    {
        if (y.Length < x.Length) throw new ArgumentException("Source shorter than destination.");
        var step = new InPlace<TOp>(x, y, op);
        Run(x.Length, ref step);
    }

    // dst += src.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add(Span<float> dst, ReadOnlySpan<float> src) => Apply(dst, src, default(AddOp));

    // dst *= src.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(Span<float> dst, ReadOnlySpan<float> src) => Apply(dst, src, default(MultiplyOp));

    // row is (Out) holding x·W for one sample, b is (Out): row = act(row + b).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BiasActivate(Span<float> row, ReadOnlySpan<float> b, Activation activation)
    {
        if (row.Length != b.Length) throw new ArgumentException("Row and bias lengths differ.");
        if (Activations.Slope(activation) is float slope)
        {
            Apply(row, b, new ReluFamilyBias(slope));
            return;
        }
        ref float r = ref MemoryMarshal.GetReference(row);
        ref float bb = ref MemoryMarshal.GetReference(b);
        for (int i = 0; i < row.Length; i++)
            Unsafe.Add(ref r, i) = Activations.Apply(Unsafe.Add(ref r, i) + Unsafe.Add(ref bb, i), activation);
    }

    private ref struct InPlace<TOp> : IElementStep where TOp : struct, IInPlaceOp
    {
        private readonly ref float _x;
        private readonly ref float _y;
        private readonly TOp _op;

        public InPlace(Span<float> x, ReadOnlySpan<float> y, TOp op)
        {
            _x = ref MemoryMarshal.GetReference(x);
            _y = ref MemoryMarshal.GetReference(y);
            _op = op;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void Vector512At(nuint i) =>
            _op.Apply(Vector512.LoadUnsafe(ref _x, i), Vector512.LoadUnsafe(ref _y, i)).StoreUnsafe(ref _x, i);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void Vector256At(nuint i) =>
            _op.Apply(Vector256.LoadUnsafe(ref _x, i), Vector256.LoadUnsafe(ref _y, i)).StoreUnsafe(ref _x, i);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void ScalarAt(nuint i) => Unsafe.Add(ref _x, i) = _op.Apply(Unsafe.Add(ref _x, i), Unsafe.Add(ref _y, i));
    }

    private readonly struct AddOp : IInPlaceOp
    {
        public Vector512<float> Apply(Vector512<float> x, Vector512<float> y) => x + y;
        public Vector256<float> Apply(Vector256<float> x, Vector256<float> y) => x + y;
        public float Apply(float x, float y) => x + y;
    }

    private readonly struct MultiplyOp : IInPlaceOp
    {
        public Vector512<float> Apply(Vector512<float> x, Vector512<float> y) => x * y;
        public Vector256<float> Apply(Vector256<float> x, Vector256<float> y) => x * y;
        public float Apply(float x, float y) => x * y;
    }
}

// z = x + bias, then max(z, slope·z) as a compare and select (slope 0 for ReLU, 0.01 for LeakyReLU, 1 for linear):
// the forward pass's bias and activation, here and in the GEMM's store.
internal readonly struct ReluFamilyBias(float slope) : IInPlaceOp
{
    public Vector512<float> Apply(Vector512<float> x, Vector512<float> bias) => Apply(x, bias, Vector512.Create(slope));
    public Vector256<float> Apply(Vector256<float> x, Vector256<float> bias) => Apply(x, bias, Vector256.Create(slope));

    public float Apply(float x, float bias)
    {
        float z = x + bias;
        return z > 0f ? z : z * slope;
    }

    // The vector forms with the slope already broadcast, for the GEMM's store (once per tile row).
    public static Vector512<float> Apply(Vector512<float> x, Vector512<float> bias, Vector512<float> slope)
    {
        var z = x + bias;
        return Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), z, z * slope);
    }

    public static Vector256<float> Apply(Vector256<float> x, Vector256<float> bias, Vector256<float> slope)
    {
        var z = x + bias;
        return Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), z, z * slope);
    }
}
