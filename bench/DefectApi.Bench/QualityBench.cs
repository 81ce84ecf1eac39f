using DefectApi.Tabular.Metrics;
using DefectApi.Tabular.Targets;
using DefectApi.Tabular.Training;

namespace DefectApi.Bench;

/// <summary>
/// How good the default training is, per split: the K-fold cross-validated metric on the train split (each fold's
/// rows scored by a model trained, with the whole default procedure, on the other folds), repeated with differently
/// seeded folds (`--repeats`), as the mean ± standard error over every fold of every repeat; the test metric of a
/// model trained on the whole train split, the best peer's figure on that test split, and the wall time of that
/// training. Defaults are tuned on the cross-validated figure only (`--no-test` leaves the test split alone).
/// With `--set neighbours=true` every fold's model is also scored without its neighbour component (the same
/// networks), so before and after come from one run, with the paired difference ± its standard error, and the full
/// training is timed both ways.
/// <code>
/// quality [--data DIR] [--only NAME] [--folds 5] [--repeats 1] [--no-test] [--set name=value ...]
/// quality --train F --test F --target T [--exclude A B ...] [--folds 5] [--repeats 1] [--no-test] [--set name=value ...]
/// </code>
/// Settings for tuning: hiddenLayers=128x64, dropout, l2, learningRate, batchSize, epochs, patience, ensemble, seed,
/// numericBins, labelSmoothing, schedule=constant|step|cosine|cosLog4, adamBeta2, robustScaling=true|false, inputScaling=true|false,
/// classWeights=true|false, activation, optimizer, threads, neighbours=true|false, packedMembers (TabM's k; 0 = off),
/// neighbourSpace=encoded|quantiles, neighbourCriterion=logLoss|metric.
/// </summary>
public static class QualityBench
{
    /// <summary>The shared splits, their targets as e2e.py is run on them, and the best peer's test figure on each
    /// (ML.NET LightGbm / FastTree defaults, as measured for issue 15).</summary>
    private static readonly Split[] Splits =
    [
        new("ai4i2020", "Machine failure", ["UDI", "Product ID", "TWF", "HDF", "PWF", "OSF", "RNF"], "LightGbm", 0.965),
        new("garments_worker_productivity", "actual_productivity", [], "FastTree", 0.459),
        new("steel_plates_faults_labeled", "Fault", [], "LightGbm", 0.812),
    ];

    private sealed record Split(string Name, string Target, string[] Exclude, string? Peer, double? PeerValue);

    public static int Run(string[] args)
    {
        string data = Path.Combine("..", "shared", "datasets", "splits");
        string? trainPath = null, testPath = null, target = null, only = null;
        var exclude = new List<string>();
        var settings = new List<string>();
        int folds = 5, repeats = 1;
        bool scoreTest = true;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--data": data = args[++i]; break;
                case "--only": only = args[++i]; break;
                case "--train": trainPath = args[++i]; break;
                case "--test": testPath = args[++i]; break;
                case "--target": target = args[++i]; break;
                case "--exclude":
                    while (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                        exclude.Add(args[++i]); break;
                case "--set": settings.Add(args[++i]); break;
                case "--folds": folds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--repeats": repeats = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--no-test": scoreTest = false; break;
                default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
            }
        }

