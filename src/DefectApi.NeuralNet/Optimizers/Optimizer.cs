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

    private readonly OptimizerKind _kind;
    private readonly float _momentum, _weightDecay, _clipNorm, _beta2;
    private readonly float[] _first;   // velocity (momentum family) or Adam's first moment m
    private readonly float[] _second;  // Adam's second moment v
    private readonly WorkerPool? _pool;
    private long _step;

    // The step being applied, read by Execute on every thread.
    private float[] _p = [], _g = [];
    private float _learningRate, _gradScale;

    public Optimizer(IOptimizerOptions options, int parameterCount, WorkerPool? pool = null)
    {
        _kind = options.Optimizer;
        _momentum = options.Momentum;
        _weightDecay = options.WeightDecay;
        _clipNorm = options.GradientClipNorm;
        _beta2 = options.AdamBeta2;
        _first = _kind == OptimizerKind.Sgd ? [] : new float[parameterCount];
        _second = _kind is OptimizerKind.Adam or OptimizerKind.AdamW ? new float[parameterCount] : [];
        _pool = pool;
    }

    public void Step(float[] parameters, float[] gradients, float rate)
    {
        _step++;
        _p = parameters;
        _g = gradients;
        _learningRate = rate;
        _gradScale = _clipNorm > 0f ? ClipScale(gradients, _clipNorm) : 1f;
        if (_pool is null || _pool.Serial || parameters.Length < ParallelThreshold) Execute(0, 1);
        else _pool.Run(this, _pool.Threads);
    }

    public void Execute(int part, int parts)
    {
        int n = _p.Length;
        int start = part == 0 ? 0 : (int)((long)n * part / parts) & ~15;
        int end = part == parts - 1 ? n : (int)((long)n * (part + 1) / parts) & ~15;
        if (start >= end) return;
        var pr = _p.AsSpan(start, end - start);
        var gr = _g.AsSpan(start, end - start);
        float l2 = _kind == OptimizerKind.AdamW ? 0f : _weightDecay;
        switch (_kind)
        {
            case OptimizerKind.Sgd:
                OptimizerKernels.Sgd(pr, gr, _learningRate, _gradScale, l2);
                break;
            case OptimizerKind.Momentum:
            case OptimizerKind.Nesterov:
                // PyTorch's formulation: v = μv + g; Nesterov steps along g + μv instead of v.
                OptimizerKernels.Momentum(pr, gr, _first.AsSpan(start, end - start), _learningRate, _gradScale, l2, _momentum,
                    _kind == OptimizerKind.Nesterov);
                break;
            default:
                // Bias corrections (Kingma & Ba 2015, algorithm 1) folded into constants for this step.
                var k = new AdamStep(_learningRate, _gradScale, l2,
                    Decay: _kind == OptimizerKind.AdamW ? 1f - _learningRate * _weightDecay : 1f,
                    C1: 1f / (1f - MathF.Pow(Beta1, _step)), C2: 1f / (1f - MathF.Pow(_beta2, _step)), Beta1, _beta2, Epsilon);
                OptimizerKernels.Adam(pr, gr, _first.AsSpan(start, end - start), _second.AsSpan(start, end - start), k);
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
