using DefectApi.NeuralNet.Specs;
using DefectApi.NeuralNet.Threading;

namespace DefectApi.NeuralNet.Kernels;

// The three products training needs, named by which operand is read transposed. Nothing is ever
// transposed in memory: the kernels read the stored layout directly.
internal enum GemmForm
{
    Nn, // C (M, N) = A·B,  A stored (M, K), B stored (K, N)   forward:  y = x·W
    Tn, // C (M, N) = Aᵀ·B, A stored (K, M), B stored (K, N)   backward: dW = xᵀ·dy
    Nt, // C (M, N) = A·Bᵀ, A stored (M, K), B stored (N, K)   backward: dx = dy·Wᵀ
}

internal static class Gemm
{
    // Reference product: a plain triple loop, kept as the slow twin that the fast paths are tested against.
    public static void MatMulNaive(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        GemmForm form, bool accumulate)
    {
        CheckShapes(a, b, c, m, n, k);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = 0f;
                for (int p = 0; p < k; p++)
                {
                    float av = form == GemmForm.Tn ? a[p * m + i] : a[i * k + p];
                    float bv = form == GemmForm.Nt ? b[j * k + p] : b[p * n + j];
                    sum += av * bv;
                }
                c[i * n + j] = accumulate ? c[i * n + j] + sum : sum;
            }
        }
    }

    // The dispatcher: picks a path by shape only (never by thread count or timing), so a given
    // product always gives the same bytes.
    public static void MatMul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        GemmForm form, bool accumulate, WorkerPool? pool)
    {
        CheckShapes(a, b, c, m, n, k);
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate) c[..(m * n)].Clear();
            return;
        }
        if (IsSmall(m, n, k)) GemmSmall.MatMul(a, b, c, m, n, k, form, accumulate);
        else GemmPacked.MatMul(GemmPacked.BestPath, a, b, c, m, n, k, form, accumulate, pool);
    }

    // x is (M, K), W is (K, N), b is (N): y = act(x·W + b). The ReLU family and linear are applied in the
    // packed kernel's store; other activations take one more pass.
    public static void MatMulBiasActivation(ReadOnlySpan<float> x, ReadOnlySpan<float> w, Span<float> y, int m, int n, int k,
        ReadOnlySpan<float> bias, Activation activation, WorkerPool? pool)
    {
        CheckShapes(x, w, y, m, n, k);
        if (bias.Length != n) throw new ArgumentException($"Bias holds {bias.Length} floats, needs {n}.", nameof(bias));
        float? slope = Activations.Slope(activation);
        if (m == 0 || n == 0) return;
        if (k == 0 || IsSmall(m, n, k) || slope is null)
        {
            MatMul(x, w, y, m, n, k, GemmForm.Nn, accumulate: false, pool);
            for (int row = 0; row < m; row++) ElementWise.BiasActivate(y.Slice(row * n, n), bias, activation);
        }
        else
        {
            GemmPacked.MatMul(GemmPacked.BestPath, x, w, y, m, n, k, GemmForm.Nn, accumulate: false, bias, slope.Value, pool);
        }
    }

    // Packing costs about one pass over A and B, and a panel narrower than the micro-tile wastes its
    // lanes: thin or tiny products are left to the unpacked row kernels.
    internal static bool IsSmall(int m, int n, int k) => m < 4 || n < 8 || k < 4 || (long)m * n * k < 32 * 32 * 32;

    internal static void CheckShapes(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentOutOfRangeException(nameof(m), "Matrix dimensions must not be negative.");
        if ((long)m * k > a.Length) throw new ArgumentException($"A holds {a.Length} floats, needs {(long)m * k}.", nameof(a));
        if ((long)k * n > b.Length) throw new ArgumentException($"B holds {b.Length} floats, needs {(long)k * n}.", nameof(b));
        if ((long)m * n > c.Length) throw new ArgumentException($"C holds {c.Length} floats, needs {(long)m * n}.", nameof(c));
    }
}
