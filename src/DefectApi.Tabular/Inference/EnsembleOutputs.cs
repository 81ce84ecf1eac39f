using DefectApi.NeuralNet.Networks;
using DefectApi.NeuralNet.Specs;
using DefectApi.Tabular.Features;
using DefectApi.Tabular.Frames;
using DefectApi.Tabular.Targets;

namespace DefectApi.Tabular.Inference;

/// <summary>Runs every member and averages their outputs in the target's terms: probabilities for classification
/// (averaging probabilities, not logits, keeps each member's calibration), original units for regression.
/// Results are rows × Outputs, row-major.</summary>
internal static class EnsembleOutputs
{
    // Per-thread scratch: scoring a record allocates nothing once a thread has scored one as wide.
    [ThreadStatic] private static float[]? _threadFeatures;
    [ThreadStatic] private static float[]? _threadRaw;
    [ThreadStatic] private static float[]? _threadProbabilities;
    [ThreadStatic] private static List<string>? _threadWarnings;

    /// <param name="cells">rows × inputs cells in the members' common input order</param>
    /// <param name="warnings">filled from the first member only, so a value warns once</param>
    public static double[] Predict(Ensemble members, TargetSpec target, ReadOnlySpan<CellValue> cells, int rows, List<string>?[]? warnings)
    {
        var sum = new double[rows * target.Outputs];
        PredictInto(members, target, cells, rows, warnings, sum);
        return sum;
    }

    /// <summary>As Predict, into <paramref name="result"/> (rows × Outputs): the model's part of a prediction, which
    /// allocates nothing but the warnings it reports.</summary>
    public static void PredictInto(Ensemble members, TargetSpec target, ReadOnlySpan<CellValue> cells, int rows,
        List<string>?[]? warnings, Span<double> result)
    {
        var sum = result[..(rows * target.Outputs)];
        sum.Clear();
        ReadOnlySpan<float> features = default;
        if (members.Packed is { } packed)
        {
            // One encoding, one pass of all networks, then each member's outputs in the target's terms.
            features = Encode(members.SharedPipeline!, cells, rows, warnings);
            int block = rows * target.Outputs;
            var raw = Rent(ref _threadRaw, members.Count * block).AsSpan(0, members.Count * block);
            packed.Predict(features, rows, raw);
            for (int m = 0; m < members.Count; m++) AddInTargetTerms(target, raw.Slice(m * block, block), rows, sum);
        }
        else
        {
            for (int m = 0; m < members.Count; m++)
            {
                features = Encode(members[m].Pipeline, cells, rows, m == 0 ? warnings : null);
                Accumulate(members[m].Network, target, features, rows, sum);
            }
        }
        for (int i = 0; i < sum.Length; i++) sum[i] /= members.Count;
        // With neighbours every member shares one preprocessing, so the last encoding is the one they all read.
        members.Neighbours?.BlendInto(features, members.SharedPipeline!.Width, rows, sum);
    }

    /// <summary>A thread's scratch of at least <paramref name="length"/>; a batch larger than KeptFloats gets its own
    /// array, so a thread does not keep a large batch's memory for ever.</summary>
    private static float[] Rent(ref float[]? buffer, int length)
    {
        const int KeptFloats = 1 << 18;
        if (length > KeptFloats) return new float[length];
        if (buffer is null || buffer.Length < length) buffer = new float[Math.Max(length, 64)];
        return buffer;
    }

    private static ReadOnlySpan<float> Encode(FeaturePipeline pipeline, ReadOnlySpan<CellValue> cells, int rows, List<string>?[]? warnings)
    {
        int inputs = pipeline.Encoders.Count, width = pipeline.Width;
        var features = Rent(ref _threadFeatures, rows * width).AsSpan(0, rows * width);
        var scratch = warnings is null ? null : _threadWarnings ??= [];
        for (int r = 0; r < rows; r++)
        {
            pipeline.EncodeRecord(cells.Slice(r * inputs, inputs), features.Slice(r * width, width), scratch);
            if (scratch is not { Count: > 0 }) continue;
            warnings![r] = [.. scratch];
            scratch.Clear();
        }
        return features;
    }

    /// <summary>Adds one network's outputs for already-encoded rows, turned into the target's terms.</summary>
    public static void Accumulate(Network network, TargetSpec target, ReadOnlySpan<float> features, int rows, Span<double> sum)
    {
        var raw = Rent(ref _threadRaw, rows * target.Outputs).AsSpan(0, rows * target.Outputs);
        network.Predict(features, rows, raw);
        AddInTargetTerms(target, raw, rows, sum);
    }

    /// <summary>Adds one network's raw outputs (rows × Outputs) as probabilities or values in the target's unit.</summary>
    private static void AddInTargetTerms(TargetSpec target, ReadOnlySpan<float> raw, int rows, Span<double> sum)
    {
        int outputs = target.Outputs;
        var probabilities = Rent(ref _threadProbabilities, outputs).AsSpan(0, outputs);
        for (int r = 0; r < rows; r++)
        {
            switch (target.Task)
            {
                case TaskKind.Binary:
                    sum[r] += OutputFunctions.Sigmoid(raw[r]);
                    break;
                case TaskKind.Regression:
                    sum[r] += raw[r] * target.Std + target.Mean;
                    break;
                default:
                    OutputFunctions.Softmax(raw.Slice(r * outputs, outputs), probabilities);
                    for (int c = 0; c < outputs; c++) sum[r * outputs + c] += probabilities[c];
                    break;
            }
        }
    }
}
