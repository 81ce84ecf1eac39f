using DefectApi.NeuralNet.Kernels;
using DefectApi.NeuralNet.Tests.Support;

namespace DefectApi.NeuralNet.Tests.Kernels;

public class GemmTests
{
    internal static void AssertMatchesNaive(int m, int n, int k, GemmForm form, bool accumulate, WorkerPool? pool = null)
    {
        var a = Data.Uniform(m * k, m * 131 + k);
        var b = Data.Uniform(k * n, n * 17 + k);
        var expected = Data.Uniform(m * n, m + n);
        var actual = (float[])expected.Clone();
        Gemm.MatMulNaive(a, b, expected, m, n, k, form, accumulate);
        Gemm.MatMul(a, b, actual, m, n, k, form, accumulate, pool);
        // Inputs are in [-1, 1): each product term is at most 1, so k·ε bounds the rounding difference.
        float tolerance = 2e-6f * (k + 1);
        for (int i = 0; i < expected.Length; i++)
            if (Math.Abs(expected[i] - actual[i]) > tolerance)
                Assert.Fail($"{form} m={m} n={n} k={k} acc={accumulate}: C[{i}] = {actual[i]}, expected {expected[i]}");
    }

    // xunit needs public parameter types, and GemmForm is internal: the theories take its value.
    public static TheoryData<int> Forms() => new(Enum.GetValues<GemmForm>().Select(f => (int)f));

    [Theory]
    [MemberData(nameof(Forms))]
    public void EveryRowAndColumnCountUpTo67MatchesNaive(int formValue)
    {
        var form = (GemmForm)formValue;
        foreach (int k in new[] { 1, 7, 64 })
            for (int m = 1; m <= 67; m++)
                for (int n = 1; n <= 67; n++)
                    AssertMatchesNaive(m, n, k, form, accumulate: false);
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void EveryDepthUpTo67MatchesNaive(int formValue)
    {
        var form = (GemmForm)formValue;
        foreach (var (m, n) in new[] { (1, 1), (5, 33), (17, 16), (31, 65) })
            for (int k = 1; k <= 67; k++)
            {
                AssertMatchesNaive(m, n, k, form, accumulate: false);
                AssertMatchesNaive(m, n, k, form, accumulate: true);
            }
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void LargeShapesMatchNaive(int formValue)
    {
        var form = (GemmForm)formValue;
        AssertMatchesNaive(256, 256, 256, form, accumulate: false);
        AssertMatchesNaive(300, 129, 517, form, accumulate: true);
        AssertMatchesNaive(1, 700, 300, form, accumulate: false);
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
