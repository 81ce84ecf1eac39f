using DefectApi.NeuralNet;
using DefectApi.Tabular.Features;

namespace DefectApi.Tabular.Training;

/// <summary>One network of the model with the preprocessing fitted on its own training part.</summary>
internal sealed record EnsembleMember(FeaturePipeline Pipeline, Network Network);

/// <summary>Runs every member and averages their outputs in the target's terms: probabilities for classification
/// (averaging probabilities, not logits, keeps each member's calibration), original units for regression.
/// Results are rows × Outputs, row-major.</summary>
internal static class EnsembleOutputs
{
    /// <param name="cells">rows × inputs cells in the members' common input order</param>
    /// <param name="warnings">filled from the first member only, so a value warns once</param>
    public static double[] Predict(IReadOnlyList<EnsembleMember> members, TargetSpec target, ReadOnlySpan<CellValue> cells, int rows,
        List<string>?[]? warnings)
    {
        var sum = new double[rows * target.Outputs];
        for (int m = 0; m < members.Count; m++)
        {
            var features = Encode(members[m].Pipeline, cells, rows, m == 0 ? warnings : null);
            Accumulate(members[m].Network, target, features, rows, sum);
        }
        for (int i = 0; i < sum.Length; i++) sum[i] /= members.Count;
        return sum;
    }

    private static float[] Encode(FeaturePipeline pipeline, ReadOnlySpan<CellValue> cells, int rows, List<string>?[]? warnings)
    {
        int inputs = pipeline.Encoders.Count, width = pipeline.Width;
        var features = new float[rows * width];
        var scratch = new List<string>();
        for (int r = 0; r < rows; r++)
        {
            pipeline.EncodeRecord(cells.Slice(r * inputs, inputs), features.AsSpan(r * width, width), warnings is null ? null : scratch);
            if (scratch.Count == 0) continue;
            warnings![r] = [.. scratch];
            scratch.Clear();
        }
        return features;
    }

    /// <summary>Adds one network's outputs for already-encoded rows, turned into the target's terms.</summary>
    public static void Accumulate(Network network, TargetSpec target, ReadOnlySpan<float> features, int rows, Span<double> sum)
    {
        int outputs = target.Outputs;
        var raw = new float[rows * outputs];
        network.Predict(features, rows, raw);
        var probabilities = new float[outputs];
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
                    OutputFunctions.Softmax(raw.AsSpan(r * outputs, outputs), probabilities);
                    for (int c = 0; c < outputs; c++) sum[r * outputs + c] += probabilities[c];
                    break;
            }
        }
    }
}
