using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DefectApi.NeuralNet.Kernels;

internal enum GemmPath { Avx512, Avx2, Scalar }

// Packed, cache-blocked GEMM in the BLIS loop order (Van Zee & van de Geijn 2015; Goto & van de Geijn 2008):
// a kc × nc block of B is packed into NR-wide panels (L2/L3), an mc × kc block of A into MR-tall panels (L2),
// and the micro-kernel walks one B panel (L1) against every A panel. Transposed operands are handled in
// the packing, so no transpose is ever materialised. Threads split C by whole column (or row) panels:
// every element is computed by the same instructions in the same order whichever thread owns it.
internal static unsafe class GemmPacked
{
    public static readonly GemmPath BestPath =
        Vector512.IsHardwareAccelerated ? GemmPath.Avx512 : Vector256.IsHardwareAccelerated ? GemmPath.Avx2 : GemmPath.Scalar;

    // kc × NR of B (32 KB at 256 × 32) stays in L1; mc × kc of A (144 KB) in L2; the B block (2 MB) in L2/L3.
    private const int Kc = 256, Mc = 144, Nc = 2048;

    // Below this many multiply-adds a second thread costs more to wake than it saves.
    internal const long ParallelThreshold = 1L << 20;

    [ThreadStatic] private static float[]? packA, packB;

    public static void MatMul(GemmPath path, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        GemmForm form, bool accumulate, WorkerPool? pool)
        => MatMul(path, a, b, c, m, n, k, form, accumulate, default, 1f, pool);

    // With a bias (N), the last depth block also applies c = max(z, slope·z) with z = c + bias: the forward
    // pass's bias and ReLU-family activation fused into the store.
    public static void MatMul(GemmPath path, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        GemmForm form, bool accumulate, ReadOnlySpan<float> bias, float slope, WorkerPool? pool)
    {
        // Only full tiles read the bias with vector loads, and a full tile never runs past column n.
        if (!bias.IsEmpty && bias.Length < n) throw new ArgumentException("Bias is shorter than the output width.", nameof(bias));
        fixed (float* pa = a, pb = b, pc = c, pbias = bias)
        {
            var job = new Job(path, pa, pb, pc, m, n, k, form, accumulate, new Epilogue(bias.IsEmpty ? null : pbias, slope));
            int parts = pool is null || (long)m * n * k < ParallelThreshold ? 1 : pool.Threads;
            if (parts == 1) job.Run(0, m, 0, n);
            else pool!.Run(pool.GemmWork.Set(job), parts);
        }
    }

