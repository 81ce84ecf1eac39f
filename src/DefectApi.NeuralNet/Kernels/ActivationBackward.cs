using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using DefectApi.NeuralNet.Specs;
using DefectApi.NeuralNet.Threading;

namespace DefectApi.NeuralNet.Kernels;

// The backward pass's element-wise work for one layer in a single sweep: dz = dy · mask · act'(y), and the
// bias gradient db = Σ_rows dz. Threads take blocks of 16 columns, and each column is summed over the rows
// in order, so the split never changes a byte.
internal static unsafe class ActivationBackward
{
    // Below this many elements the sweep is cheaper than waking a worker.
    private const int ParallelThreshold = 1 << 13;

    // dz is (B, N) holding dL/dy on entry and dL/dz on exit; y is (B, N), the layer's output scaled by
    // 1/yScale; mask is (B, N) or empty; db is (N).
    public static void Run(Span<float> dz, ReadOnlySpan<float> y, ReadOnlySpan<float> mask, int rows, int n,
        Activation activation, float yScale, Span<float> db, WorkerPool? pool)
    {
        if (dz.Length < rows * n || y.Length < rows * n || db.Length < n || (!mask.IsEmpty && mask.Length < rows * n))
            throw new ArgumentException("Buffers are shorter than rows × columns.");
        fixed (float* pdz = dz, py = y, pm = mask, pdb = db)
        {
            var job = new Job(pdz, py, mask.IsEmpty ? null : pm, pdb, rows, n, activation, yScale);
            if (pool is null || rows * n < ParallelThreshold) job.Columns(0, n);
            else pool.Run(pool.State(static _ => new PooledWork<Job>()).Set(job), pool.Threads);
        }
    }

    // dz and y are one row of the same length: dz *= act'(y · yScale). Every activation here has a derivative
    // that is a function of its output, so z itself need not be kept.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(Span<float> dz, ReadOnlySpan<float> y, Activation activation, float yScale)
    {
        if (activation == Activation.Linear) return;
        if (Activations.Slope(activation) is float slope)
        {
            // ReLU or LeakyReLU (linear returned above): the sign of y is the sign of z, and dropout's scale is
            // positive, so yScale is irrelevant.
            ElementWise.Apply(dz, y, new ReluFamilyBackward(slope));
            return;
        }
        ref float d = ref MemoryMarshal.GetReference(dz);
        ref float yy = ref MemoryMarshal.GetReference(y);
        for (int i = 0; i < dz.Length; i++) Unsafe.Add(ref d, i) *= Derivative(Unsafe.Add(ref yy, i) * yScale, activation);
    }

    // act'(z) written in terms of the output y = act(z), for tanh and sigmoid.
    private static float Derivative(float y, Activation activation) => activation == Activation.Tanh ? 1f - y * y : y * (1f - y);

    internal readonly struct Job(float* dz, float* y, float* mask, float* db, int rows, int n, Activation activation, float yScale)
        : IPartitionedJob
    {
        public void RunPart(int part, int parts)
        {
            int blocks = (n + 15) / 16;
            int j0 = blocks * part / parts * 16, j1 = Math.Min(n, blocks * (part + 1) / parts * 16);
            if (j0 < j1) Columns(j0, j1);
        }

        // AggressiveOptimization: the row passes are ElementWise steps, which cost nothing only once inlined (see IElementStep).
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Columns(int j0, int j1)
        {
            int width = j1 - j0;
            var sum = new Span<float>(db + j0, width);
            sum.Clear();
            for (int r = 0; r < rows; r++)
            {
                long offset = (long)r * n + j0;
                var g = new Span<float>(dz + offset, width);
                if (mask != null) ElementWise.Multiply(g, new ReadOnlySpan<float>(mask + offset, width));
                Row(g, new ReadOnlySpan<float>(y + offset, width), activation, yScale);
                ElementWise.Add(sum, g);
            }
        }
    }
}

// dz = y > 0 ? dz : slope·dz, as a compare and select: the ReLU family's backward taken from its output y.
internal readonly struct ReluFamilyBackward(float slope) : IInPlaceOp
{
    public Vector512<float> Apply(Vector512<float> dz, Vector512<float> y)
        => Vector512.ConditionalSelect(Vector512.GreaterThan(y, Vector512<float>.Zero), dz, dz * Vector512.Create(slope));

    public Vector256<float> Apply(Vector256<float> dz, Vector256<float> y)
        => Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<float>.Zero), dz, dz * Vector256.Create(slope));

    public float Apply(float dz, float y) => y > 0f ? dz : dz * slope;
}
