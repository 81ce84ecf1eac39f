using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using DefectApi.NeuralNet.Threading;

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
    private const int Kc = 256, Mc = 144, Nc = 2048; // Mc is a multiple of every MR (8, 6, 4)

    // Below this many multiply-adds (~5 µs of one core) handing half to a worker costs more than it saves.
    internal const long ParallelThreshold = 1L << 18;

    // Packing buffers: one set per part of a pooled product (so after the first step no thread allocates,
    // whichever parts it claims), and one per thread for products run on the calling thread alone.
    [ThreadStatic] private static PackBuffers? _threadBuffers;

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
            var pooled = pool?.State(static p => new PoolState(p.Threads));
            var job = new Job(path, pa, pb, pc, m, n, k, form, accumulate, new Epilogue(bias.IsEmpty ? null : pbias, slope),
                pooled?.Buffers);
            int parts = pool is null || (long)m * n * k < ParallelThreshold ? 1 : pool.Threads;
            if (parts == 1) job.Run(0, m, 0, n, _threadBuffers ??= new PackBuffers());
            else pool!.Run(pooled!.Work.Set(job), parts);
        }
    }

    // Kept with each pool: the reusable work item, and one set of packing buffers per part.
    private sealed class PoolState(int threads)
    {
        public PooledWork<Job> Work { get; } = new();
        public PackBuffers[] Buffers { get; } = [.. Enumerable.Range(0, threads).Select(_ => new PackBuffers())];
    }

    internal readonly struct Job : IPartitionedJob
    {
        private readonly GemmPath _path;
        private readonly float* _a, _b, _c;
        private readonly int _m, _n, _k;
        private readonly GemmForm _form;
        private readonly bool _accumulate;
        private readonly Epilogue _epilogue;
        private readonly PackBuffers[]? _perPart;

        public Job(GemmPath path, float* a, float* b, float* c, int m, int n, int k, GemmForm form, bool accumulate, Epilogue epilogue,
            PackBuffers[]? perPart)
        {
            _perPart = perPart;
            _epilogue = epilogue;
            _path = path;
            _a = a;
            _b = b;
            _c = c;
            _m = m;
            _n = n;
            _k = k;
            _form = form;
            _accumulate = accumulate;
        }

        // Splits along whichever of M or N has more micro-panels; part boundaries fall on panel edges.
        public void RunPart(int part, int parts)
        {
            var buffers = _perPart![part];
            var (mr, nr) = Tile(_path);
            int rowPanels = (_m + mr - 1) / mr, colPanels = (_n + nr - 1) / nr;
            if (colPanels >= rowPanels)
            {
                int j0 = (int)((long)colPanels * part / parts) * nr, j1 = Math.Min(_n, (int)((long)colPanels * (part + 1) / parts) * nr);
                if (j0 < j1) Run(0, _m, j0, j1, buffers);
            }
            else
            {
                int i0 = (int)((long)rowPanels * part / parts) * mr, i1 = Math.Min(_m, (int)((long)rowPanels * (part + 1) / parts) * mr);
                if (i0 < i1) Run(i0, i1, 0, _n, buffers);
            }
        }

        public void Run(int i0, int i1, int j0, int j1, PackBuffers buffers)
        {
            var (mr, nr) = Tile(_path);
            int depth = Math.Min(Kc, _k);
            var (bufA, bufB) = buffers.Ensure(RoundUp(Math.Min(Mc, i1 - i0), mr) * depth, RoundUp(Math.Min(Nc, j1 - j0), nr) * depth);
            float* tile = stackalloc float[MicroKernels.Mr512 * MicroKernels.Nr512];
            fixed (float* pA = bufA, pB = bufB)
            {
                for (int jc = j0; jc < j1; jc += Nc)
                {
                    int nc = Math.Min(Nc, j1 - jc);
                    for (int pc = 0; pc < _k; pc += Kc)
                    {
                        int kc = Math.Min(Kc, _k - pc);
                        PackB(pB, nr, jc, nc, pc, kc);
                        bool overwrite = pc == 0 && !_accumulate;
                        var last = pc + kc >= _k ? _epilogue : default;
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
                                    float* cTile = _c + (long)(ic + ir) * _n + jc + jr;
                                    if (mw == mr && nw == nr)
                                    {
                                        Kernel(_path, kc, aPanel, bPanel, cTile, _n, overwrite, tail);
                                    }
                                    else
                                    {
                                        // Edge tile: full-size product into scratch, then only the valid part, with the same add.
                                        Kernel(_path, kc, aPanel, bPanel, tile, nr, overwrite: true, default);
                                        for (int i = 0; i < mw; i++)
                                            for (int j = 0; j < nw; j++)
                                                cTile[(long)i * _n + j] = tail.Apply(
                                                    overwrite ? tile[i * nr + j] : cTile[(long)i * _n + j] + tile[i * nr + j], j);
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
                if (_form == GemmForm.Tn) PackRuns(_a + (long)pc * _m + ic + ir, _m, rows, mr, kc, dst);   // A stored (K, M)
                else PackLanes(_a + (long)(ic + ir) * _k + pc, _k, rows, mr, kc, dst);                  // A stored (M, K)
            }
        }

        // Columns jc..jc+nc of op(B), depth pc..pc+kc → panels of (kc, nr), zero-padded past the last column.
        private void PackB(float* dst, int nr, int jc, int nc, int pc, int kc)
        {
            for (int jr = 0; jr < nc; jr += nr, dst += nr * kc)
            {
                int cols = Math.Min(nr, nc - jr);
                if (_form == GemmForm.Nt) PackLanes(_b + (long)(jc + jr) * _k + pc, _k, cols, nr, kc, dst); // B stored (N, K)
                else PackRuns(_b + (long)pc * _n + jc + jr, _n, cols, nr, kc, dst);                       // B stored (K, N)
            }
        }
    }

    // A panel (kc, width) whose depth steps are contiguous runs in the source: step p is src[p·stride ..+valid].
    private static void PackRuns(float* src, long stride, int valid, int width, int kc, float* dst)
    {
        for (int p = 0; p < kc; p++, src += stride, dst += width)
        {
            if (valid == width)
            {
                Unsafe.CopyBlockUnaligned(dst, src, (uint)(width * sizeof(float)));
                continue;
            }
            int i = 0;
            for (; i < valid; i++) dst[i] = src[i];
            for (; i < width; i++) dst[i] = 0f;
        }
    }

    // A panel (kc, width) whose lanes are source rows read along their depth: lane i is src[i·stride ..+kc].
    // Full panels go through 8 × 8 transposes; the rest, and the depth tail, element by element.
    private static void PackLanes(float* src, long stride, int valid, int width, int kc, float* dst)
    {
        int p0 = 0;
        if (valid == width && width % 8 == 0 && Transpose.IsAccelerated)
        {
            for (; p0 + 8 <= kc; p0 += 8)
                for (int i = 0; i < width; i += 8)
                    Transpose.Block8x8(src + i * stride + p0, stride, dst + p0 * width + i, width);
        }
        for (int i = 0; i < width; i++)
        {
            float* lane = src + i * stride;
            for (int p = p0; p < kc; p++) dst[p * width + i] = i < valid ? lane[p] : 0f;
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

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

// Packed A and B panels, grown to the largest product seen and then reused.
internal sealed class PackBuffers
{
    private float[] _a = [], _b = [];

    public (float[] A, float[] B) Ensure(int aLength, int bLength)
    {
        if (_a.Length < aLength) _a = new float[aLength];
        if (_b.Length < bLength) _b = new float[bLength];
        return (_a, _b);
    }
}
