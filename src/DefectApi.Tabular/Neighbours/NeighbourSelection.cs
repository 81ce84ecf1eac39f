using DefectApi.Tabular.Metrics;
using DefectApi.Tabular.Targets;

namespace DefectApi.Tabular.Neighbours;

/// <summary>The neighbour count and blend weight that a job's out-of-fold predictions score best.</summary>
/// <param name="Loss">the chosen blend's out-of-fold loss (mean log loss, or mean squared error for regression)</param>
/// <param name="NetworksLoss">the networks' own out-of-fold loss, for comparison</param>
internal sealed record NeighbourChoice(int K, double Weight, double Loss, double NetworksLoss);

/// <summary>What a job's blend is chosen by on the out-of-fold rows.</summary>
public enum NeighbourCriterion
{
    /// <summary>The proper loss: mean log loss of the blended probabilities, mean squared error for regression.</summary>
    LogLoss,

    /// <summary>The figure users judge, as a loss: 1 − AUC (binary), the error rate (multiclass), the mean squared
    /// error (regression, the same ranking as R²).</summary>
    Metric,
}

internal static class NeighbourSelection
{
    /// <summary>The neighbour counts tried: from a local vote to a smooth one.</summary>
    public static readonly int[] Counts = [5, 10, 20, 50];

    /// <summary>Blend weights 0, 0.1, …, 1.</summary>
    public const int WeightSteps = 10;

    /// <summary>Probabilities are clipped here in the log loss, so one confident miss costs much, not everything.</summary>
    private const double SmallestProbability = 1e-15;

    /// <summary>Every (k, weight) pair on the out-of-fold rows, by the task's proper loss: log loss for
    /// classification (the blend mixes probabilities, and accuracy alone is coarse for ranking 40 blends on a thousand
    /// rows), mean squared error for regression; or by the task's headline metric (<see cref="NeighbourCriterion.Metric"/>). Weight 0
    /// (no neighbours) is the first candidate, and a later
    /// one must be strictly better, so ties keep the networks alone and, among blends, the fewer neighbours.</summary>
    /// <param name="networks">the networks' out-of-fold outputs, rows × outputs in the target's terms</param>
    /// <param name="votes">per entry of <paramref name="counts"/>, the neighbours' out-of-fold votes, same layout</param>
    /// <param name="actuals">per row: 0/1, the class index or the value</param>
    public static NeighbourChoice Choose(TargetSpec target, double[] networks, IReadOnlyList<double[]> votes,
        IReadOnlyList<int> counts, double[] actuals, NeighbourCriterion criterion = NeighbourCriterion.LogLoss)
    {
        if (criterion == NeighbourCriterion.Metric && target.Task == TaskKind.Multiclass)
            return ChooseBy((n, v, w) => ErrorRate(target.Outputs, n, v, w, actuals), networks, votes, counts);
        if (criterion == NeighbourCriterion.Metric && target.Task == TaskKind.Binary)
        {
            var positive = actuals.Select(a => a == 1).ToArray();
            return ChooseBy((n, v, w) =>
                1 - BinaryMetrics.Auc(n.Select((p, i) => Blend(p, v[i], w)).ToArray(), positive), networks, votes, counts);
        }
        return ChooseBy((n, v, w) => Loss(target, n, v, w, actuals), networks, votes, counts);
    }

    private static NeighbourChoice ChooseBy(Func<double[], double[], double, double> loss, double[] networks, IReadOnlyList<double[]> votes,
        IReadOnlyList<int> counts)
    {
        if (votes.Count != counts.Count || votes.Any(v => v.Length != networks.Length))
            throw new ArgumentException("Every neighbour count needs votes for every out-of-fold row.", nameof(votes));
        double networksLoss = loss(networks, networks, 0);
        var best = new NeighbourChoice(0, 0, networksLoss, networksLoss);
        for (int step = 1; step <= WeightSteps; step++)
        {
            double weight = (double)step / WeightSteps;
            for (int i = 0; i < counts.Count; i++)
            {
                double blended = loss(networks, votes[i], weight);
                if (blended < best.Loss) best = new NeighbourChoice(counts[i], weight, blended, networksLoss);
            }
        }
        return best;
    }

    /// <summary>The loss of (1 − weight) · networks + weight · votes, in the blend's own arithmetic.</summary>
    public static double Loss(TargetSpec target, double[] networks, double[] votes, double weight, double[] actuals)
    {
        int outputs = target.Outputs;
        double total = 0;
        for (int r = 0; r < actuals.Length; r++)
        {
            if (target.Task == TaskKind.Regression)
            {
                double error = Blend(networks[r], votes[r], weight) - actuals[r];
                total += error * error;
                continue;
            }
            double p = target.Task == TaskKind.Binary
                ? actuals[r] == 1 ? Blend(networks[r], votes[r], weight) : 1 - Blend(networks[r], votes[r], weight)
                : Blend(networks[r * outputs + (int)actuals[r]], votes[r * outputs + (int)actuals[r]], weight);
            total -= Math.Log(Math.Max(p, SmallestProbability));
        }
        return actuals.Length == 0 ? double.NaN : total / actuals.Length;
    }

    /// <summary>The share of rows whose most probable blended class (the first of equal ones) is not the actual.</summary>
    public static double ErrorRate(int classes, double[] networks, double[] votes, double weight, double[] actuals)
    {
        int wrong = 0;
        for (int r = 0; r < actuals.Length; r++)
        {
            int best = 0;
            for (int c = 1; c < classes; c++)
                if (Blend(networks[r * classes + c], votes[r * classes + c], weight) > Blend(networks[r * classes + best],
                    votes[r * classes + best], weight))
                    best = c;
            if (best != (int)actuals[r]) wrong++;
        }
        return actuals.Length == 0 ? double.NaN : (double)wrong / actuals.Length;
    }

    private static double Blend(double network, double vote, double weight) => (1 - weight) * network + weight * vote;
}
