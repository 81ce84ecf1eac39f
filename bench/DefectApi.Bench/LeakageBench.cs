using DefectApi.Tabular.Training;

namespace DefectApi.Bench;

/// <summary>
/// Leak detection on the shared sample splits:
/// <code>
/// leakage [--data DIR] [--reps 3] [--scores] [--no-time]
/// </code>
/// First each split's columns with their own out-of-fold figures (AUC or R², and the most precise one-sided rule) and
/// whether they are flagged, to show how far the physical columns stay from the limits. Then the wall time of default
/// training with leakage "off" and "exclude", alternating, reps times per split, with the medians and their ratio.
/// AI4I is timed with its known leaks excluded by hand in both runs, so both train the same network on the same
/// columns and the difference is the detection's own cost.
/// </summary>
public static class LeakageBench
{
    private sealed record Split(string File, string Target, string[] Exclude);

    private static readonly Split[] Timed =
    [
        new("ai4i2020", "Machine failure", ["TWF", "HDF", "PWF", "OSF", "RNF"]),
        new("garments_worker_productivity", "actual_productivity", []),
        new("steel_plates_faults_labeled", "Fault", []),
    ];

    private static readonly string[] SteelFaults = ["Pastry", "Z_Scratch", "K_Scatch", "Stains", "Dirtiness", "Bumps", "Other_Faults"];

    public static int Run(string[] args)
    {
        var options = new BenchArgs(args);
        string data = options.Get("data") ?? Path.Combine("..", "shared", "datasets", "splits");
        int reps = options.Int("reps", 3);
        var scored = Timed.Select(s => s with { Exclude = [] })
            .Concat(SteelFaults.Select(f => new Split("steel_plates_faults", f, SteelFaults.Where(o => o != f).ToArray())))
            .Concat(SteelFaults.Select(f => new Split("steel_plates_faults", f, [])));
        foreach (var split in scored) Report(Load(data, split.File), split, args.Contains("--scores"));
        if (args.Contains("--no-time")) return 0;
        foreach (var split in Timed) Time(Load(data, split.File), split, reps);
        return 0;
    }

    private static TabularFrame Load(string data, string file) =>
        BenchFrames.FromCsv(File.ReadAllText(Path.Combine(data, $"{file}.train.csv")));

    private static void Report(TabularFrame frame, Split split, bool everyColumn)
    {
        var options = new TabularTrainingOptions { Target = split.Target, Exclude = split.Exclude };
        int targetColumn = frame.IndexOf(split.Target);
        var (target, rows, targets) = TargetResolver.Resolve(frame, targetColumn, options);
        var (columns, _) = ColumnSelection.Choose(frame.Columns, targetColumn, null, split.Exclude);
        var scores = new List<ColumnLeakScore>();
        var clock = Stopwatch.StartNew();
        var verdicts = LeakDetector.Detect(frame, targetColumn, columns, target, rows, targets, options.Seed, scores);
        double ms = clock.Elapsed.TotalMilliseconds;
        var unflagged = scores.Where(s => !s.Flagged).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"leaks split={split.File} target={split.Target} other_labels_excluded={split.Exclude.Length > 0} detect_ms={ms:F0} " +
            $"flagged=[{string.Join(",", verdicts.Select(v => frame.Columns[v.Column].Name))}] " +
            $"max_unflagged_overall={(unflagged.Count == 0 ? double.NaN : unflagged.Max(s => s.Overall)):F3} " +
            $"max_unflagged_mcc={(unflagged.Count == 0 ? double.NaN : unflagged.Max(s => s.Mcc)):F3} " +
            $"max_unflagged_rule_precision={(unflagged.Count == 0 ? 0 : unflagged.Max(s => s.BestRule?.Precision ?? 0)):F3}"));
        if (!everyColumn) return;
        foreach (var s in scores)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {s.Name}: overall={s.Overall:F3} mcc={s.Mcc:F3} rule_precision={s.BestRule?.Precision ?? double.NaN:F3} " +
                $"rule_rows={s.BestRule?.Rows ?? 0} " +
                $"rule_coverage={s.BestRule?.Coverage ?? double.NaN:F3} flagged={s.Flagged}"));
        foreach (var v in verdicts) Console.WriteLine($"  -> {frame.Columns[v.Column].Name}: {v.Detail}");
    }

    private static void Time(TabularFrame frame, Split split, int reps)
    {
        var seconds = new Dictionary<LeakagePolicy, List<double>> { [LeakagePolicy.Off] = [], [LeakagePolicy.Exclude] = [] };
        for (int r = 0; r < reps; r++)
            foreach (var policy in r % 2 == 0 ? new[] { LeakagePolicy.Off, LeakagePolicy.Exclude } : [LeakagePolicy.Exclude,
                LeakagePolicy.Off])
            {
                var options = new TabularTrainingOptions { Target = split.Target, Exclude = split.Exclude, Leakage = policy };
                var clock = Stopwatch.StartNew();
                TabularTrainer.Train(frame, options, null, default, default);
                seconds[policy].Add(clock.Elapsed.TotalSeconds);
            }
        double off = BenchArgs.Median(seconds[LeakagePolicy.Off]), exclude = BenchArgs.Median(seconds[LeakagePolicy.Exclude]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"leak_time split={split.File} reps={reps} off_median_s={off:F2} exclude_median_s={exclude:F2} ratio={exclude / off:F3} " +
            $"off=[{string.Join(",", seconds[LeakagePolicy.Off].Select(s => s.ToString("F2", CultureInfo.InvariantCulture)))}] " +
            $"exclude=[{string.Join(",", seconds[LeakagePolicy.Exclude].Select(s => s.ToString("F2", CultureInfo.InvariantCulture)))}]"));
    }
}
