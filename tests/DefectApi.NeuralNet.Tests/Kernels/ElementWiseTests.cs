namespace DefectApi.NeuralNet.Tests.Kernels;

public class ElementWiseTests
{
    // Every check here, for the child process that InstructionSetTests runs on the narrower paths.
    internal static string? Sweep() =>
        ScalarTwin.AtEveryLength(Add) ?? ScalarTwin.AtEveryLength(Multiply) ??
        Enum.GetValues<Activation>().Select(a => ScalarTwin.AtEveryLength(n => BiasActivate(n, a))).FirstOrDefault(f => f is not null);

    [Fact]
    public void AddMatchesAScalarLoopAtEveryLength() => Assert.Null(ScalarTwin.AtEveryLength(Add));

    [Fact]
    public void MultiplyMatchesAScalarLoopAtEveryLength() => Assert.Null(ScalarTwin.AtEveryLength(Multiply));

    [Theory]
    [InlineData(Activation.Linear)]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.LeakyRelu)]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Sigmoid)]
    public void BiasActivationMatchesAScalarLoopAtEveryLength(Activation activation)
        => Assert.Null(ScalarTwin.AtEveryLength(n => BiasActivate(n, activation)));

    private static string? Add(int n)
    {
        var (dst, src) = (ScalarTwin.Buffer(n, n), ScalarTwin.Buffer(n, n + 1000));
        var expected = (float[])dst.Clone();
        for (int i = 0; i < n; i++) expected[i] = dst[i] + src[i];
        ElementWise.Add(dst.AsSpan(0, n), src);
        return ScalarTwin.FirstMismatch("Add", n, expected, dst);
    }

    private static string? Multiply(int n)
    {
        var (dst, src) = (ScalarTwin.Buffer(n, n), ScalarTwin.Buffer(n, n + 1000));
        var expected = (float[])dst.Clone();
        for (int i = 0; i < n; i++) expected[i] = dst[i] * src[i];
        ElementWise.Multiply(dst.AsSpan(0, n), src);
        return ScalarTwin.FirstMismatch("Multiply", n, expected, dst);
    }

    private static string? BiasActivate(int n, Activation activation)
    {
        var (row, bias) = (ScalarTwin.Buffer(n, n), ScalarTwin.Buffer(n, n + 1000));
        var expected = (float[])row.Clone();
        for (int i = 0; i < n; i++)
        {
            float z = row[i] + bias[i];
            expected[i] = activation switch
            {
                Activation.Relu => z > 0f ? z : z * 0f,
                Activation.LeakyRelu => z > 0f ? z : z * 0.01f,
                Activation.Tanh => (float)Math.Tanh(z),
                Activation.Sigmoid => (float)(1 / (1 + Math.Exp(-z))),
                _ => z,
            };
        }
        ElementWise.BiasActivate(row.AsSpan(0, n), bias.AsSpan(0, n), activation);
        string name = $"BiasActivate {activation}";
        // tanh and sigmoid are MathF's, held to double within a few ulps; the ReLU family is exact.
        return activation is Activation.Tanh or Activation.Sigmoid
            ? ScalarTwin.FirstMismatch(name, n, expected, row, 1e-6f)
            : ScalarTwin.FirstMismatch(name, n, expected, row);
    }
}
