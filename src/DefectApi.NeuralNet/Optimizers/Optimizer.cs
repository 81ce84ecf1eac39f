using DefectApi.NeuralNet.Kernels;
using DefectApi.NeuralNet.Threading;

namespace DefectApi.NeuralNet.Optimizers;

// One update loop over the whole contiguous parameter array (p) and its gradient (g), split into
// 64-byte-aligned ranges across the pool's threads: every element's update is independent, so the
// split never changes a byte.
// Weight decay: L2 added to the gradient for Sgd/Momentum/Nesterov/Adam; decoupled for AdamW
// (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization"). It applies to every
// parameter, biases included, which keeps the update one uniform loop.
internal sealed class Optimizer : IParallelWork
{
    private const float Beta1 = 0.9f, Epsilon = 1e-8f;

    // Below this many parameters the update is cheaper than waking a worker.
    private const int ParallelThreshold = 1 << 15;

    private readonly OptimizerKind kind;
    private readonly float momentum, weightDecay, clipNorm, beta2;
    private readonly float[] first;   // velocity (momentum family) or Adam's first moment m
    private readonly float[] second;  // Adam's second moment v
    private readonly WorkerPool? pool;
    private long step;

    // The step being applied, read by Execute on every thread.
    private float[] p = [], g = [];
    private float learningRate, gradScale;

    public Optimizer(IOptimizerOptions options, int parameterCount, WorkerPool? pool = null)
    {
        kind = options.Optimizer;
        momentum = options.Momentum;
        weightDecay = options.WeightDecay;
        clipNorm = options.GradientClipNorm;
        beta2 = options.AdamBeta2;
        first = kind == OptimizerKind.Sgd ? [] : new float[parameterCount];
        second = kind is OptimizerKind.Adam or OptimizerKind.AdamW ? new float[parameterCount] : [];
        this.pool = pool;
    }

    public void Step(float[] parameters, float[] gradients, float rate)
    {
        step++;
        p = parameters;
        g = gradients;
        learningRate = rate;
        gradScale = clipNorm > 0f ? ClipScale(gradients, clipNorm) : 1f;
        if (pool is null || pool.Serial || parameters.Length < ParallelThreshold) Execute(0, 1);
        else pool.Run(this, pool.Threads);
    }

    public void Execute(int part, int parts)
    {
        int n = p.Length;
        int start = part == 0 ? 0 : (int)((long)n * part / parts) & ~15;
        int end = part == parts - 1 ? n : (int)((long)n * (part + 1) / parts) & ~15;
        if (start >= end) return;
        var pr = p.AsSpan(start, end - start);
        var gr = g.AsSpan(start, end - start);
        float l2 = kind == OptimizerKind.AdamW ? 0f : weightDecay;
        switch (kind)
        {
            case OptimizerKind.Sgd:
                OptimizerKernels.Sgd(pr, gr, learningRate, gradScale, l2);
                break;
            case OptimizerKind.Momentum:
            case OptimizerKind.Nesterov:
                // PyTorch's formulation: v = μv + g; Nesterov steps along g + μv instead of v.
                OptimizerKernels.Momentum(pr, gr, first.AsSpan(start, end - start), learningRate, gradScale, l2, momentum, kind == OptimizerKind.Nesterov);
                break;
            default:
                // Bias corrections (Kingma & Ba 2015, algorithm 1) folded into constants for this step.
                var k = new AdamStep(learningRate, gradScale, l2,
                    Decay: kind == OptimizerKind.AdamW ? 1f - learningRate * weightDecay : 1f,
                    C1: 1f / (1f - MathF.Pow(Beta1, step)), C2: 1f / (1f - MathF.Pow(beta2, step)), Beta1, beta2, Epsilon);
                OptimizerKernels.Adam(pr, gr, first.AsSpan(start, end - start), second.AsSpan(start, end - start), k);
                break;
        }
    }

    // Global-norm clipping (Pascanu et al. 2013): scale the whole gradient so its L2 norm is at most maxNorm.
    // Summed in index order in double, on one thread, so the scale never depends on the thread count.
    private static float ClipScale(ReadOnlySpan<float> g, float maxNorm)
    {
        double sum = 0;
        foreach (float v in g) sum += (double)v * v;
        double norm = Math.Sqrt(sum);
        return norm > maxNorm ? (float)(maxNorm / norm) : 1f;
    }
}
