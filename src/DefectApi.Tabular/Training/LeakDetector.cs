using System.Globalization;
using DefectApi.Tabular.Features;
using DefectApi.Tabular.Frames;
using DefectApi.Tabular.Targets;
using DefectApi.Tabular.Training;

namespace DefectApi.Tabular.Training;

/// <summary>
/// Finds input columns that predict the target too well on their own to have been known before the outcome: failure
/// mode flags, inspection results, rework codes, fields filled in only after a defect. Each column is binned
/// (<see cref="ColumnBins"/>) and scored out of fold (<see cref="SingleColumnScores"/>), once by its values and once
/// by whether it is filled in at all. A column is a probable leak when, on its own, either
/// <list type="bullet">
/// <item>a one-sided rule holds on its levels (a flag, a code, filled or not): some levels say "class c" with
/// out-of-fold precision ≥ <see cref="RulePrecision"/> on at least <see cref="MinRuleRows"/> rows, for a class that is at
/// most <see cref="MaxClassShare"/> of the rows, and catch at least <see cref="MinRuleCoverage"/> of that class
/// ("HDF = 1 ⇒ failure", while HDF = 0 says little);</item>
/// <item>or it predicts the whole target: out-of-fold Matthews correlation ≥ <see cref="MccLimit"/> or AUC ≥
/// <see cref="AucLimit"/> (classification), R² ≥ <see cref="R2Limit"/> (regression).</item>
/// </list>
/// Why these limits. A flag recorded with the outcome has rule precision 1.00; a physical cause whose labels are 10 %
/// noise has about 0.90. A copy of a binary target with 2 % of rows flipped has a Matthews correlation of 0.93 to 0.95
/// at base rates of 15 to 30 % (0.78 at 4 %, where such noise is as large as the signal and no single-column test can
/// tell it from a real cause); a sharp physical threshold with 10 % noise has about 0.73. AUC alone would not do: every
/// Stains plate is 50 mm thick (steel plates), an AUC of 0.984 with a precision of 0.60. On the sample splits the
/// largest unflagged figures are a Matthews correlation of 0.83 (K_Scatch) and an AUC of 0.984 (bench `leakage`).
/// <para>A column is also flagged when it is a 0/1 flag in one unbroken block of 0/1 columns (the target may sit in it)
/// of which at least two and at least half are flagged: exports write an outcome's mode flags together (AI4I's TWF…RNF),
/// and a rare mode such as RNF has too few rows to show its own rule, though it is recorded with the others.</para>
/// </summary>
internal static class LeakDetector
{
    public const string Reason = "leak";
    private const int FoldCount = 5, ClassBins = 16, RegressionBins = 32, MinRuleRows = 20;
    private const double RulePrecision = 0.97, MinRuleCoverage = 0.05, MaxClassShare = 0.5, AucLimit = 0.995, MccLimit = 0.9,
        R2Limit = 0.98;

    /// <summary>Runs the detection for the options' policy: flagged columns leave <paramref name="columns"/> and join
    /// <paramref name="dropped"/> with reason "leak" (policy exclude), or stay (warn). Answers every finding.</summary>
    public static List<LeakFinding> Screen(TabularFrame frame, int targetColumn, List<int> columns, List<DroppedColumn> dropped,
        TargetSpec target, int[] rows, float[] targets, TabularTrainingOptions options)
    {
        if (options.Leakage == LeakagePolicy.Off) return [];
        bool exclude = options.Leakage == LeakagePolicy.Exclude;
        var verdicts = Detect(frame, targetColumn, columns, target, rows, targets, options.Seed);
        if (exclude && verdicts.Count == columns.Count)
            throw new TrainingDataException(
                $"Every feature column predicts '{options.Target}' too well on its own to be known before the outcome " +
                $"({string.Join(", ", verdicts.Select(v => $"'{frame.Columns[v.Column].Name}'"))}). Add columns measured before " +
                "the outcome, or train with leakage 'warn' to keep them.");
        var findings = new List<LeakFinding>();
        foreach (var verdict in verdicts)
        {
            string name = frame.Columns[verdict.Column].Name;
            findings.Add(new LeakFinding(name, verdict.Score, verdict.Detail, exclude));
            if (!exclude) continue;
            columns.Remove(verdict.Column);
            dropped.Add(new DroppedColumn(name, Reason, verdict.Score, verdict.Detail));
        }
        return findings;
    }

