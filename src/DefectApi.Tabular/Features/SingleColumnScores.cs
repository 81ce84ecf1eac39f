using DefectApi.Tabular.Metrics;

namespace DefectApi.Tabular.Features;

/// <summary>
/// What one binned column predicts about the target on its own, out of fold: each row is scored by the target's rate
/// (classification) or mean (regression) in its bin among the rows of the other folds only. A bin's rate is the
/// m-estimate (n_c + m·prior) / (n + m) with m = <see cref="PriorWeight"/> (Cestnik 1990), so that a bin seen on a
/// handful of training rows does not claim certainty. Selecting and judging on different rows is what keeps many
/// small bins from looking perfect by chance.
/// </summary>
internal static class SingleColumnScores
{
    private const double PriorWeight = 2;

    /// <summary>A rule "this column's bin ⇒ class c" only counts bins that held at least this many training rows.</summary>
    private const int MinCandidateRows = 10;

    /// <summary>A bin becomes part of the rule when at least this share of its training rows is class c.</summary>
    private const double CandidateRate = 0.95;

    /// <param name="Class">the class the rule predicts</param>
    /// <param name="Rows">held-out rows that fell in the rule's bins</param>
    /// <param name="Hits">of those, rows of the class</param>
    /// <param name="ClassRows">every row of the class</param>
    public sealed record OneSidedRule(int Class, int Rows, int Hits, int ClassRows)
    {
        public double Precision => Rows == 0 ? 0 : (double)Hits / Rows;
        public double Coverage => ClassRows == 0 ? 0 : (double)Hits / ClassRows;
    }

    /// <param name="Auc">prevalence-weighted one-vs-rest AUC of the out-of-fold class rates (binary: the plain AUC)</param>
    /// <param name="Mcc">Matthews' correlation of the out-of-fold most likely class with the actual one</param>
    /// <param name="Rules">per class whose share of the rows is at most maxClassShare, the out-of-fold one-sided rule</param>
    public sealed record ClassScores(double Auc, double Mcc, IReadOnlyList<OneSidedRule> Rules);

    /// <param name="classOf">class index per labelled row (binary: 0 negative, 1 positive)</param>
    public static ClassScores Classification(ColumnBins bins, int[] folds, int foldCount, int[] classOf, int classes, double maxClassShare)
    {
        int b = bins.Count, k = classes, n = classOf.Length;
        var cell = new int[foldCount * b * k];
        var binClass = new int[b * k];
        var foldClass = new int[foldCount * k];
        for (int i = 0; i < n; i++)
        {
            cell[(folds[i] * b + bins.Bin[i]) * k + classOf[i]]++;
            binClass[bins.Bin[i] * k + classOf[i]]++;
            foldClass[folds[i] * k + classOf[i]]++;
        }
        var classRows = new int[k];
        for (int f = 0; f < foldCount; f++) for (int c = 0; c < k; c++) classRows[c] += foldClass[f * k + c];

        int TrainRows(int f, int bin, int c) => binClass[bin * k + c] - cell[(f * b + bin) * k + c];
        int TrainBinRows(int f, int bin)
        {
            int total = 0;
            for (int c = 0; c < k; c++) total += TrainRows(f, bin, c);
            return total;
        }

        double auc = 0;
        var scores = new double[n];
        var positive = new bool[n];
        var best = new double[n];
        var predicted = new int[n];
        for (int c = 0; c < k; c++)
        {
            for (int i = 0; i < n; i++)
            {
                int f = folds[i], bin = bins.Bin[i];
                int foldRows = 0;
                for (int cc = 0; cc < k; cc++) foldRows += foldClass[f * k + cc];
                double prior = (double)(classRows[c] - foldClass[f * k + c]) / Math.Max(1, n - foldRows);
                scores[i] = (TrainRows(f, bin, c) + PriorWeight * prior) / (TrainBinRows(f, bin) + PriorWeight);
                positive[i] = classOf[i] == c;
                if (c == 0 || scores[i] > best[i]) (best[i], predicted[i]) = (scores[i], c);
            }
            if (classRows[c] == 0 || classRows[c] == n || (k == 2 && c == 0)) continue;
            double weight = k == 2 ? 1 : (double)classRows[c] / n;
            auc += weight * BinaryMetrics.Auc(scores, positive);
        }
        double mcc = MatthewsCorrelation(classOf, predicted, k);

        var rules = new List<OneSidedRule>();
        for (int c = 0; c < k; c++)
        {
            if (classRows[c] == 0 || classRows[c] > maxClassShare * n) continue;
            int covered = 0, hits = 0;
            for (int f = 0; f < foldCount; f++)
                for (int bin = 0; bin < b; bin++)
                {
                    int trainRows = TrainBinRows(f, bin);
                    if (trainRows < MinCandidateRows || TrainRows(f, bin, c) < CandidateRate * trainRows) continue;
                    for (int cc = 0; cc < k; cc++) covered += cell[(f * b + bin) * k + cc];
                    hits += cell[(f * b + bin) * k + c];
                }
            rules.Add(new OneSidedRule(c, covered, hits, classRows[c]));
        }
        return new ClassScores(auc, mcc, rules);
    }

