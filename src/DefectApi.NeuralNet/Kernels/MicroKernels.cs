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

    // AVX2: 6 × 16 = 12 ymm accumulators + 2 for B + 1 broadcast, within the 16 registers (the classic Haswell shape).
    public const int Mr256 = 6, Nr256 = 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Kernel512(int kc, float* a, float* b, float* c, int ldc, bool overwrite, in Epilogue epilogue)
        => Kernel<Tile512, Vector512<float>>(kc, a, b, c, ldc, overwrite, epilogue);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Kernel256(int kc, float* a, float* b, float* c, int ldc, bool overwrite, in Epilogue epilogue)
        => Kernel<Tile256, Vector256<float>>(kc, a, b, c, ldc, overwrite, epilogue);

    // The tile is Rows × two vectors. Rows is a constant of the tile type, so for the 6-row tile the JIT drops
    // rows 6 and 7 and their accumulators: each width compiles to the straight-line kernel it would be by hand.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel<TTile, TVector>(int kc, float* a, float* b, float* c, int ldc, bool overwrite, in Epilogue epilogue)
        where TTile : struct, ITile<TVector> where TVector : struct
    {
        TVector c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        TVector c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        int lanes = TTile.Lanes;
        for (int p = 0; p < kc; p++, a += TTile.Rows, b += 2 * lanes)
        {
            var b0 = TTile.Load(b);
            var b1 = TTile.Load(b + lanes);
            var ai = TTile.Broadcast(a[0]); c00 = TTile.FusedMultiplyAdd(ai, b0, c00); c01 = TTile.FusedMultiplyAdd(ai, b1, c01);
            ai = TTile.Broadcast(a[1]); c10 = TTile.FusedMultiplyAdd(ai, b0, c10); c11 = TTile.FusedMultiplyAdd(ai, b1, c11);
            ai = TTile.Broadcast(a[2]); c20 = TTile.FusedMultiplyAdd(ai, b0, c20); c21 = TTile.FusedMultiplyAdd(ai, b1, c21);
            ai = TTile.Broadcast(a[3]); c30 = TTile.FusedMultiplyAdd(ai, b0, c30); c31 = TTile.FusedMultiplyAdd(ai, b1, c31);
            ai = TTile.Broadcast(a[4]); c40 = TTile.FusedMultiplyAdd(ai, b0, c40); c41 = TTile.FusedMultiplyAdd(ai, b1, c41);
            ai = TTile.Broadcast(a[5]); c50 = TTile.FusedMultiplyAdd(ai, b0, c50); c51 = TTile.FusedMultiplyAdd(ai, b1, c51);
            if (TTile.Rows == 8)
            {
                ai = TTile.Broadcast(a[6]); c60 = TTile.FusedMultiplyAdd(ai, b0, c60); c61 = TTile.FusedMultiplyAdd(ai, b1, c61);
                ai = TTile.Broadcast(a[7]); c70 = TTile.FusedMultiplyAdd(ai, b0, c70); c71 = TTile.FusedMultiplyAdd(ai, b1, c71);
            }
        }
        StoreRow<TTile, TVector>(c, c00, c01, overwrite, epilogue); c += ldc;
        StoreRow<TTile, TVector>(c, c10, c11, overwrite, epilogue); c += ldc;
        StoreRow<TTile, TVector>(c, c20, c21, overwrite, epilogue); c += ldc;
        StoreRow<TTile, TVector>(c, c30, c31, overwrite, epilogue); c += ldc;
        StoreRow<TTile, TVector>(c, c40, c41, overwrite, epilogue); c += ldc;
        StoreRow<TTile, TVector>(c, c50, c51, overwrite, epilogue);
        if (TTile.Rows == 8)
        {
            c += ldc;
            StoreRow<TTile, TVector>(c, c60, c61, overwrite, epilogue); c += ldc;
            StoreRow<TTile, TVector>(c, c70, c71, overwrite, epilogue);
        }
    }

    // One tile row, two vectors: c = acc or c + acc, then the epilogue's bias and activation when it has a bias.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TTile, TVector>(float* c, TVector v0, TVector v1, bool overwrite, in Epilogue e)
        where TTile : struct, ITile<TVector> where TVector : struct
    {
        int lanes = TTile.Lanes;
        if (!overwrite)
        {
            v0 = TTile.Add(v0, TTile.Load(c));
            v1 = TTile.Add(v1, TTile.Load(c + lanes));
        }
        float* bias = e.Bias;
        if (bias != null)
        {
            var slope = TTile.Broadcast(e.Slope);
            v0 = TTile.BiasActivate(v0, TTile.Load(bias), slope);
            v1 = TTile.BiasActivate(v1, TTile.Load(bias + lanes), slope);
        }
        TTile.Store(v0, c);
        TTile.Store(v1, c + lanes);
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

    // The scalar twin of the tiles' store (ReluFamilyBias): the same add, compare and multiply.
    public float Apply(float z, int column) => Bias == null ? z : new ReluFamilyBias(Slope).Apply(z, Bias[column]);
}

// The per-vector operations of one micro-kernel width; the tile is Rows × (2 · Lanes) floats.
internal unsafe interface ITile<TVector> where TVector : struct
{
    static abstract int Rows { get; }
    static abstract int Lanes { get; }
    static abstract TVector Load(float* source);
    static abstract void Store(TVector value, float* destination);
    static abstract TVector Broadcast(float value);
    static abstract TVector Add(TVector x, TVector y);
    static abstract TVector FusedMultiplyAdd(TVector a, TVector b, TVector addend);
    static abstract TVector BiasActivate(TVector z, TVector bias, TVector slope);
}

internal readonly unsafe struct Tile512 : ITile<Vector512<float>>
{
    public static int Rows => MicroKernels.Mr512;
    public static int Lanes => Vector512<float>.Count;
    public static Vector512<float> Load(float* source) => Vector512.Load(source);
    public static void Store(Vector512<float> value, float* destination) => value.Store(destination);
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);
    public static Vector512<float> Add(Vector512<float> x, Vector512<float> y) => x + y;
    public static Vector512<float> FusedMultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> addend) =>
        Vector512.FusedMultiplyAdd(a, b, addend);
    public static Vector512<float> BiasActivate(Vector512<float> z, Vector512<float> bias, Vector512<float> slope) =>
        ReluFamilyBias.Apply(z, bias, slope);
}

internal readonly unsafe struct Tile256 : ITile<Vector256<float>>
{
    public static int Rows => MicroKernels.Mr256;
    public static int Lanes => Vector256<float>.Count;
    public static Vector256<float> Load(float* source) => Vector256.Load(source);
    public static void Store(Vector256<float> value, float* destination) => value.Store(destination);
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);
    public static Vector256<float> Add(Vector256<float> x, Vector256<float> y) => x + y;
    public static Vector256<float> FusedMultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> addend) =>
        Vector256.FusedMultiplyAdd(a, b, addend);
    public static Vector256<float> BiasActivate(Vector256<float> z, Vector256<float> bias, Vector256<float> slope) =>
        ReluFamilyBias.Apply(z, bias, slope);
}
