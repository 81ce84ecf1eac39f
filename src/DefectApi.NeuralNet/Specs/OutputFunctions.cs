namespace DefectApi.NeuralNet.Specs;

// Turning logits into probabilities, for callers of Predict.
public static class OutputFunctions
{
    // Never evaluates exp of a positive number, so it neither overflows nor returns NaN for finite input.
    public static float Sigmoid(float logit)
    {
        if (logit >= 0f) return 1f / (1f + MathF.Exp(-logit));
        float e = MathF.Exp(logit);
        return e / (1f + e);
    }

    // Subtracting the max first keeps every exp in (0, 1] (the log-sum-exp trick).
    public static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        if (probabilities.Length < logits.Length)
            throw new ArgumentException("Destination is shorter than the logits.", nameof(probabilities));
        if (logits.IsEmpty) return;
        float max = float.NegativeInfinity;
        foreach (float z in logits) max = MathF.Max(max, z);
        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            float e = MathF.Exp(logits[i] - max);
            probabilities[i] = e;
            sum += e;
        }
        float inv = (float)(1.0 / sum);
        for (int i = 0; i < logits.Length; i++) probabilities[i] *= inv;
    }
}
