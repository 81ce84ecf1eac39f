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
            else pool.Run(pool.BackwardWork.Set(job), pool.Threads);
        }
    }

    internal readonly struct Job(float* dz, float* y, float* mask, float* db, int rows, int n, Activation activation, float yScale) : IPartitionedJob
    {
        public void RunPart(int part, int parts)
        {
            int blocks = (n + 15) / 16;
            int j0 = blocks * part / parts * 16, j1 = Math.Min(n, blocks * (part + 1) / parts * 16);
            if (j0 < j1) Columns(j0, j1);
        }

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
                ElementWise.ActivationBackward(g, new ReadOnlySpan<float>(y + offset, width), activation, yScale);
                ElementWise.Add(sum, g);
            }
        }
    }
}
