namespace DefectApi.NeuralNet.Training;

// targets: MeanSquaredError → (Rows, Outputs); BinaryCrossEntropy → (Rows, 1) with 0/1;
// SoftmaxCrossEntropy → (Rows, 1) holding the class index as a float. SampleWeights optional, length Rows.
public sealed class TrainingSet
{
    public TrainingSet(float[] features, float[] targets, int rows, int inputs, float[]? sampleWeights = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        if (features.Length != (long)rows * inputs)
            throw new ArgumentException(
                $"Features hold {features.Length} values, expected rows × inputs = {(long)rows * inputs}.", nameof(features));
        if (rows > 0 && (targets.Length == 0 || targets.Length % rows != 0))
            throw new ArgumentException(
                $"Targets hold {targets.Length} values, not a whole number per row for {rows} rows.", nameof(targets));
        if (sampleWeights is not null)
        {
            if (sampleWeights.Length != rows)
                throw new ArgumentException($"Sample weights hold {sampleWeights.Length} values, expected {rows}.", nameof(sampleWeights));
            foreach (float w in sampleWeights)
                if (!(w >= 0f) || float.IsInfinity(w))
                    throw new ArgumentException("Sample weights must be finite and non-negative.", nameof(sampleWeights));
        }
        Features = features;
        Targets = targets;
        Rows = rows;
        Inputs = inputs;
        SampleWeights = sampleWeights;
    }

    public float[] Features { get; }
    public float[] Targets { get; }
    public int Rows { get; }
    public int Inputs { get; }
    public float[]? SampleWeights { get; }

    public int TargetsPerRow => Rows == 0 ? 0 : Targets.Length / Rows;
}
