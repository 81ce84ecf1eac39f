using DefectApi.NeuralNet.Threading;

namespace DefectApi.NeuralNet.Tests.Kernels;

public class GemmTests
{
    private delegate void Product(float[] a, float[] b, float[] c, int m, int n, int k, GemmForm form, bool accumulate);

    // Every implementation the dispatcher can choose, each forced regardless of shape.
    private static readonly (string Name, Product Run)[] Implementations =
    [
        ("small", (a, b, c, m, n, k, f, acc) => GemmSmall.MatMul(a, b, c, m, n, k, f, acc)),
        ("packed avx512", (a, b, c, m, n, k, f, acc) => GemmPacked.MatMul(GemmPath.Avx512, a, b, c, m, n, k, f, acc, null)),
        ("packed avx2", (a, b, c, m, n, k, f, acc) => GemmPacked.MatMul(GemmPath.Avx2, a, b, c, m, n, k, f, acc, null)),
        ("packed scalar", (a, b, c, m, n, k, f, acc) => GemmPacked.MatMul(GemmPath.Scalar, a, b, c, m, n, k, f, acc, null)),
        ("dispatcher", (a, b, c, m, n, k, f, acc) => Gemm.MatMul(a, b, c, m, n, k, f, acc, null)),
    ];

    // Compares every implementation (or only the machine's best path) to MatMulNaive; returns the first mismatch.
    internal static string? Check(int m, int n, int k, GemmForm form, bool accumulate, bool bestPathOnly = false, WorkerPool? pool = null)
    {
        var a = Data.Uniform(m * k, m * 131 + k);
        var b = Data.Uniform(k * n, n * 17 + k);
        var start = Data.Uniform(m * n, m + n);
        var expected = (float[])start.Clone();
        Gemm.MatMulNaive(a, b, expected, m, n, k, form, accumulate);
        // Inputs are in [-1, 1): each product term is at most 1, so k·ε bounds the rounding difference.
        float tolerance = 2e-6f * (k + 1);
        IEnumerable<(string Name, Product Run)> implementations = bestPathOnly
            ? [("best path", (a, b, c, m, n, k, f, acc) => GemmPacked.MatMul(GemmPacked.BestPath, a, b, c, m, n, k, f, acc, pool))]
            : Implementations;
        foreach (var (name, run) in implementations)
        {
            var actual = (float[])start.Clone();
            run(a, b, actual, m, n, k, form, accumulate);
            for (int i = 0; i < expected.Length; i++)
                if (!(Math.Abs(expected[i] - actual[i]) <= tolerance))
                    return $"{name} {form} m={m} n={n} k={k} acc={accumulate}: C[{i}] = {actual[i]}, expected {expected[i]}";
        }
        return null;
    }

    // Every m and n in 1..67 at a few depths, then every depth 1..67 at a few (m, n): all tails of every tile size.
    internal static string? Sweep(bool bestPathOnly, int[]? depths = null)
    {
        foreach (var form in Enum.GetValues<GemmForm>())
        {
            foreach (int k in depths ?? [1, 7, 64])
                for (int m = 1; m <= 67; m++)
                    for (int n = 1; n <= 67; n++)
                        if (Check(m, n, k, form, accumulate: k == 7, bestPathOnly) is { } failure) return failure;
            foreach (var (m, n) in new[] { (1, 1), (5, 33), (17, 16), (31, 65) })
                for (int k = 1; k <= 67; k++)
                    if ((Check(m, n, k, form, accumulate: false, bestPathOnly) ?? Check(m, n, k, form, accumulate: true,
                        bestPathOnly)) is { } failure)
                        return failure;
        }
        return null;
    }

    public static TheoryData<int> Forms() => new(Enum.GetValues<GemmForm>().Select(f => (int)f)); // GemmForm is internal

    [Fact]
    public void EveryShapeUpTo67OnEachAxisMatchesNaiveOnEveryPath() => Assert.Null(Sweep(bestPathOnly: false));

    [Theory]
    [MemberData(nameof(Forms))]
    public void LargeShapesMatchNaiveOnEveryPath(int form)
    {
        Assert.Null(Check(256, 256, 256, (GemmForm)form, accumulate: false));
        Assert.Null(Check(300, 129, 517, (GemmForm)form, accumulate: true)); // crosses the depth block
        Assert.Null(Check(1, 700, 300, (GemmForm)form, accumulate: false));
        Assert.Null(Check(150, 2100, 3, (GemmForm)form, accumulate: false)); // crosses the column block
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void ThreadedProductIsByteIdenticalToSingleThreaded(int formValue)
    {
        var form = (GemmForm)formValue;
        using var pool = new WorkerPool(2);
        foreach (var (m, n, k) in new[] { (256, 256, 256), (33, 300, 200), (300, 40, 130), (129, 129, 64) })
        {
            var a = Data.Uniform(m * k, 1);
            var b = Data.Uniform(k * n, 2);
            float[] one = new float[m * n], two = new float[m * n];
            Gemm.MatMul(a, b, one, m, n, k, form, accumulate: false, pool: null);
            Gemm.MatMul(a, b, two, m, n, k, form, accumulate: false, pool);
            Assert.Equal(Data.Bytes(one), Data.Bytes(two));
            Assert.Null(Check(m, n, k, form, accumulate: true, bestPathOnly: true, pool));
        }
    }

    [Theory]
    [InlineData(0f)]     // ReLU
    [InlineData(0.01f)]  // LeakyReLU
    [InlineData(1f)]     // linear
    public void FusedBiasAndActivationMatchNaiveFollowedByTheActivationOnEveryPath(float slope)
    {
        foreach (var path in Enum.GetValues<GemmPath>())
        {
            foreach (var (m, n, k) in new[] { (8, 32, 5), (13, 45, 300), (67, 67, 64), (4, 8, 4) })
            {
                var x = Data.Uniform(m * k, m);
                var w = Data.Uniform(k * n, n);
                var bias = Data.Uniform(n, k);
                var expected = new float[m * n];
                var actual = new float[m * n];
                Gemm.MatMulNaive(x, w, expected, m, n, k, GemmForm.Nn, accumulate: false);
                for (int i = 0; i < expected.Length; i++)
                {
                    float z = expected[i] + bias[i % n];
                    expected[i] = z > 0 ? z : slope * z;
                }
                GemmPacked.MatMul(path, x, w, actual, m, n, k, GemmForm.Nn, accumulate: false, bias, slope, pool: null);
                for (int i = 0; i < expected.Length; i++)
                    Assert.True(Math.Abs(expected[i] - actual[i]) <= 2e-6f * (k + 1), $"{path} m={m} n={n} k={k}: C[{i}] = {actual[i]}, " +
                        $"expected {expected[i]}");
            }
        }
    }

    [Fact]
    public void ZeroDepthClearsOrKeepsTheOutput()
    {
        var c = new float[] { 1, 2 };
        Gemm.MatMul([], [], c, 1, 2, 0, GemmForm.Nn, accumulate: true, null);
        Assert.Equal([1f, 2f], c);
        Gemm.MatMul([], [], c, 1, 2, 0, GemmForm.Nn, accumulate: false, null);
        Assert.Equal([0f, 0f], c);
    }

    [Fact]
    public void ShortBuffersAreRefused()
        => Assert.Throws<ArgumentException>(() => Gemm.MatMul(new float[5], new float[6], new float[4], 2, 2, 3, GemmForm.Nn, false, null));
}
