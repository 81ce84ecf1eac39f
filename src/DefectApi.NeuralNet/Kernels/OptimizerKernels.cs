using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace DefectApi.NeuralNet.Kernels;

// The optimizers' per-parameter updates, Vector512 → Vector256 → scalar. The vector and scalar code
// perform the same IEEE operations in the same order (no fused multiply-add, whose single rounding
// would differ), so an element's result does not depend on which of the loops reaches it.
internal static class OptimizerKernels
{
    // p -= lr · (s·g + l2·p)
    public static void Sgd(Span<float> p, ReadOnlySpan<float> g, float lr, float s, float l2)
    {
        ref float pr = ref MemoryMarshal.GetReference(p);
        ref float gr = ref MemoryMarshal.GetReference(g);
        int n = p.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - 16; i += 16)
            {
                var pv = Vector512.LoadUnsafe(ref pr, (nuint)i);
                (pv - Vector512.Create(lr) * (Vector512.LoadUnsafe(ref gr, (nuint)i) * s + pv * l2)).StoreUnsafe(ref pr, (nuint)i);
            }
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8)
            {
                var pv = Vector256.LoadUnsafe(ref pr, (nuint)i);
                (pv - Vector256.Create(lr) * (Vector256.LoadUnsafe(ref gr, (nuint)i) * s + pv * l2)).StoreUnsafe(ref pr, (nuint)i);
            }
        for (; i < n; i++)
        {
            float pv = Unsafe.Add(ref pr, i);
            Unsafe.Add(ref pr, i) = pv - lr * (Unsafe.Add(ref gr, i) * s + pv * l2);
        }
    }

    // gᵢ = s·g + l2·p; v = μ·v + gᵢ; p -= lr · (nesterov ? gᵢ + μ·v : v)
    public static void Momentum(Span<float> p, ReadOnlySpan<float> g, Span<float> v, float lr, float s, float l2, float mu, bool nesterov)
    {
        ref float pr = ref MemoryMarshal.GetReference(p);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float vr = ref MemoryMarshal.GetReference(v);
        int n = p.Length, i = 0;
        float look = nesterov ? 1f : 0f; // Nesterov steps along gᵢ + μv; plain momentum along v = 0·gᵢ + 1·v
        float vWeight = nesterov ? mu : 1f;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - 16; i += 16)
            {
                var pv = Vector512.LoadUnsafe(ref pr, (nuint)i);
                var gi = Vector512.LoadUnsafe(ref gr, (nuint)i) * s + pv * l2;
                var vi = Vector512.LoadUnsafe(ref vr, (nuint)i) * mu + gi;
                vi.StoreUnsafe(ref vr, (nuint)i);
                (pv - Vector512.Create(lr) * (gi * look + vi * vWeight)).StoreUnsafe(ref pr, (nuint)i);
            }
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8)
            {
                var pv = Vector256.LoadUnsafe(ref pr, (nuint)i);
                var gi = Vector256.LoadUnsafe(ref gr, (nuint)i) * s + pv * l2;
                var vi = Vector256.LoadUnsafe(ref vr, (nuint)i) * mu + gi;
                vi.StoreUnsafe(ref vr, (nuint)i);
                (pv - Vector256.Create(lr) * (gi * look + vi * vWeight)).StoreUnsafe(ref pr, (nuint)i);
            }
        for (; i < n; i++)
        {
            float pv = Unsafe.Add(ref pr, i);
            float gi = Unsafe.Add(ref gr, i) * s + pv * l2;
            float vi = Unsafe.Add(ref vr, i) * mu + gi;
            Unsafe.Add(ref vr, i) = vi;
            Unsafe.Add(ref pr, i) = pv - lr * (gi * look + vi * vWeight);
        }
    }

    // Adam (Kingma & Ba 2015) with AdamW's decoupled decay factor: gᵢ = s·g + l2·p; m = β1·m + (1-β1)·gᵢ;
    // v = β2·v + (1-β2)·gᵢ²; p = p·decay - lr·(m·c1) / (√(v·c2) + ε), c1 and c2 the bias corrections.
    public static void Adam(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, in AdamStep k)
    {
        ref float pr = ref MemoryMarshal.GetReference(p);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float mr = ref MemoryMarshal.GetReference(m);
        ref float vr = ref MemoryMarshal.GetReference(v);
        int n = p.Length, i = 0;
        float b1 = k.Beta1, b2 = k.Beta2, a1 = 1f - k.Beta1, a2 = 1f - k.Beta2;
        if (Vector512.IsHardwareAccelerated)
        {
            var eps = Vector512.Create(k.Epsilon);
            for (; i <= n - 16; i += 16)
            {
                var pv = Vector512.LoadUnsafe(ref pr, (nuint)i);
                var gi = Vector512.LoadUnsafe(ref gr, (nuint)i) * k.GradScale + pv * k.L2;
                var mi = Vector512.LoadUnsafe(ref mr, (nuint)i) * b1 + gi * a1;
                var vi = Vector512.LoadUnsafe(ref vr, (nuint)i) * b2 + gi * gi * a2;
                mi.StoreUnsafe(ref mr, (nuint)i);
                vi.StoreUnsafe(ref vr, (nuint)i);
                (pv * k.Decay - mi * k.C1 * k.LearningRate / (Vector512.Sqrt(vi * k.C2) + eps)).StoreUnsafe(ref pr, (nuint)i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var eps = Vector256.Create(k.Epsilon);
            for (; i <= n - 8; i += 8)
            {
                var pv = Vector256.LoadUnsafe(ref pr, (nuint)i);
                var gi = Vector256.LoadUnsafe(ref gr, (nuint)i) * k.GradScale + pv * k.L2;
                var mi = Vector256.LoadUnsafe(ref mr, (nuint)i) * b1 + gi * a1;
                var vi = Vector256.LoadUnsafe(ref vr, (nuint)i) * b2 + gi * gi * a2;
                mi.StoreUnsafe(ref mr, (nuint)i);
                vi.StoreUnsafe(ref vr, (nuint)i);
                (pv * k.Decay - mi * k.C1 * k.LearningRate / (Vector256.Sqrt(vi * k.C2) + eps)).StoreUnsafe(ref pr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float pv = Unsafe.Add(ref pr, i);
            float gi = Unsafe.Add(ref gr, i) * k.GradScale + pv * k.L2;
            float mi = Unsafe.Add(ref mr, i) * b1 + gi * a1;
            float vi = Unsafe.Add(ref vr, i) * b2 + gi * gi * a2;
            Unsafe.Add(ref mr, i) = mi;
            Unsafe.Add(ref vr, i) = vi;
            Unsafe.Add(ref pr, i) = pv * k.Decay - mi * k.C1 * k.LearningRate / (MathF.Sqrt(vi * k.C2) + k.Epsilon);
        }
    }
}

internal readonly record struct AdamStep(float LearningRate, float GradScale, float L2, float Decay, float C1, float C2,
    float Beta1, float Beta2, float Epsilon);
