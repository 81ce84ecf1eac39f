using DefectApi.Tabular.Targets;

namespace DefectApi.Tabular.Training;

/// <summary>Per-class sample weights against imbalance: w_c = (n / (K n_c))^Power, scaled so the average training
/// weight is 1. Power 1 is scikit-learn's "balanced"; a power below 1 tempers it so a 3 % defect class counts more
/// without the network's probabilities drifting far from the real rates.</summary>
internal sealed class ClassWeights(float[] weights)
{
    public const double Power = 0.5;

    public static ClassWeights? For(TargetSpec target, float[] trainTargets)
    {
        if (target.Task == TaskKind.Regression) return null;
        int classes = target.Classes!.Length;
        var counts = new int[classes];
        foreach (float t in trainTargets) counts[(int)t]++;
        var raw = counts.Select(c => c == 0 ? 0.0 : Math.Pow((double)trainTargets.Length / (classes * c), Power)).ToArray();
        double mean = trainTargets.Average(t => raw[(int)t]);
        return new ClassWeights(raw.Select(w => (float)(w / mean)).ToArray());
    }

    public float[] PerSample(float[] targets) => targets.Select(t => weights[(int)t]).ToArray();
}
