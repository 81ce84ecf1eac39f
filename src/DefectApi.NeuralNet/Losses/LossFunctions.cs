using DefectApi.NeuralNet.Specs;

namespace DefectApi.NeuralNet.Losses;

// The three losses on raw outputs. Each sample's loss is averaged over its outputs; a batch's loss
// is the weighted mean Σ wᵢ·lᵢ / Σ wᵢ (weights default to 1), and dz is the gradient of that mean.
internal static class LossFunctions
{
    // z is (B, O) logits; t is (B, O) for MSE and BCE, (B) class indices for softmax CE; w is (B) or empty.
    // Returns Σ wᵢ·lᵢ in double. When dz is not empty it receives wᵢ·∂lᵢ/∂z · gradScale, (B, O).
    // labelSmoothing ε (softmax CE only) trains against (1 − ε)·onehot + ε/K instead of the one-hot target.
    public static double Accumulate(LossKind kind, ReadOnlySpan<float> z, ReadOnlySpan<float> t, ReadOnlySpan<float> w,
        int rows, int outputs, Span<float> dz, float gradScale, float labelSmoothing = 0f)
    {
        bool grad = !dz.IsEmpty;
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            float weight = w.IsEmpty ? 1f : w[r];
            var zr = z.Slice(r * outputs, outputs);
            var dr = grad ? dz.Slice(r * outputs, outputs) : default;
            double loss = kind switch
            {
                LossKind.BinaryCrossEntropy => BinaryCrossEntropy(zr, t.Slice(r * outputs, outputs), dr),
                LossKind.SoftmaxCrossEntropy => SoftmaxCrossEntropy(zr, (int)t[r], dr, labelSmoothing),
                _ => MeanSquaredError(zr, t.Slice(r * outputs, outputs), dr),
            };
            total += weight * loss;
            if (grad)
            {
                float s = weight * gradScale;
                for (int j = 0; j < outputs; j++) dr[j] *= s;
            }
        }
        return total;
    }

    public static int TargetsPerRow(LossKind kind, int outputs) => kind == LossKind.SoftmaxCrossEntropy ? 1 : outputs;

    // l = (1/O) Σ (z - t)², dl/dz = 2 (z - t) / O.
    private static double MeanSquaredError(ReadOnlySpan<float> z, ReadOnlySpan<float> t, Span<float> dz)
    {
        double sum = 0;
        float scale = 2f / z.Length;
        for (int j = 0; j < z.Length; j++)
        {
            float e = z[j] - t[j];
            sum += (double)e * e;
            if (!dz.IsEmpty) dz[j] = scale * e;
        }
        return sum / z.Length;
    }

    // l = max(z, 0) - z·y + log(1 + exp(-|z|)), the form that cannot overflow; dl/dz = σ(z) - y.
    private static double BinaryCrossEntropy(ReadOnlySpan<float> z, ReadOnlySpan<float> t, Span<float> dz)
    {
        double sum = 0;
        for (int j = 0; j < z.Length; j++)
        {
            double zj = z[j];
            sum += Math.Max(zj, 0) - zj * t[j] + Math.Log(1 + Math.Exp(-Math.Abs(zj)));
            if (!dz.IsEmpty) dz[j] = (OutputFunctions.Sigmoid(z[j]) - t[j]) / z.Length;
        }
        return sum / z.Length;
    }

    // l = log Σ exp(z) - Σ qⱼ·zⱼ with the max subtracted first, q = (1 − ε)·onehot(c) + ε/K (Szegedy et al. 2016,
    // "Rethinking the Inception Architecture", §7); dl/dz = softmax(z) - q. With ε = 0 this is log Σ exp(z) - z[c].
    private static double SoftmaxCrossEntropy(ReadOnlySpan<float> z, int target, Span<float> dz, float smoothing)
    {
        float max = float.NegativeInfinity;
        foreach (float v in z) max = MathF.Max(max, v);
        double sum = 0;
        for (int j = 0; j < z.Length; j++) sum += Math.Exp(z[j] - max);
        double logSumExp = max + Math.Log(sum);
        float spread = smoothing / z.Length, hit = 1f - smoothing + spread;
        if (!dz.IsEmpty)
        {
            for (int j = 0; j < z.Length; j++) dz[j] = (float)(Math.Exp(z[j] - logSumExp)) - (j == target ? hit : spread);
        }
        if (smoothing == 0f) return logSumExp - z[target];
        double expected = 0;
        for (int j = 0; j < z.Length; j++) expected += (j == target ? hit : spread) * (double)z[j];
        return logSumExp - expected;
    }
}
