using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace DefectApi.NeuralNet.Kernels;

// Unpacked row kernels for products too small to repay packing: one row of C is built as a sum of
// scaled rows of B (axpy form) or as dot products (Nt). Single-threaded.
internal static class GemmSmall
{
    public static void MatMul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        GemmForm form, bool accumulate)
    {
        if (!accumulate) c[..(m * n)].Clear();
        switch (form)
        {
            case GemmForm.Nn when n == 1: // A (M, K) times the vector B (K): one dot product per row
                for (int i = 0; i < m; i++) c[i] += Dot(a.Slice(i * k, k), b[..k]);
                break;
            case GemmForm.Nn: // A (M, K), B (K, N): row i of C is Σ_p A[i, p]·B[p, :]
                for (int i = 0; i < m; i++)
                {
                    var row = c.Slice(i * n, n);
                    for (int p = 0; p < k; p++) Axpy(row, a[i * k + p], b.Slice(p * n, n));
                }
                break;
            case GemmForm.Tn when n == 1: // Aᵀ (M, K) times the vector B (K): Σ_p B[p]·A[p, :]
                for (int p = 0; p < k; p++) Axpy(c[..m], b[p], a.Slice(p * m, m));
                break;
            case GemmForm.Tn: // A (K, M), B (K, N): walk K outside so both are read row by row
                for (int p = 0; p < k; p++)
                {
                    var brow = b.Slice(p * n, n);
                    for (int i = 0; i < m; i++) Axpy(c.Slice(i * n, n), a[p * m + i], brow);
                }
                break;
            case GemmForm.Nt when k == 1: // outer product: row i of C is A[i]·B
                for (int i = 0; i < m; i++) Axpy(c.Slice(i * n, n), a[i], b[..n]);
                break;
            default: // Nt: A (M, K), B (N, K): dot products of rows
                for (int i = 0; i < m; i++)
                {
                    var arow = a.Slice(i * k, k);
                    for (int j = 0; j < n; j++) c[i * n + j] += Dot(arow, b.Slice(j * k, k));
                }
                break;
        }
    }

    // y += s·x, FMA per element.
    public static void Axpy(Span<float> y, float s, ReadOnlySpan<float> x)
    {
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float xr = ref MemoryMarshal.GetReference(x);
        int n = y.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var sv = Vector512.Create(s);
            for (; i <= n - 16; i += 16)
                Vector512.FusedMultiplyAdd(sv, Vector512.LoadUnsafe(ref xr, (nuint)i), Vector512.LoadUnsafe(ref yr, (nuint)i))
                    .StoreUnsafe(ref yr, (nuint)i);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var sv = Vector256.Create(s);
            for (; i <= n - 8; i += 8)
                Vector256.FusedMultiplyAdd(sv, Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i))
                    .StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref yr, i) = MathF.FusedMultiplyAdd(s, Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i));
    }

    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int n = x.Length, i = 0;
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var acc = Vector512<float>.Zero;
            for (; i <= n - 16; i += 16)
                acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, (nuint)i), Vector512.LoadUnsafe(ref yr, (nuint)i), acc);
            sum = Vector512.Sum(acc);
        }
        if (Vector256.IsHardwareAccelerated && n - i >= 8)
        {
            var acc = Vector256<float>.Zero;
            for (; i <= n - 8; i += 8)
                acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i), acc);
            sum += Vector256.Sum(acc);
        }
        for (; i < n; i++) sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i), sum);
        return sum;
    }
}
