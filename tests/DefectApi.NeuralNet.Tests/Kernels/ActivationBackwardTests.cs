namespace DefectApi.NeuralNet.Tests.Kernels;

// One layer's backward sweep (mask, act', bias gradient) against plain loops, for every width 0..256 and each activation.
public class ActivationBackwardTests
{
    private const int Rows = 3;
    private const float Keep = 0.8f; // dropout's keep probability: y holds the kept outputs scaled by 1 / Keep

    internal static string? Sweep() =>
        (from activation in Enum.GetValues<Activation>()
         from masked in new[] { false, true }
         select ScalarTwin.AtEveryLength(n => Run(n, activation, masked))).FirstOrDefault(f => f is not null);

    public static TheoryData<Activation, bool> Cases()
    {
        var cases = new TheoryData<Activation, bool>();
        foreach (var activation in Enum.GetValues<Activation>())
        {
            cases.Add(activation, false);
            cases.Add(activation, true);
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BackwardSweepMatchesScalarLoopsAtEveryWidth(Activation activation, bool masked)
        => Assert.Null(ScalarTwin.AtEveryLength(n => Run(n, activation, masked)));

    private static string? Run(int n, Activation activation, bool masked)
    {
        var dz = ScalarTwin.Buffer(Rows * n, n);
        var y = Outputs(activation, Rows * n, n + 1000);
        var mask = masked ? ScalarTwin.Buffer(Rows * n, n + 2000).Select(v => v > -0.2f ? 1f / Keep : 0f).ToArray() : [];
        var db = ScalarTwin.Buffer(n, n + 3000);
        float yScale = masked ? Keep : 1f;

        var (expectedDz, expectedDb) = ((float[])dz.Clone(), (float[])db.Clone());
        for (int j = 0; j < n; j++)
        {
            float sum = 0f;
            for (int r = 0; r < Rows; r++)
            {
                int i = r * n + j;
                float g = masked ? dz[i] * mask[i] : dz[i];
                float output = y[i] * yScale;
                expectedDz[i] = activation switch
                {
                    Activation.Relu => g * (output > 0f ? 1f : 0f),
                    Activation.LeakyRelu => g * (output > 0f ? 1f : 0.01f),
                    Activation.Tanh => g * (1f - output * output),
                    Activation.Sigmoid => g * (output * (1f - output)),
                    _ => g,
                };
                sum += expectedDz[i];
            }
            expectedDb[j] = sum;
        }
        ActivationBackward.Run(dz.AsSpan(0, Rows * n), y, masked ? mask : default, Rows, n, activation, yScale,
            db.AsSpan(0, n), pool: null);
        string name = $"ActivationBackward {activation}{(masked ? " masked" : "")}";
        return ScalarTwin.FirstMismatch($"{name} dz", n, expectedDz, dz) ?? ScalarTwin.FirstMismatch($"{name} db", n, expectedDb, db);
    }

    // Outputs the activation can produce (sigmoid in (0, 1), tanh in (-1, 1)), with exact zeros for the ReLU family.
    private static float[] Outputs(Activation activation, int length, int seed)
    {
        var y = ScalarTwin.Buffer(length, seed);
        return activation switch
        {
            Activation.Relu => y.Select(v => MathF.Max(v, 0f)).ToArray(),
            Activation.Sigmoid => y.Select(v => 0.5f + 0.45f * v).ToArray(),
            _ => y,
        };
    }
}
