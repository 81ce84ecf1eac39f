namespace DefectApi.NeuralNet.Tests.Kernels;

// The reference loops keep each kernel's order of operations: OptimizerKernels promises that an element's update
// is the same bits whichever of its loops (Vector512, Vector256, scalar) reaches it.
public class OptimizerKernelsTests
{
    private const float LearningRate = 0.003f, GradScale = 0.7f, L2 = 0.01f, Mu = 0.9f;

    private static readonly AdamStep Adam = new(LearningRate, GradScale, L2, Decay: 0.9995f,
        C1: 1f / (1f - MathF.Pow(0.9f, 3)), C2: 1f / (1f - MathF.Pow(0.999f, 3)), Beta1: 0.9f, Beta2: 0.999f, Epsilon: 1e-8f);

    internal static string? Sweep() =>
        ScalarTwin.AtEveryLength(Sgd) ?? ScalarTwin.AtEveryLength(n => Momentum(n, nesterov: false)) ??
        ScalarTwin.AtEveryLength(n => Momentum(n, nesterov: true)) ?? ScalarTwin.AtEveryLength(AdamUpdate);

    [Fact]
    public void SgdMatchesAScalarLoopAtEveryLength() => Assert.Null(ScalarTwin.AtEveryLength(Sgd));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MomentumMatchesAScalarLoopAtEveryLength(bool nesterov) => Assert.Null(ScalarTwin.AtEveryLength(n => Momentum(n, nesterov)));

    [Fact]
    public void AdamMatchesAScalarLoopAtEveryLength() => Assert.Null(ScalarTwin.AtEveryLength(AdamUpdate));

    // p -= lr · (s·g + l2·p)
    private static string? Sgd(int n)
    {
        var (p, g) = (ScalarTwin.Buffer(n, n), ScalarTwin.Buffer(n, n + 1000));
        var expected = (float[])p.Clone();
        for (int i = 0; i < n; i++) expected[i] = p[i] - LearningRate * (g[i] * GradScale + p[i] * L2);
        OptimizerKernels.Sgd(p.AsSpan(0, n), g.AsSpan(0, n), LearningRate, GradScale, L2);
        return ScalarTwin.FirstMismatch("Sgd", n, expected, p);
    }

    // gᵢ = s·g + l2·p; v = μ·v + gᵢ; p -= lr · (nesterov ? gᵢ + μ·v : v)
    private static string? Momentum(int n, bool nesterov)
    {
        var (p, g, v) = (ScalarTwin.Buffer(n, n), ScalarTwin.Buffer(n, n + 1000), ScalarTwin.Buffer(n, n + 2000));
        var (expectedP, expectedV) = ((float[])p.Clone(), (float[])v.Clone());
        for (int i = 0; i < n; i++)
        {
            float gi = g[i] * GradScale + p[i] * L2;
            float vi = v[i] * Mu + gi;
            expectedV[i] = vi;
            expectedP[i] = p[i] - LearningRate * (nesterov ? gi + vi * Mu : vi);
        }
        OptimizerKernels.Momentum(p.AsSpan(0, n), g.AsSpan(0, n), v.AsSpan(0, n), LearningRate, GradScale, L2, Mu, nesterov);
        string name = nesterov ? "Nesterov" : "Momentum";
        return ScalarTwin.FirstMismatch($"{name} p", n, expectedP, p) ?? ScalarTwin.FirstMismatch($"{name} v", n, expectedV, v);
    }

    // gᵢ = s·g + l2·p; m = β1·m + (1-β1)·gᵢ; v = β2·v + (1-β2)·gᵢ²; p = p·decay - lr·(m·c1) / (√(v·c2) + ε)
    private static string? AdamUpdate(int n)
    {
        var (p, g) = (ScalarTwin.Buffer(n, n), ScalarTwin.Buffer(n, n + 1000));
        var (m, v) = (ScalarTwin.Buffer(n, n + 2000), ScalarTwin.PositiveBuffer(n, n + 3000));
        var (expectedP, expectedM, expectedV) = ((float[])p.Clone(), (float[])m.Clone(), (float[])v.Clone());
        var k = Adam;
        for (int i = 0; i < n; i++)
        {
            float gi = g[i] * k.GradScale + p[i] * k.L2;
            float mi = m[i] * k.Beta1 + gi * (1f - k.Beta1);
            float vi = v[i] * k.Beta2 + gi * gi * (1f - k.Beta2);
            expectedM[i] = mi;
            expectedV[i] = vi;
            expectedP[i] = p[i] * k.Decay - mi * k.C1 * k.LearningRate / (MathF.Sqrt(vi * k.C2) + k.Epsilon);
        }
        OptimizerKernels.Adam(p.AsSpan(0, n), g.AsSpan(0, n), m.AsSpan(0, n), v.AsSpan(0, n), k);
        return ScalarTwin.FirstMismatch("Adam p", n, expectedP, p) ?? ScalarTwin.FirstMismatch("Adam m", n, expectedM, m) ??
               ScalarTwin.FirstMismatch("Adam v", n, expectedV, v);
    }
}
