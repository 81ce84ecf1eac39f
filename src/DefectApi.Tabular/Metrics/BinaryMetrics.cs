namespace DefectApi.Tabular.Metrics;

internal static class BinaryMetrics
{
    private const double ProbabilityClip = 1e-15;

    public static ModelMetrics Compute(ReadOnlySpan<double> probabilities, ReadOnlySpan<bool> positive, double threshold)
    {
        var counts = ConfusionAt(probabilities, positive, threshold);
        long total = counts.TruePositives + counts.FalsePositives + counts.FalseNegatives + counts.TrueNegatives;
        return new ModelMetrics
        {
            ["auc"] = Auc(probabilities, positive),
            ["prAuc"] = AveragePrecision(probabilities, positive),
            ["logLoss"] = LogLoss(probabilities, positive),
            ["accuracy"] = total == 0 ? 0 : (double)(counts.TruePositives + counts.TrueNegatives) / total,
            ["precision"] = counts.Precision,
            ["recall"] = counts.Recall,
            ["f1"] = counts.F1,
            // Rows actual, columns predicted, in Classes order (negative, positive).
            ["confusionMatrix"] = new[]
            {
                new[] { counts.TrueNegatives, counts.FalsePositives },
                new[] { counts.FalseNegatives, counts.TruePositives },
            },
            ["threshold"] = threshold,
        };
    }

    public readonly record struct Confusion(long TruePositives, long FalsePositives, long FalseNegatives, long TrueNegatives)
    {
        public double Precision => TruePositives + FalsePositives == 0 ? 0 : (double)TruePositives / (TruePositives + FalsePositives);
        public double Recall => TruePositives + FalseNegatives == 0 ? 0 : (double)TruePositives / (TruePositives + FalseNegatives);
        public double F1 => 2.0 * TruePositives + FalsePositives + FalseNegatives == 0
            ? 0 : 2.0 * TruePositives / (2.0 * TruePositives + FalsePositives + FalseNegatives);
    }

    /// <summary>A record is predicted positive when its probability is at least the threshold.</summary>
    public static Confusion ConfusionAt(ReadOnlySpan<double> probabilities, ReadOnlySpan<bool> positive, double threshold)
    {
        long tp = 0, fp = 0, fn = 0, tn = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            bool predicted = probabilities[i] >= threshold;
            if (positive[i]) { if (predicted) tp++; else fn++; }
            else if (predicted) fp++; else tn++;
        }
        return new Confusion(tp, fp, fn, tn);
    }

    /// <summary>Area under the ROC curve by the rank-sum (Mann–Whitney U) formula with average ranks for ties:
    /// AUC = (R⁺ − n⁺(n⁺+1)/2) / (n⁺ n⁻). 0.5 when one class is absent.</summary>
    public static double Auc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positive)
    {
        int n = scores.Length;
        var order = SortedAscending(scores);
        double positiveRankSum = 0;
        long positives = 0;
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) j++;
            double averageRank = (i + j) / 2.0 + 1;  // ranks are 1-based
            for (int k = i; k <= j; k++)
                if (positive[order[k]]) { positiveRankSum += averageRank; positives++; }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) return 0.5;
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    /// <summary>Average precision AP = Σₙ (Rₙ − Rₙ₋₁) Pₙ over the distinct thresholds from high to low (the
    /// step-wise area under the precision-recall curve, as scikit-learn's average_precision_score).</summary>
    public static double AveragePrecision(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positive)
    {
        long positives = 0;
        foreach (bool p in positive) if (p) positives++;
        if (positives == 0) return 0;
        var order = SortedAscending(scores);
        long tp = 0, fp = 0;
        double previousRecall = 0, area = 0;
        for (int i = order.Length - 1; i >= 0;)
        {
            int j = i;
            while (j - 1 >= 0 && scores[order[j - 1]] == scores[order[i]]) j--;
            for (int k = j; k <= i; k++) { if (positive[order[k]]) tp++; else fp++; }
            double recall = (double)tp / positives, precision = (double)tp / (tp + fp);
            area += (recall - previousRecall) * precision;
            previousRecall = recall;
            i = j - 1;
        }
        return area;
    }

    /// <summary>Mean of −[y ln p + (1−y) ln(1−p)], p clipped to [1e−15, 1 − 1e−15].</summary>
    public static double LogLoss(ReadOnlySpan<double> probabilities, ReadOnlySpan<bool> positive)
    {
        if (probabilities.Length == 0) return 0;
        double sum = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            double p = Math.Clamp(probabilities[i], ProbabilityClip, 1 - ProbabilityClip);
            sum -= positive[i] ? Math.Log(p) : Math.Log(1 - p);
        }
        return sum / probabilities.Length;
    }

    internal static int[] SortedAscending(ReadOnlySpan<double> scores)
    {
        var order = new int[scores.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var keys = scores.ToArray();
        Array.Sort(keys, order);
        return order;
    }
}
