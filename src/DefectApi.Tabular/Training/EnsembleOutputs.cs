using DefectApi.NeuralNet;

namespace DefectApi.Tabular.Training;

/// <summary>Runs every network of the model and averages their outputs in the target's terms: probabilities for
/// classification (averaging probabilities, not logits, keeps each member's calibration), original units for
/// regression. The result is rows × Outputs, row-major.</summary>
internal static class EnsembleOutputs
{
    public static double[] Predict(IReadOnlyList<Network> networks, TargetSpec target, ReadOnlySpan<float> features, int rows)
    {
        int outputs = target.Outputs;
        var sum = new double[rows * outputs];
        var raw = new float[rows * outputs];
        var probabilities = new float[outputs];
        foreach (var network in networks)
        {
            network.Predict(features, rows, raw);
            Accumulate(raw, target, sum, probabilities);
        }
        for (int i = 0; i < sum.Length; i++) sum[i] /= networks.Count;
        return sum;
    }

    /// <summary>Adds one network's raw outputs (logits or standardised values), turned into the target's terms.</summary>
    public static void Accumulate(ReadOnlySpan<float> raw, TargetSpec target, Span<double> sum, Span<float> scratch)
    {
        int outputs = target.Outputs;
        int rows = raw.Length / outputs;
        for (int r = 0; r < rows; r++)
        {
            switch (target.Task)
            {
                case TargetSpec.Binary:
                    sum[r] += OutputFunctions.Sigmoid(raw[r]);
                    break;
                case TargetSpec.Regression:
                    sum[r] += raw[r] * target.Std + target.Mean;
                    break;
                default:
                    OutputFunctions.Softmax(raw.Slice(r * outputs, outputs), scratch);
                    for (int c = 0; c < outputs; c++) sum[r * outputs + c] += scratch[c];
                    break;
            }
        }
    }
}
