namespace DefectApi.NeuralNet.Optimizers;

// One update loop over the whole contiguous parameter array (p) and its gradient (g).
// Weight decay: L2 added to the gradient for Sgd/Momentum/Nesterov/Adam; decoupled for AdamW
// (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization"). It applies to every
// parameter, biases included, which keeps the update one uniform loop.
internal sealed class Optimizer
{
    private const float Beta1 = 0.9f, Beta2 = 0.999f, Epsilon = 1e-8f;

    private readonly OptimizerKind kind;
    private readonly float momentum, weightDecay, clipNorm;
    private readonly float[] first;   // velocity (momentum family) or Adam's first moment m
    private readonly float[] second;  // Adam's second moment v
    private long step;

    public Optimizer(TrainerOptions options, int parameterCount)
    {
        kind = options.Optimizer;
        momentum = options.Momentum;
        weightDecay = options.WeightDecay;
        clipNorm = options.GradientClipNorm;
        first = kind == OptimizerKind.Sgd ? [] : new float[parameterCount];
        second = kind is OptimizerKind.Adam or OptimizerKind.AdamW ? new float[parameterCount] : [];
    }

    public void Step(Span<float> p, Span<float> g, float learningRate)
    {
        step++;
        float gradScale = clipNorm > 0f ? ClipScale(g, clipNorm) : 1f;
        float l2 = kind == OptimizerKind.AdamW ? 0f : weightDecay;
        switch (kind)
        {
            case OptimizerKind.Sgd:
                for (int i = 0; i < p.Length; i++) p[i] -= learningRate * (g[i] * gradScale + l2 * p[i]);
                break;
            case OptimizerKind.Momentum:
            case OptimizerKind.Nesterov:
            {
                // PyTorch's formulation: v = μv + g; Nesterov steps along g + μv instead of v.
                bool nesterov = kind == OptimizerKind.Nesterov;
                var v = first.AsSpan(0, p.Length);
                for (int i = 0; i < p.Length; i++)
                {
                    float gi = g[i] * gradScale + l2 * p[i];
                    float vi = momentum * v[i] + gi;
                    v[i] = vi;
                    p[i] -= learningRate * (nesterov ? gi + momentum * vi : vi);
                }
                break;
            }
            default:
            {
                // Adam (Kingma & Ba 2015) with bias correction folded into the step size.
                var m = first.AsSpan(0, p.Length);
                var v = second.AsSpan(0, p.Length);
                float c1 = 1f / (1f - MathF.Pow(Beta1, step));
                float c2 = 1f / (1f - MathF.Pow(Beta2, step));
                float decay = kind == OptimizerKind.AdamW ? 1f - learningRate * weightDecay : 1f;
                for (int i = 0; i < p.Length; i++)
                {
                    float gi = g[i] * gradScale + l2 * p[i];
                    float mi = Beta1 * m[i] + (1f - Beta1) * gi;
                    float vi = Beta2 * v[i] + (1f - Beta2) * gi * gi;
                    m[i] = mi;
                    v[i] = vi;
                    p[i] = p[i] * decay - learningRate * (mi * c1) / (MathF.Sqrt(vi * c2) + Epsilon);
                }
                break;
            }
        }
    }

    // Global-norm clipping (Pascanu et al. 2013): scale the whole gradient so its L2 norm is at most maxNorm.
    private static float ClipScale(ReadOnlySpan<float> g, float maxNorm)
    {
        double sum = 0;
        foreach (float v in g) sum += (double)v * v;
        double norm = Math.Sqrt(sum);
        return norm > maxNorm ? (float)(maxNorm / norm) : 1f;
    }
}