    /// <summary>Flagged columns, in column order. <paramref name="scores"/>, when given, receives every column's own
    /// figures (for the bench, which shows how far the unflagged columns stay from the limits).</summary>
    public static List<LeakVerdict> Detect(TabularFrame frame, int targetColumn, IReadOnlyList<int> columns, TargetSpec target,
        int[] rows, float[] targets, int seed, List<ColumnLeakScore>? scores = null)
    {
        bool regression = target.Task == TaskKind.Regression;
        var folds = ValidationSplit.Folds(targets, !regression, FoldCount, 1.0 / FoldCount, seed);
        int[] classOf = regression ? [] : targets.Select(t => (int)t).ToArray();
        int classes = regression ? 0 : target.Outputs == 1 ? 2 : target.Outputs;
        var verdicts = new List<LeakVerdict>();
        var binsOf = new Dictionary<int, ColumnBins>();
        var ownScore = new Dictionary<int, double>();
        foreach (int column in columns)
        {
            var bins = ColumnBins.Of(frame, column, rows, regression ? RegressionBins : ClassBins);
            binsOf[column] = bins;
            var judged = regression ? JudgeRegression(bins, folds, targets, target, frame.Columns[targetColumn].Name)
                : JudgeClasses(bins, folds, classOf, classes, target, frame.Columns[targetColumn].Name);
            ownScore[column] = judged.Score;
            scores?.Add(new ColumnLeakScore(frame.Columns[column].Name, judged.Overall, judged.Mcc, judged.BestRule,
                judged.Detail is not null));
            if (judged.Detail is not null) verdicts.Add(new LeakVerdict(column, judged.Score, judged.Detail));
        }
        verdicts.AddRange(FlagsBesideLeaks(frame, targetColumn, binsOf, verdicts, ownScore));
        verdicts.Sort((a, b) => a.Column.CompareTo(b.Column));
        return verdicts;
    }

    /// <param name="Score">the figure that flagged it (or the column's own AUC / R² when nothing did)</param>
    /// <param name="Detail">why it is flagged; null when it is not</param>
    /// <param name="Overall">its own AUC / R² by value</param>
    /// <param name="BestRule">the most precise one-sided rule with enough rows and coverage, by value or by filled-or-not</param>
    private sealed record Judgement(double Score, string? Detail, double Overall, SingleColumnScores.OneSidedRule? BestRule,
        double Mcc = 0);

    private static Judgement JudgeClasses(ColumnBins bins, int[] folds, int[] classOf, int classes, TargetSpec target, string name)
    {
        // One-sided rules are looked for on levels only (a flag, a code, filled or not): that is how a field recorded with
        // the outcome shows. A pure range of a measured quantity is how a physical cause shows (steel plates: every
        // plate on the longest conveyors is a K_Scatch), and a measured column is judged by its AUC alone.
        var byValue = SingleColumnScores.Classification(bins, folds, FoldCount, classOf, classes, bins.ValueLevels > 0 ? MaxClassShare : 0);
        var filled = bins.HasMissing
            ? SingleColumnScores.Classification(bins.FilledOrNot(), folds, FoldCount, classOf, classes, MaxClassShare) : null;
        var best = byValue.Rules.Concat(filled?.Rules ?? []).Where(r => r.Rows >= MinRuleRows && r.Coverage >= MinRuleCoverage)
            .MaxBy(r => r.Precision);
        // The filled-or-not pattern first: when it alone says it, that is the plainer reason to give.
        foreach (var (scores, how) in new[] { (filled, "whether it is filled in"), (byValue, "alone it") })
        {
            if (scores is null) continue;
            var rule = scores.Rules.Where(IsNearCertain).OrderByDescending(r => r.Hits).FirstOrDefault();
            if (rule is not null)
                return new(rule.Precision, $"{how} predicts {name} = {target.Classes![rule.Class]} with precision " +
                    $"{Format(rule.Precision, 2)} on {rule.Rows} rows: recorded with the outcome?", byValue.Auc, best, byValue.Mcc);
            if (scores.Mcc >= MccLimit)
                return new(scores.Mcc, $"{how} predicts {name} with out-of-fold Matthews correlation {Format(scores.Mcc, 2)}: " +
                    "recorded with the outcome?", byValue.Auc, best, byValue.Mcc);
            if (scores.Auc >= AucLimit)
                return new(scores.Auc, $"{how} predicts {name} with out-of-fold AUC {Format(scores.Auc, 3)}: recorded with the outcome?",
                    byValue.Auc, best, byValue.Mcc);
        }
        return new(byValue.Auc, null, byValue.Auc, best, byValue.Mcc);
    }