    /// <summary>Matthews' correlation of actual and predicted classes, in Gorodkin's K-class form (2004):
    /// (c·s − Σ pₖtₖ) / √((s² − Σ pₖ²)(s² − Σ tₖ²)), c correct, s rows, pₖ / tₖ rows predicted / actually k.
    /// For two classes it is the phi coefficient. 0 when either side has a single class.</summary>
    private static double MatthewsCorrelation(int[] actual, int[] predicted, int classes)
    {
        var p = new double[classes];
        var t = new double[classes];
        double correct = 0, s = actual.Length;
        for (int i = 0; i < actual.Length; i++)
        {
            p[predicted[i]]++;
            t[actual[i]]++;
            if (predicted[i] == actual[i]) correct++;
        }
        double pt = 0, pp = 0, tt = 0;
        for (int c = 0; c < classes; c++) { pt += p[c] * t[c]; pp += p[c] * p[c]; tt += t[c] * t[c]; }
        double denominator = Math.Sqrt((s * s - pp) * (s * s - tt));
        return denominator == 0 ? 0 : (correct * s - pt) / denominator;
    }

    /// <summary>Out-of-fold R² of the bin means: 1 − Σ(y − ŷ)² / Σ(y − ȳ)².</summary>
    public static double RegressionR2(ColumnBins bins, int[] folds, int foldCount, float[] targets)
    {
        int b = bins.Count, n = targets.Length;
        var cellRows = new int[foldCount * b];
        var cellSum = new double[foldCount * b];
        var binRows = new int[b];
        var binSum = new double[b];
        var foldRows = new int[foldCount];
        var foldSum = new double[foldCount];
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            int at = folds[i] * b + bins.Bin[i];
            cellRows[at]++;
            cellSum[at] += targets[i];
            binRows[bins.Bin[i]]++;
            binSum[bins.Bin[i]] += targets[i];
            foldRows[folds[i]]++;
            foldSum[folds[i]] += targets[i];
            total += targets[i];
        }
        double mean = total / n, residual = 0, spread = 0;
        for (int i = 0; i < n; i++)
        {
            int f = folds[i], at = f * b + bins.Bin[i];
            double prior = (total - foldSum[f]) / Math.Max(1, n - foldRows[f]);
            double trainRows = binRows[bins.Bin[i]] - cellRows[at];
            double estimate = (binSum[bins.Bin[i]] - cellSum[at] + PriorWeight * prior) / (trainRows + PriorWeight);
            residual += (targets[i] - estimate) * (targets[i] - estimate);
            spread += (targets[i] - mean) * (targets[i] - mean);
        }
        return spread == 0 ? 0 : 1 - residual / spread;
    }
}
