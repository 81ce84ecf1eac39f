using DefectApi.Tabular.Training;

namespace DefectApi.Bench;

/// <summary>
/// Wall time of default training (only the target named) on generated line data with 10 numeric columns and a
/// nonlinear defect rule, at several row counts, with each size's seconds per 1,000 rows so that growth faster than
/// linear shows: <c>training-time [--rows 10000,30000,100000,1000000] [--columns 10]</c>.
/// </summary>
public static class TrainingTimeBench
{
    public static int Run(string[] args)
    {
        var options = new BenchArgs(args);
        int columns = options.Int("columns", 10);
        double? firstPerRow = null;
        foreach (int rows in options.Ints("rows", [10_000, 30_000, 100_000, 1_000_000]))
        {
            var frame = Generate(rows, columns);
            var clock = Stopwatch.StartNew();
            var outcome = TabularTrainer.Train(frame, new TabularTrainingOptions { Target = "defect" }, null, default, default);
            double seconds = clock.Elapsed.TotalSeconds, perRow = seconds / rows;
            firstPerRow ??= perRow;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"training_time rows={rows} columns={columns} train_s={seconds:F1} s_per_1000_rows={perRow * 1000:F3} " +
                $"vs_first_per_row={perRow / firstPerRow:F2} members={outcome.Artifact.Members.Count} epochs={outcome.History.Count} " +
                $"auc={(double)outcome.Artifact.Metrics["auc"]:F3}"));
        }
        return 0;
    }

    /// <summary>Defect when a sum of a threshold, a product and a curve over the first columns is high, plus noise;
    /// about one row in eight.</summary>
    private static TabularFrame Generate(int rows, int columns)
    {
        var random = new Random(11);
        var csv = new StringBuilder(rows * columns * 8);
        csv.AppendJoin(',', Enumerable.Range(0, columns).Select(c => $"x{c}")).Append(",defect\n");
        var x = new double[columns];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++) x[c] = random.NextDouble() * 4 - 2;
            double score = (x[0] > 1 ? 1.5 : 0) + x[1] * x[2] + Math.Sin(2 * x[3]) + 0.5 * random.NextDouble();
            for (int c = 0; c < columns; c++) csv.Append(x[c].ToString("F4", CultureInfo.InvariantCulture)).Append(',');
            csv.Append(score > 1.6 ? "NG" : "OK").Append('\n');
        }
        return BenchFrames.FromCsv(csv.ToString());
    }
}
