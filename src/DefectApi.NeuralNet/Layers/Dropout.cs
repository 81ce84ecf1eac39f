using DefectApi.NeuralNet.Kernels;
using DefectApi.NeuralNet.Randomness;

namespace DefectApi.NeuralNet.Layers;

// Inverted dropout (Srivastava et al. 2014, with the scaling moved to training time so inference
// is untouched): keep each unit with probability 1 - rate and scale the kept ones by 1 / (1 - rate).
internal static class Dropout
{
    // h is (B, Units) and is masked in place; mask receives 0 or 1 / (1 - rate) per element.
    public static void Forward(Span<float> h, Span<float> mask, float rate, ref Xoshiro256 rng)
    {
        float keep = 1f / (1f - rate);
        for (int i = 0; i < h.Length; i++)
        {
            float m = rng.NextFloat() >= rate ? keep : 0f;
            mask[i] = m;
            h[i] *= m;
        }
    }
}