    internal readonly struct Job
    {
        private readonly GemmPath path;
        private readonly float* a, b, c;
        private readonly int m, n, k;
        private readonly GemmForm form;
        private readonly bool accumulate;
        private readonly Epilogue epilogue;

        public Job(GemmPath path, float* a, float* b, float* c, int m, int n, int k, GemmForm form, bool accumulate, Epilogue epilogue)
        {
            this.epilogue = epilogue;
            this.path = path;
            this.a = a;
            this.b = b;
            this.c = c;
            this.m = m;
            this.n = n;
            this.k = k;
            this.form = form;
            this.accumulate = accumulate;
        }

        // Splits along whichever of M or N has more micro-panels; part boundaries fall on panel edges.
        public void RunPart(int part, int parts)
        {
            var (mr, nr) = Tile(path);
            int rowPanels = (m + mr - 1) / mr, colPanels = (n + nr - 1) / nr;
            if (colPanels >= rowPanels)
            {
                int j0 = (int)((long)colPanels * part / parts) * nr, j1 = Math.Min(n, (int)((long)colPanels * (part + 1) / parts) * nr);
                if (j0 < j1) Run(0, m, j0, j1);
            }
            else
            {
                int i0 = (int)((long)rowPanels * part / parts) * mr, i1 = Math.Min(m, (int)((long)rowPanels * (part + 1) / parts) * mr);
                if (i0 < i1) Run(i0, i1, 0, n);
            }
        }

        public void Run(int i0, int i1, int j0, int j1)
        {
            var (mr, nr) = Tile(path);
            var bufA = packA ??= new float[Mc * Kc];
            var bufB = packB ??= new float[Nc * Kc];
            float* tile = stackalloc float[MicroKernels.Mr512 * MicroKernels.Nr512];
            fixed (float* pA = bufA, pB = bufB)
            {
                for (int jc = j0; jc < j1; jc += Nc)
                {
                    int nc = Math.Min(Nc, j1 - jc);
                    for (int pc = 0; pc < k; pc += Kc)
                    {
                        int kc = Math.Min(Kc, k - pc);
                        PackB(pB, nr, jc, nc, pc, kc);
                        bool overwrite = pc == 0 && !accumulate;
                        var last = pc + kc >= k ? epilogue : default;
                        for (int ic = i0; ic < i1; ic += Mc)
                        {
                            int mc = Math.Min(Mc, i1 - ic);
                            PackA(pA, mr, ic, mc, pc, kc);
                            for (int jr = 0; jr < nc; jr += nr)
                            {
                                int nw = Math.Min(nr, nc - jr);
                                float* bPanel = pB + jr * kc;
                                var tail = last.Offset(jc + jr);
                                for (int ir = 0; ir < mc; ir += mr)
                                {
                                    int mw = Math.Min(mr, mc - ir);
                                    float* aPanel = pA + ir * kc;
                                    float* cTile = c + (long)(ic + ir) * n + jc + jr;
                                    if (mw == mr && nw == nr)
                                    {
                                        Kernel(path, kc, aPanel, bPanel, cTile, n, overwrite, tail);
                                    }
                                    else
                                    {
                                        // Edge tile: full-size product into scratch, then only the valid part, with the same add.
                                        Kernel(path, kc, aPanel, bPanel, tile, nr, overwrite: true, default);
                                        for (int i = 0; i < mw; i++)
                                            for (int j = 0; j < nw; j++)
                                                cTile[(long)i * n + j] = tail.Apply(overwrite ? tile[i * nr + j] : cTile[(long)i * n + j] + tile[i * nr + j], j);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        // Rows ic..ic+mc of op(A), depth pc..pc+kc → panels of (kc, mr), zero-padded past the last row.
        private void PackA(float* dst, int mr, int ic, int mc, int pc, int kc)
        {
            for (int ir = 0; ir < mc; ir += mr, dst += mr * kc)
            {
                int rows = Math.Min(mr, mc - ir);
                if (form == GemmForm.Tn)
                {
                    // A is stored (K, M): each depth step is a contiguous run of rows.
                    for (int p = 0; p < kc; p++)
                    {
                        float* src = a + (long)(pc + p) * m + ic + ir;
                        float* d = dst + p * mr;
                        int i = 0;
                        for (; i < rows; i++) d[i] = src[i];
                        for (; i < mr; i++) d[i] = 0f;
                    }
                }
                else
                {
                    // A is stored (M, K): read each row along its depth.
                    for (int i = 0; i < mr; i++)
                    {
                        float* d = dst + i;
                        if (i < rows)
                        {
                            float* src = a + (long)(ic + ir + i) * k + pc;
                            for (int p = 0; p < kc; p++) d[p * mr] = src[p];
                        }
                        else
                        {
                            for (int p = 0; p < kc; p++) d[p * mr] = 0f;
                        }
                    }
                }
            }
        }

        // Columns jc..jc+nc of op(B), depth pc..pc+kc → panels of (kc, nr), zero-padded past the last column.
        private void PackB(float* dst, int nr, int jc, int nc, int pc, int kc)
        {
            for (int jr = 0; jr < nc; jr += nr, dst += nr * kc)
            {
                int cols = Math.Min(nr, nc - jr);
                if (form != GemmForm.Nt)
                {
                    // B is stored (K, N): each depth step is a contiguous run of columns.
                    for (int p = 0; p < kc; p++)
                    {
                        float* src = b + (long)(pc + p) * n + jc + jr;
                        float* d = dst + p * nr;
                        if (cols == nr) Unsafe.CopyBlockUnaligned(d, src, (uint)(nr * sizeof(float)));
                        else
                        {
                            int j = 0;
                            for (; j < cols; j++) d[j] = src[j];
                            for (; j < nr; j++) d[j] = 0f;
                        }
                    }
                }
                else
                {
                    // B is stored (N, K): read each column of op(B) along its depth.
                    for (int j = 0; j < nr; j++)
                    {
                        float* d = dst + j;
                        if (j < cols)
                        {
                            float* src = b + (long)(jc + jr + j) * k + pc;
                            for (int p = 0; p < kc; p++) d[p * nr] = src[p];
                        }
                        else
                        {
                            for (int p = 0; p < kc; p++) d[p * nr] = 0f;
                        }
                    }
                }
            }
        }
    }

    public static (int Mr, int Nr) Tile(GemmPath path) => path switch
    {
        GemmPath.Avx512 => (MicroKernels.Mr512, MicroKernels.Nr512),
        GemmPath.Avx2 => (MicroKernels.Mr256, MicroKernels.Nr256),
        _ => (MicroKernels.MrScalar, MicroKernels.NrScalar),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel(GemmPath path, int kc, float* a, float* b, float* c, int ldc, bool overwrite, in Epilogue epilogue)
    {
        if (path == GemmPath.Avx512) MicroKernels.Kernel512(kc, a, b, c, ldc, overwrite, epilogue);
        else if (path == GemmPath.Avx2) MicroKernels.Kernel256(kc, a, b, c, ldc, overwrite, epilogue);
        else MicroKernels.KernelScalar(kc, a, b, c, ldc, overwrite, epilogue);
    }
}

// The pool's reusable work item for GEMM, so dispatching a product to the workers allocates nothing.
internal sealed class GemmWork : IParallelWork
{
    private GemmPacked.Job job;

    public GemmWork Set(GemmPacked.Job value)
    {
        job = value;
        return this;
    }

    public void Execute(int part, int parts) => job.RunPart(part, parts);
}
