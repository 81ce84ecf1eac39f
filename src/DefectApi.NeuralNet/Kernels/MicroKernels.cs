using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DefectApi.NeuralNet.Kernels;

// Register-blocked inner products on packed panels (the BLIS micro-kernel, Van Zee & van de Geijn 2015).
// a is a packed (kc, MR) panel, b a packed (kc, NR) panel; the tile acc (MR, NR) = Σ_p a[p]ᵀ·b[p] is
// built from zero in registers, then stored to c (row stride ldc) as acc or c + acc. Every element sees
// the same FMA chain whatever tile or thread computes it, which keeps results independent of threading.
internal static unsafe class MicroKernels
{
    // AVX-512: 8 × 32 = 16 zmm accumulators, 2 for B, 1 broadcast: fits the 32 registers with room.
    public const int Mr512 = 8, Nr512 = 32;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel512(int kc, float* a, float* b, float* c, int ldc, bool overwrite, in Epilogue epilogue)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        for (int p = 0; p < kc; p++, a += Mr512, b += Nr512)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var ai = Vector512.Create(a[0]); c00 = Vector512.FusedMultiplyAdd(ai, b0, c00); c01 = Vector512.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector512.Create(a[1]); c10 = Vector512.FusedMultiplyAdd(ai, b0, c10); c11 = Vector512.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector512.Create(a[2]); c20 = Vector512.FusedMultiplyAdd(ai, b0, c20); c21 = Vector512.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector512.Create(a[3]); c30 = Vector512.FusedMultiplyAdd(ai, b0, c30); c31 = Vector512.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector512.Create(a[4]); c40 = Vector512.FusedMultiplyAdd(ai, b0, c40); c41 = Vector512.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector512.Create(a[5]); c50 = Vector512.FusedMultiplyAdd(ai, b0, c50); c51 = Vector512.FusedMultiplyAdd(ai, b1, c51);
            ai = Vector512.Create(a[6]); c60 = Vector512.FusedMultiplyAdd(ai, b0, c60); c61 = Vector512.FusedMultiplyAdd(ai, b1, c61);
            ai = Vector512.Create(a[7]); c70 = Vector512.FusedMultiplyAdd(ai, b0, c70); c71 = Vector512.FusedMultiplyAdd(ai, b1, c71);
        }
        Store512(c, c00, c01, overwrite, epilogue); c += ldc;
        Store512(c, c10, c11, overwrite, epilogue); c += ldc;
        Store512(c, c20, c21, overwrite, epilogue); c += ldc;
        Store512(c, c30, c31, overwrite, epilogue); c += ldc;
        Store512(c, c40, c41, overwrite, epilogue); c += ldc;
        Store512(c, c50, c51, overwrite, epilogue); c += ldc;
        Store512(c, c60, c61, overwrite, epilogue); c += ldc;
        Store512(c, c70, c71, overwrite, epilogue);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(float* c, Vector512<float> v0, Vector512<float> v1, bool overwrite, in Epilogue e)
    {
        if (!overwrite)
        {
            v0 += Vector512.Load(c);
            v1 += Vector512.Load(c + 16);
        }
        if (e.Bias != null)
        {
            var s = Vector512.Create(e.Slope);
            v0 += Vector512.Load(e.Bias);
            v1 += Vector512.Load(e.Bias + 16);
            v0 = Vector512.ConditionalSelect(Vector512.GreaterThan(v0, Vector512<float>.Zero), v0, v0 * s);
            v1 = Vector512.ConditionalSelect(Vector512.GreaterThan(v1, Vector512<float>.Zero), v1, v1 * s);
        }
        v0.Store(c);
        v1.Store(c + 16);
    }

    // AVX2: 6 × 16 = 12 ymm accumulators + 2 for B + 1 broadcast, within the 16 registers (the classic Haswell shape).
    public const int Mr256 = 6, Nr256 = 16;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel256(int kc, float* a, float* b, float* c, int ldc, bool overwrite, in Epilogue epilogue)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++, a += Mr256, b += Nr256)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var ai = Vector256.Create(a[0]); c00 = Vector256.FusedMultiplyAdd(ai, b0, c00); c01 = Vector256.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector256.Create(a[1]); c10 = Vector256.FusedMultiplyAdd(ai, b0, c10); c11 = Vector256.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector256.Create(a[2]); c20 = Vector256.FusedMultiplyAdd(ai, b0, c20); c21 = Vector256.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector256.Create(a[3]); c30 = Vector256.FusedMultiplyAdd(ai, b0, c30); c31 = Vector256.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector256.Create(a[4]); c40 = Vector256.FusedMultiplyAdd(ai, b0, c40); c41 = Vector256.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector256.Create(a[5]); c50 = Vector256.FusedMultiplyAdd(ai, b0, c50); c51 = Vector256.FusedMultiplyAdd(ai, b1, c51);
        }
        Store256(c, c00, c01, overwrite, epilogue); c += ldc;
        Store256(c, c10, c11, overwrite, epilogue); c += ldc;
        Store256(c, c20, c21, overwrite, epilogue); c += ldc;
        Store256(c, c30, c31, overwrite, epilogue); c += ldc;
        Store256(c, c40, c41, overwrite, epilogue); c += ldc;
        Store256(c, c50, c51, overwrite, epilogue);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256(float* c, Vector256<float> v0, Vector256<float> v1, bool overwrite, in Epilogue e)
    {
        if (!overwrite)
        {
            v0 += Vector256.Load(c);
            v1 += Vector256.Load(c + 8);
        }
        if (e.Bias != null)
        {
            var s = Vector256.Create(e.Slope);
            v0 += Vector256.Load(e.Bias);
            v1 += Vector256.Load(e.Bias + 8);
            v0 = Vector256.ConditionalSelect(Vector256.GreaterThan(v0, Vector256<float>.Zero), v0, v0 * s);
            v1 = Vector256.ConditionalSelect(Vector256.GreaterThan(v1, Vector256<float>.Zero), v1, v1 * s);
        }
        v0.Store(c);
        v1.Store(c + 8);
    }

    // Scalar twin with the same FMA-per-term arithmetic, for machines without SIMD.
    public const int MrScalar = 4, NrScalar = 4;

    public static void KernelScalar(int kc, float* a, float* b, float* c, int ldc, bool overwrite, in Epilogue epilogue)
    {
        float* acc = stackalloc float[MrScalar * NrScalar];
        for (int i = 0; i < MrScalar * NrScalar; i++) acc[i] = 0f;
        for (int p = 0; p < kc; p++, a += MrScalar, b += NrScalar)
            for (int i = 0; i < MrScalar; i++)
                for (int j = 0; j < NrScalar; j++)
                    acc[i * NrScalar + j] = MathF.FusedMultiplyAdd(a[i], b[j], acc[i * NrScalar + j]);
        for (int i = 0; i < MrScalar; i++)
            for (int j = 0; j < NrScalar; j++)
                c[i * ldc + j] = epilogue.Apply(overwrite ? acc[i * NrScalar + j] : c[i * ldc + j] + acc[i * NrScalar + j], j);
    }
}

// What the last depth block does to a finished tile before storing it: z + bias, then max(z, slope·z)
// (slope 0 for ReLU, 0.01 for LeakyReLU, 1 for linear). Bias points at the tile's first column; null = none.
internal readonly unsafe struct Epilogue(float* bias, float slope)
{
    public readonly float* Bias = bias;
    public readonly float Slope = slope;

    public Epilogue Offset(int columns) => Bias == null ? this : new Epilogue(Bias + columns, Slope);

    // The scalar twin of the vector code above: the same add, compare and multiply.
    public float Apply(float z, int column)
    {
        if (Bias == null) return z;
        z += Bias[column];
        return z > 0f ? z : z * Slope;
    }
}
