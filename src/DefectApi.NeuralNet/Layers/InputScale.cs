namespace DefectApi.NeuralNet.Layers;

// RealMLP's diagonal scaling layer (Holzmüller et al., NeurIPS 2024): x' = x ⊙ s before the first dense layer, s one
// learned factor per input, starting at 1, trained at 6 times the base learning rate (their scaling layer's factor),
// so the network can weigh its inputs before they mix. It exists during training only: at the end s is folded into
// the first layer's weights, (x ⊙ s)·W = x·(diag(s)·W), so a stored network has the same layers and format as ever.
internal static class InputScale
{
    public const float LearningRateFactor = 6f;

    // x and y are (B, In); s is (In).
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> s, int rows, Span<float> y)
    {
        int inputs = s.Length;
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * inputs, inputs);
            var yr = y.Slice(r * inputs, inputs);
            for (int j = 0; j < inputs; j++) yr[j] = xr[j] * s[j];
        }
    }

    // x is (B, In) the unscaled input, dy (B, In) the gradient at the scaled input; ds (In) = Σ_rows dy ⊙ x, summed in
    // row order so the result never depends on threads.
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, int rows, Span<float> ds)
    {
        int inputs = ds.Length;
        ds.Clear();
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * inputs, inputs);
            var dr = dy.Slice(r * inputs, inputs);
            for (int j = 0; j < inputs; j++) ds[j] += dr[j] * xr[j];
        }
    }

    // Multiplies row i of the first layer's W (In, Out) by s[i].
    public static void Fold(DenseLayer first, Span<float> parameters, ReadOnlySpan<float> s)
    {
        var w = parameters.Slice(first.WeightOffset, first.Inputs * first.Outputs);
        for (int i = 0; i < first.Inputs; i++)
        {
            var row = w.Slice(i * first.Outputs, first.Outputs);
            for (int o = 0; o < row.Length; o++) row[o] *= s[i];
        }
    }
}