    private static bool IsNearCertain(SingleColumnScores.OneSidedRule rule) =>
        rule.Rows >= MinRuleRows && rule.Precision >= RulePrecision && rule.Coverage >= MinRuleCoverage;

    private static Judgement JudgeRegression(ColumnBins bins, int[] folds, float[] targets, TargetSpec target, string name)
    {
        double byValue = SingleColumnScores.RegressionR2(bins, folds, FoldCount, targets);
        if (byValue >= R2Limit)
            return new(byValue, $"alone it predicts {name} with out-of-fold R² {Format(byValue, 3)}: recorded with the outcome?",
                byValue, null);
        if (bins.HasMissing && SingleColumnScores.RegressionR2(bins.FilledOrNot(), folds, FoldCount, targets) is var filled
            && filled >= R2Limit)
            return new(filled, $"whether it is filled in predicts {name} with out-of-fold R² {Format(filled, 3)}: recorded with " +
                "the outcome?", byValue, null);
        return new(byValue, null, byValue, null);
    }

    /// <summary>The 0/1 flags that share an unbroken block of 0/1 columns (the target may be inside it) with flagged
    /// flags, when at least two and at least half of the block's flags are flagged.</summary>
    private static IEnumerable<LeakVerdict> FlagsBesideLeaks(TabularFrame frame, int targetColumn, Dictionary<int, ColumnBins> binsOf,
        List<LeakVerdict> verdicts, Dictionary<int, double> ownScore)
    {
        var flagged = verdicts.Select(v => v.Column).ToHashSet();
        var found = new List<LeakVerdict>();
        var block = new List<int>();
        for (int c = 0; c <= frame.Columns.Count; c++)
        {
            bool inBlock = c < frame.Columns.Count && (c == targetColumn || binsOf.TryGetValue(c, out var bins) && bins.IsFlag);
            if (inBlock) { if (c != targetColumn) block.Add(c); continue; }
            var leaks = block.Where(flagged.Contains).ToList();
            if (leaks.Count >= 2 && 2 * leaks.Count >= block.Count)
            {
                string names = string.Join(", ", leaks.Select(l => frame.Columns[l].Name));
                found.AddRange(block.Where(m => !flagged.Contains(m)).Select(m => new LeakVerdict(m, ownScore[m],
                    $"a 0/1 flag written in one block with the leaks {names}: recorded with the outcome?")));
            }
            block.Clear();
        }
        return found;
    }

    private static string Format(double value, int digits) => value.ToString("F" + digits, CultureInfo.InvariantCulture);
}

/// <param name="Column">the column's index in the frame</param>
internal sealed record LeakVerdict(int Column, double Score, string Detail);

/// <param name="Overall">out-of-fold AUC (classification) or R² (regression) of the column alone</param>
/// <param name="Mcc">classification: out-of-fold Matthews correlation of the column alone</param>
/// <param name="BestRule">its most precise one-sided rule that has enough rows and coverage, if any</param>
/// <param name="Flagged">flagged on its own (a flag beside leaks is flagged later, and not here)</param>
internal sealed record ColumnLeakScore(string Name, double Overall, double Mcc, SingleColumnScores.OneSidedRule? BestRule, bool Flagged);
