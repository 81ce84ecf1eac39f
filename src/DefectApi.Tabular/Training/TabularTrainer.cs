using DefectApi.NeuralNet;
using DefectApi.Tabular.Features;
using DefectApi.Tabular.Metrics;
using Thresholds = DefectApi.Tabular.Metrics.ThresholdTable;

namespace DefectApi.Tabular.Training;

public static class TabularTrainer
{
    /// <summary>Splits off a stratified validation part, fits the feature pipeline on the training part, trains the
    /// network(s) with early stopping (best epoch restored), and measures the result on the validation part.</summary>
    public static TrainingOutcome Train(TabularFrame frame, TabularTrainingOptions options, Action<TrainingProgress>? progress,
        CancellationToken cancel, CancellationToken stopEarly)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(options);
        var invalid = options.Validate();
        if (invalid.Count > 0)
            throw new TrainingDataException(string.Join(" ", invalid.Select(kv => $"{kv.Key}: {string.Join(" ", kv.Value)}")));
        int targetColumn = frame.IndexOf(options.Target);
        if (targetColumn < 0)
            throw new TrainingDataException(
                $"The target '{options.Target}' is not a column of this dataset; its columns are: {string.Join(", ", frame.Columns.Select(c => $"'{c.Name}'"))}.");

        var (target, rows, targets) = TargetSpec.Resolve(frame, targetColumn, options);
        var (columns, dropped) = ColumnSelection.Choose(frame.Columns, targetColumn, options.Features, options.Exclude);
        var (trainAt, validAt) = ValidationSplit.Split(targets, target.Task != TargetSpec.Regression, options.ValidationFraction, options.Seed);
        int[] trainRows = trainAt.Select(i => rows[i]).ToArray(), validRows = validAt.Select(i => rows[i]).ToArray();
        float[] trainTargets = trainAt.Select(i => targets[i]).ToArray(), validTargets = validAt.Select(i => targets[i]).ToArray();

        var pipeline = FeaturePipeline.Fit(frame, columns, trainRows);
        var weights = ClassWeights.For(target, trainTargets);
        var train = new TrainingSet(pipeline.Transform(frame, columns, trainRows), trainTargets, trainRows.Length, pipeline.Width,
            weights?.PerSample(trainTargets));
        var validation = new TrainingSet(pipeline.Transform(frame, columns, validRows), validTargets, validRows.Length,
            pipeline.Width, weights?.PerSample(validTargets));

        var networks = new List<Network>();
        var history = new List<EpochHistory>();
        var recipe = TrainingRecipe.From(options, target, pipeline.Width);
        for (int member = 0; member < options.EnsembleSize && (member == 0 || !stopEarly.IsCancellationRequested); member++)
        {
            int seed = options.Seed + member * 7919;
            var trainerOptions = recipe.TrainerOptions(seed, ValidationMetric(target, validTargets));
            void Report(EpochReport e)
            {
                // Members after the first continue the epoch count, so progress and ETA cover the whole ensemble.
                int epoch = member * options.Epochs + e.Epoch;
                history.Add(new EpochHistory(epoch, e.TrainLoss, e.ValidationLoss, e.ValidationMetric));
                progress?.Invoke(new TrainingProgress(epoch, options.Epochs * options.EnsembleSize, e.TrainLoss, e.ValidationLoss,
                    e.ValidationMetric, e.Elapsed));
            }
            var result = Trainer.Fit(Network.Create(recipe.Spec, seed), train, validation, trainerOptions, Report, cancel, stopEarly);
            networks.Add(result.Network);
        }

        var outputs = EnsembleOutputs.Predict(networks, target, validation.Features, validation.Rows);
        var actuals = validTargets.Select(t => target.Task == TargetSpec.Regression ? t * target.Std + target.Mean : (double)t).ToArray();
        var validationOutputs = new ValidationOutputs(outputs, actuals);
        double? threshold = target.Task == TargetSpec.Binary ? ChooseThreshold(outputs, actuals, options) : null;
        var artifact = new ModelArtifact(options.Target, target, pipeline, dropped, networks, threshold, validationOutputs);
        return new TrainingOutcome(artifact, history);
    }

    /// <summary>Least expected cost when both costs are given, otherwise the best F1 on the validation split.</summary>
    private static double ChooseThreshold(double[] probabilities, double[] actuals, TabularTrainingOptions options)
    {
        var table = Thresholds.Build(probabilities, actuals.Select(a => a == 1).ToArray());
        return options is { FalsePositiveCost: { } fp, FalseNegativeCost: { } fn }
            ? Thresholds.LeastCost(table, fp, fn)
            : Thresholds.MaxF1(table);
    }

    /// <summary>What each epoch reports: AUC for binary, accuracy for multiclass, R² for regression (R² is the same
    /// on the standardised scale as in the original unit).</summary>
    private static Func<float[], int, double> ValidationMetric(TargetSpec target, float[] actual) => target.Task switch
    {
        TargetSpec.Binary => (logits, rows) =>
            BinaryMetrics.Auc(logits.AsSpan(0, rows).ToArray().Select(v => (double)v).ToArray(), actual.Select(a => a == 1).ToArray()),
        TargetSpec.Regression => (outputs, rows) =>
            (double)RegressionMetrics.Compute(outputs.AsSpan(0, rows).ToArray().Select(v => (double)v).ToArray(),
                actual.Select(a => (double)a).ToArray())["r2"],
        _ => (logits, rows) =>
        {
            int classes = target.Outputs, correct = 0;
            for (int r = 0; r < rows; r++)
            {
                var row = logits.AsSpan(r * classes, classes);
                int best = 0;
                for (int c = 1; c < classes; c++) if (row[c] > row[best]) best = c;
                if (best == (int)actual[r]) correct++;
            }
            return rows == 0 ? 0 : (double)correct / rows;
        },
    };
}
