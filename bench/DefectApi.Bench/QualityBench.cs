using System.Diagnostics;
using System.Globalization;
using DefectApi.Tabular;
using DefectApi.Tabular.Csv;
using DefectApi.Tabular.Metrics;
using DefectApi.Tabular.Training;

namespace DefectApi.Bench;

/// <summary>
/// Trains on a train CSV with the default settings (only the target and excluded columns set), scores a test CSV
/// in-process and prints one line: <c>quality dataset=… metric=… value=… train_s=…</c> (AUC for binary, accuracy for
/// multiclass, R² for regression). Extra options for tuning: --set name=value (hiddenLayers=128x64, dropout, l2,
/// learningRate, batchSize, epochs, patience, ensemble, seed, validationFraction). For tuning without looking at
/// the test split, --cv N trains N times on the train file with seeds 1..N (each a different validation split) and
/// prints the mean validation metric instead.
/// </summary>
public static class QualityBench
{
    public static int Run(string[] args)
    {
        string? trainPath = null, testPath = null, target = null;
        var exclude = new List<string>();
        var settings = new List<string>();
        int repeats = 0;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--train": trainPath = args[++i]; break;
                case "--test": testPath = args[++i]; break;
                case "--target": target = args[++i]; break;
                case "--exclude": while (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) exclude.Add(args[++i]); break;
                case "--set": settings.Add(args[++i]); break;
                case "--cv": repeats = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
            }
        }
        if (trainPath is null || testPath is null || target is null)
        {
            Console.Error.WriteLine("quality --train F --test F --target T [--exclude A B ...] [--set name=value ...]");
            return 2;
        }
        var options = settings.Aggregate(new TabularTrainingOptions { Target = target, Exclude = exclude }, Apply);
        var train = Load(trainPath);
        if (repeats > 0) return CrossValidate(train, options, repeats, Path.GetFileName(trainPath).Split('.')[0]);
        var test = Load(testPath);

        var clock = Stopwatch.StartNew();
        var model = TabularTrainer.Train(train, options, null, CancellationToken.None, CancellationToken.None).Artifact;
        double trainSeconds = clock.Elapsed.TotalSeconds;

        var (metric, value) = Score(model, test);
        string dataset = Path.GetFileName(trainPath).Split('.')[0];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"quality dataset={dataset} metric={metric} value={value:F4} train_s={trainSeconds:F1}"));
        return 0;
    }

    private static int CrossValidate(TabularFrame train, TabularTrainingOptions options, int repeats, string dataset)
    {
        var values = new List<double>();
        var clock = Stopwatch.StartNew();
        string metric = "";
        for (int seed = 1; seed <= repeats; seed++)
        {
            var model = TabularTrainer.Train(train, options with { Seed = seed }, null, CancellationToken.None, CancellationToken.None).Artifact;
            metric = model.Task switch { "binary" => "auc", "multiclass" => "accuracy", _ => "r2" };
            values.Add((double)model.Metrics[metric]);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cv dataset={dataset} metric={metric} mean={values.Average():F4} values={string.Join(' ', values.Select(v => v.ToString("F4", CultureInfo.InvariantCulture)))} train_s={clock.Elapsed.TotalSeconds / repeats:F1}"));
        return 0;
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
            "numericBins" => o with { NumericBins = (int)number },
            "labelSmoothing" => o with { LabelSmoothing = number },
            "classWeights" => o with { WeighClasses = value == "true" },
            "threads" => o with { Threads = (int)number },
            "seed" => o with { Seed = (int)number },
            "validationFraction" => o with { ValidationFraction = number },
            "activation" => o with { Activation = value },
            "optimizer" => o with { Optimizer = value },
            _ => throw new ArgumentException($"unknown setting {name}"),
        };
    }

    private static TabularFrame Load(string path)
    {
        var chunks = new List<byte[]>();
        using var file = File.OpenRead(path);
        var dataset = CsvIngestor.IngestAsync(file, new CsvReadOptions(), new ListSink(chunks), CancellationToken.None).GetAwaiter().GetResult();
        return TabularFrame.FromChunks(dataset.Columns, chunks);
    }

    private sealed class ListSink(List<byte[]> chunks) : IChunkSink
    {
        public ValueTask WriteChunkAsync(int index, int rowCount, byte[] data, CancellationToken ct)
        {
            chunks.Add(data);
            return ValueTask.CompletedTask;
        }
    }

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
            "binary" => ("auc", BinaryMetrics.Auc(predictions.Select(p => p.Probability!.Value).ToArray(),
                actual.Select(a => a == model.PositiveClass).ToArray())),
            "multiclass" => ("accuracy", predictions.Zip(actual).Count(p => p.First.Label == p.Second) / (double)actual.Count),
            _ => ("r2", (double)RegressionMetrics.Compute(predictions.Select(p => p.Value!.Value).ToArray(),
                actual.Select(a => double.Parse(a, CultureInfo.InvariantCulture)).ToArray())["r2"]),
        };
    }
}