        if (trainPath is not null)
        {
            if (target is null) { Console.Error.WriteLine("--train needs --target"); return 2; }
            string name = Path.GetFileName(trainPath).Split('.')[0];
            Measure(new Split(name, target, [.. exclude], null, null), trainPath, scoreTest ? testPath : null, settings, folds, repeats);
            return 0;
        }
        foreach (var split in Splits.Where(s => only is null || s.Name.StartsWith(only, StringComparison.OrdinalIgnoreCase)))
            Measure(split, Path.Combine(data, $"{split.Name}.train.csv"), scoreTest ? Path.Combine(data, $"{split.Name}.test.csv") : null,
                settings, folds, repeats);
        return 0;
    }

    private static void Measure(Split split, string trainPath, string? testPath, List<string> settings, int folds, int repeats)
    {
        var options = settings.Aggregate(new TabularTrainingOptions { Target = split.Target, Exclude = split.Exclude }, Apply);
        var lines = File.ReadAllLines(trainPath);
        string metric = "";
        var cv = new List<double>();
        var networksOnly = new List<double>();
        var chosen = new List<string>();
        for (int repeat = 0; repeat < repeats; repeat++)
        {
            foreach (var (fit, held) in Folds(lines, folds, FoldSeed + repeat))
            {
                var model = TabularTrainer.Train(Frame(fit), options, null, CancellationToken.None, CancellationToken.None).Artifact;
                var heldFrame = Frame(held);
                (metric, double value) = Score(model, heldFrame);
                cv.Add(value);
                if (!options.Neighbours) continue;
                networksOnly.Add(Score(model.WithoutNeighbours(), heldFrame).Value);
                chosen.Add(model.Members.Neighbours is { } n ? string.Create(CultureInfo.InvariantCulture, $"{n.K}:{n.Weight:F1}") : "0");
            }
        }
        var line = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"quality dataset={split.Name} metric={metric} cv_folds={folds} cv_repeats={repeats} cv_mean={cv.Average():F4} " +
            $"cv_se={StandardError(cv):F4}"));
        if (options.Neighbours)
        {
            var differences = cv.Zip(networksOnly, (with, without) => with - without).ToList();
            line.Append(CultureInfo.InvariantCulture,
                $" networks_cv_mean={networksOnly.Average():F4} networks_cv_se={StandardError(networksOnly):F4}" +
                $" paired_diff={differences.Average():+0.0000;-0.0000} paired_se={StandardError(differences):F4} " +
                $"chosen_k_weight={string.Join(',', chosen)}");
        }
        if (testPath is not null)
        {
            var (model, seconds, cpu) = TimedTraining(Frame(lines), options);
            var testFrame = Frame(File.ReadAllLines(testPath));
            var (_, test) = Score(model, testFrame);
            line.Append(CultureInfo.InvariantCulture, $" test={test:F4} train_s={seconds:F1} train_cpu_s={cpu:F1} " +
                $"predict_one_us={OneRecordMicroseconds(model, testFrame):F0}");
            if (options.Neighbours)
            {
                (_, seconds, cpu) = TimedTraining(Frame(lines), options with { Neighbours = false });
                line.Append(CultureInfo.InvariantCulture,
                    $" networks_test={Score(model.WithoutNeighbours(), testFrame).Value:F4} networks_train_s={seconds:F1} " +
                    $"networks_train_cpu_s={cpu:F1}" +
                    $" networks_predict_one_us={OneRecordMicroseconds(model.WithoutNeighbours(), testFrame):F0}");
            }
        }
        if (split.Peer is not null) line.Append(CultureInfo.InvariantCulture, $" peer={split.Peer} peer_test={split.PeerValue:F3}");
        Console.WriteLine(line);
    }

    /// <summary>A training's wall time and the process's CPU time during it: on a shared machine the wall time moves
    /// with the neighbours' load, the CPU time much less.</summary>
    private static (ModelArtifact Model, double Seconds, double CpuSeconds) TimedTraining(TabularFrame frame,
        TabularTrainingOptions options)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var model = TabularTrainer.Train(frame, options, null, CancellationToken.None, CancellationToken.None).Artifact;
        return (model, clock.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
    }

    /// <summary>Median time of a one-record Predict call (checks, encoding, networks, neighbours) over the test rows,
    /// each scored 5 times after one warm-up pass.</summary>
    private static double OneRecordMicroseconds(ModelArtifact model, TabularFrame test)
    {
        var records = Enumerable.Range(0, Math.Min(test.RowCount, 200))
            .Select(r => (IReadOnlyDictionary<string, CellValue>)model.Inputs.ToDictionary(i => i.Name, i => test.GetCell(r,
                test.IndexOf(i.Name))))
            .ToArray();
        foreach (var record in records) model.Predict([record]);
        var times = new List<double>();
        for (int pass = 0; pass < 5; pass++)
            foreach (var record in records)
            {
                long start = Stopwatch.GetTimestamp();
                model.Predict([record]);
                times.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }
        return BenchArgs.Median(times);
    }

    /// <summary>The first repeat's folds are the ones every earlier figure in the README was measured on.</summary>
    private const int FoldSeed = 2024;

    /// <summary>Spread of the values / √count. Folds of one repeat share no rows but repeats share all of them, so
    /// across repeats this understates the error somewhat; the paired difference of two settings on the same folds
    /// is the figure to decide by.</summary>
    private static double StandardError(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return double.NaN;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1) / values.Count);
    }

    /// <summary>K folds of the data lines (header kept in each part), dealt after a seeded shuffle. One CSV record per
    /// line, as in the shared splits.</summary>
    private static IEnumerable<(string[] Fit, string[] Held)> Folds(string[] lines, int folds, int seed)
    {
        var rows = lines[1..].Where(l => l.Length > 0).ToArray();
        new Random(seed).Shuffle(rows);
        for (int k = 0; k < folds; k++)
        {
            var held = rows.Where((_, i) => i % folds == k);
            var fit = rows.Where((_, i) => i % folds != k);
            yield return ([lines[0], .. fit], [lines[0], .. held]);
        }
    }

    private static TabularTrainingOptions Apply(TabularTrainingOptions o, string setting)
    {
        var (name, value) = (setting[..setting.IndexOf('=')], setting[(setting.IndexOf('=') + 1)..]);
        double number = double.TryParse(value, CultureInfo.InvariantCulture, out var n) ? n : double.NaN;
        return name switch
        {
            "hiddenLayers" => o with { HiddenLayers = value.Split('x').Select(int.Parse).ToArray() },
            "dropout" => o with { Dropout = number },
            "l2" => o with { L2 = number },
            "learningRate" => o with { LearningRate = number },
            "batchSize" => o with { BatchSize = (int)number },
            "epochs" => o with { Epochs = (int)number },
            "patience" => o with { EarlyStoppingPatience = (int)number },
            "ensemble" => o with { EnsembleSize = (int)number },
            "packedMembers" => o with { PackedMembers = (int)number },
            "seed" => o with { Seed = (int)number },
            "validationFraction" => o with { ValidationFraction = number },
            "numericBins" => o with { NumericBins = (int)number },
            "labelSmoothing" => o with { LabelSmoothing = number },
            "schedule" => o with { Schedule = Enum.Parse<NeuralNet.Optimizers.LearningRateSchedule>(value, ignoreCase: true) },
            "adamBeta2" => o with { AdamBeta2 = number },
            "robustScaling" => o with { RobustScaling = value == "true" },
            "inputScaling" => o with { InputScaling = value == "true" },
            "classWeights" => o with { WeighClasses = value == "true" },
            "threads" => o with { Threads = (int)number },
            "neighbours" => o with { Neighbours = value == "true" },
            "neighbourSpace" => o with { NeighbourSpace = Enum.Parse<Tabular.Neighbours.NeighbourSpace>(value, ignoreCase: true) },
            "neighbourCriterion" => o with
            {
                NeighbourCriterion = Enum.Parse<Tabular.Neighbours.NeighbourCriterion>(value,
                ignoreCase: true)
            },
            "activation" => o with { Activation = Enum.Parse<NeuralNet.Specs.Activation>(value.Replace("_", ""), ignoreCase: true) },
            "optimizer" => o with { Optimizer = Enum.Parse<NeuralNet.Optimizers.OptimizerKind>(value, ignoreCase: true) },
            _ => throw new ArgumentException($"unknown setting {name}"),
        };
    }

    private static TabularFrame Frame(string[] lines) => BenchFrames.FromCsv(string.Join('\n', lines) + "\n");

    private static (string Metric, double Value) Score(ModelArtifact model, TabularFrame test)
    {
        int targetColumn = test.IndexOf(model.Target);
        var records = new List<IReadOnlyDictionary<string, CellValue>>();
        var actual = new List<string>();
        for (int r = 0; r < test.RowCount; r++)
        {
            var cell = test.GetCell(r, targetColumn);
            if (cell.Kind == CellKind.Missing) continue;
            actual.Add(cell.ToString());
            records.Add(model.Inputs.ToDictionary(i => i.Name, i => test.GetCell(r, test.IndexOf(i.Name))));
        }
        var batch = model.Predict(records);
        if (batch.Errors.Count > 0) throw new InvalidOperationException($"scoring failed: {batch.Errors[0]}");
        var predictions = batch.Predictions;
        return model.Task switch
        {
            TaskKind.Binary => ("auc", BinaryMetrics.Auc(predictions.Select(p => p.Probability!.Value).ToArray(),
                actual.Select(a => a == model.PositiveClass).ToArray())),
            TaskKind.Multiclass => ("accuracy", predictions.Zip(actual).Count(p => p.First.Label == p.Second) / (double)actual.Count),
            _ => ("r2", (double)RegressionMetrics.Compute(predictions.Select(p => p.Value!.Value).ToArray(),
                actual.Select(a => double.Parse(a, CultureInfo.InvariantCulture)).ToArray())["r2"]),
        };
    }
}
