using DefectApi.NeuralNet.Networks;
using DefectApi.NeuralNet.Training;
using DefectApi.Tabular.Features;
using DefectApi.Tabular.Frames;
using DefectApi.Tabular.Inference;
using DefectApi.Tabular.Metrics;
using DefectApi.Tabular.Monitoring;
using DefectApi.Tabular.Neighbours;
using DefectApi.Tabular.Targets;
using DefectApi.Tabular.Training;
using Thresholds = DefectApi.Tabular.Metrics.ThresholdTable;

namespace DefectApi.Tabular;

public static class TabularTrainer
{
    /// <summary>Fewest rows with a target that a job trains on. With the default validation share of 1/5, 20 rows
    /// leave 16 to learn from and 4 to judge by; with fewer, neither the weights nor the metrics mean anything.</summary>
    public const int MinLabelledRows = 20;

    /// <summary>Fewest rows of each class in every member's training part: one example of a class is a row to
    /// memorise, not a pattern to learn.</summary>
    public const int MinTrainingRowsPerClass = 2;

    /// <summary>
    /// Trains EnsembleSize networks, each on its own stratified split (cross-validation folds when there are several,
    /// so together they learn from every row). All read one feature pipeline, fitted once on every labelled row (it
    /// never sees a target), so that scoring encodes a record once. Each network is trained with early stopping and
    /// the epoch with the best validation metric restored. Metrics,
    /// threshold table and threshold come from the out-of-fold predictions: every validation row is scored only by
    /// members that never trained on it.
    /// </summary>
    public static TrainingOutcome Train(TabularFrame frame, TabularTrainingOptions options, Action<TrainingProgress>? progress,
        CancellationToken cancel, CancellationToken stopEarly) => Train(frame, options, progress, cancel, stopEarly, slots: null);

    /// <inheritdoc cref="Train(TabularFrame, TabularTrainingOptions, Action{TrainingProgress}?, CancellationToken, CancellationToken)"/>
    /// <param name="slots">caps the members training at once, with other jobs that share it; each member takes one slot
    /// (with <see cref="TabularTrainingOptions.Threads"/> above 1, members train in turn on that many engine threads and
    /// the slot counts one). Null: members train one per core.</param>
    public static TrainingOutcome Train(TabularFrame frame, TabularTrainingOptions options, Action<TrainingProgress>? progress,
        CancellationToken cancel, CancellationToken stopEarly, TrainingSlots? slots)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(options);
        var invalid = options.Validate();
        if (invalid.Count > 0)
            throw new TrainingDataException(string.Join(" ", invalid.Select(kv => $"{kv.Key}: {string.Join(" ", kv.Value)}")));
        int targetColumn = frame.IndexOf(options.Target);
        if (targetColumn < 0)
            throw new TrainingDataException(
                $"The target '{options.Target}' is not a column of this dataset; its columns are: " +
                $"{string.Join(", ", frame.Columns.Select(c => $"'{c.Name}'"))}.");

        var (target, rows, targets) = TargetResolver.Resolve(frame, targetColumn, options);
        if (rows.Length < MinLabelledRows)
            throw new TrainingDataException(
                $"Only {rows.Length} rows have a value for the target '{options.Target}'; training needs at least {MinLabelledRows}, " +
                "so that some rows can validate what the others taught. Add labelled rows, or choose a target with fewer gaps.");
        var (columns, dropped) = ColumnSelection.Choose(frame.Columns, targetColumn, options.Features, options.Exclude);
        var leaks = LeakDetector.Screen(frame, targetColumn, columns, dropped, target, rows, targets, options);
        if (options.Neighbours && rows.Length > NeighbourTraining.MaxRows)
            throw new TrainingDataException(
                $"neighbours: {rows.Length} labelled rows are more than the {NeighbourTraining.MaxRows} a neighbour component holds " +
                "(each prediction reads every stored row). Train without neighbours, or on fewer rows.");
        int members = options.MembersFor(rows.Length);
        int foldCount = members == 1 ? 1 : Math.Max(members, (int)Math.Round(1 / options.ValidationFraction));
        bool classes = target.Task != TaskKind.Regression;
        var plan = ValidationPlan.For(frame, rows, targets, classes, foldCount, options, options.Validation);
        foldCount = plan.FoldCount;
        if (classes) RequireClassesInEveryTrainingPart(target, targets, plan, members, options.Target);

        // Chosen by 5-fold cross-validation against a pipeline per member's training part, which it matched within a
        // standard error on every sample split (README, "How the defaults were chosen").
        var pipeline = FeaturePipeline.Fit(frame, columns, rows, options.NumericBins, options.RobustScaling);
        var encoded = new EncodedRows(pipeline.Transform(frame, columns, rows), pipeline.Width);

        var history = new List<EpochHistory>();
        var report = new ProgressReport(progress, history, members, options.Epochs, leaks);
        var results = TrainMembers(plan, members, pipeline, encoded, target, targets, options, report, slots, cancel, stopEarly);

        // In member order, whichever worker trained them: the model is the same as a sequential run's, bit for bit.
        var trained = new List<EnsembleMember>();
        var outOfFold = new OutOfFold(target, targets);
        foreach (var result in results.TakeWhile(r => r is not null))
        {
            trained.AddRange(result!.Members);
            outOfFold.Add(result.ValidAt, result.ValidationOutputs);
        }
        history.Sort((a, b) => a.Epoch.CompareTo(b.Epoch));

        var validation = outOfFold.Result();
        var parts = results.TakeWhile(r => r is not null).Select(r => (r!.ValidAt, r.ValidationOutputs)).ToList();
        NeighbourBlend? neighbours = null;
        if (options.Neighbours)
        {
            var folds = Enumerable.Range(0, results.TakeWhile(r => r is not null).Count()).Select(m => m % plan.FoldCount).ToHashSet();
            var fit = NeighbourTraining.Fit(pipeline, encoded.Features, target, targets, plan, folds, validation.Outputs,
                validation.Actuals, options.NeighbourSpace, options.NeighbourCriterion);
            (neighbours, validation) = (fit.Blend, validation with { Outputs = fit.ValidationOutputs });
            if (neighbours is not null) parts = fit.Blended(parts, target.Outputs);
        }
        double? threshold = target.Task == TaskKind.Binary ? ChooseThreshold(validation, options) : null;
        var types = trained[0].Pipeline.Encoders.Select(e => e.Type).ToArray();
        var profile = TrainingProfile.Build(frame, columns, types, rows, target, validation);
        var artifact = new ModelArtifact(options.Target, target, trained, dropped, threshold, validation,
            Sample(frame, columns, rows, options.Seed), profile, leaks, neighbours);
        var figure = ValidationFigures.Of(target, targets, parts);
        var validationReport = new ValidationReport(plan.Description, figure);
        if (options.Validation == ValidationKind.Random && options.CompareTimeOrdered && !stopEarly.IsCancellationRequested)
            validationReport = WithTimeOrdered(validationReport, frame, rows, pipeline, encoded, target, targets, members, options,
                slots, cancel);
        return new TrainingOutcome(artifact, history) { Validation = validationReport };
    }

    /// <summary>Trains up to 3 extra networks on forward folds, only to measure: on data with a time, random folds
    /// can promise more than the line will see next month, and the user should see both figures. The model itself
    /// is unchanged. Nothing is added when the data has no single datetime column and none was named.</summary>
    private static ValidationReport WithTimeOrdered(ValidationReport report, TabularFrame frame, int[] rows, FeaturePipeline pipeline,
        EncodedRows encoded, TargetSpec target, float[] targets, int members, TabularTrainingOptions options, TrainingSlots? slots,
        CancellationToken cancel)
    {
        if (options.TimeColumn is null && frame.Columns.Count(c => c.Type == Schema.ColumnType.Datetime) != 1) return report;
        int folds = Math.Min(members, 3);
        ValidationPlan plan;
        try
        {
            plan = ValidationPlan.For(frame, rows, targets, target.Task != TaskKind.Regression, folds, options, ValidationKind.Time);
            if (target.Task != TaskKind.Regression) RequireClassesInEveryTrainingPart(target, targets, plan, folds, options.Target);
        }
        catch (TrainingDataException)
        {
            return report; // Too few rows or classes in the earliest block: the comparison is left out, the model is not.
        }
        var quiet = new ProgressReport(null, [], folds, options.Epochs, []);
        var results = TrainMembers(plan, folds, pipeline, encoded, target, targets, options, quiet, slots, cancel, CancellationToken.None);
        var figure = ValidationFigures.Of(target, targets, results.Select(r => (r!.ValidAt, r.ValidationOutputs)).ToList());
        return report with { TimeOrderedDescription = plan.Description, TimeOrdered = figure };
    }

    private static MemberResult?[] TrainMembers(ValidationPlan plan, int members, FeaturePipeline pipeline, EncodedRows encoded,
        TargetSpec target, float[] targets, TabularTrainingOptions options, ProgressReport report, TrainingSlots? slots,
        CancellationToken cancel, CancellationToken stopEarly)
    {
        int workers = WorkersFor(options, members, slots);
        // A packed network's products are k times taller than a member's, large enough to split: when fewer members
        // than cores train at once, each takes the spare cores as engine threads (the model is the same for any count).
        if (options.PackedMembers > 0 && options.Threads == 1)
            options = options with { Threads = Math.Max(1, (slots?.Ceiling ?? Environment.ProcessorCount) / workers) };
        return MemberRuns.Run(members, workers, slots?.BelowNormalPriority ?? false, cancel, m =>
        {
            using var slot = slots?.Enter(cancel);
            // A stop asked for before a member starts skips it: the members already trained make the model.
            if (m > 0 && stopEarly.IsCancellationRequested) return null;
            var (trainAt, validAt) = plan.Part(m % plan.FoldCount);
            Action? betweenSteps = slot is null ? null : () => slot.Yield(cancel);
            var (trained, outputs) = TrainMember(pipeline, encoded, target, targets, trainAt, validAt, options, m, report,
                betweenSteps, cancel, stopEarly);
            return new MemberResult(trained, validAt, outputs);
        });
    }

    private static void RequireClassesInEveryTrainingPart(TargetSpec target, float[] targets, ValidationPlan plan, int members, string name)
    {
        for (int m = 0; m < Math.Min(members, plan.FoldCount); m++)
        {
            var counts = new int[target.Outputs == 1 ? 2 : target.Outputs];
            foreach (int i in plan.Part(m).Train) counts[(int)targets[i]]++;
            int scarce = Array.FindIndex(counts, c => c < MinTrainingRowsPerClass);
            if (scarce < 0) continue;
            int total = targets.Count(t => (int)t == scarce);
            throw new TrainingDataException(
                $"The class '{target.Classes![scarce]}' of '{name}' has {total} labelled row(s), so a training split gets fewer than " +
                $"{MinTrainingRowsPerClass} of them (at least 3 are needed, more with a larger validationFraction). Add rows of " +
                "that class, merge it with a similar class, or leave its rows out of the dataset.");
        }
    }

    /// <summary>Members train side by side, one per core (or per slot the cap can ever allow), each on a single engine
    /// thread, when the engine itself is asked for one thread (the default): small networks gain far more from two
    /// whole members at once than from splitting each batch's matrix products. With more engine threads, members train
    /// one after another.</summary>
    private static int WorkersFor(TabularTrainingOptions options, int members, TrainingSlots? slots) =>
        Math.Clamp(options.MemberWorkers ?? (options.Threads == 1 ? slots?.Ceiling ?? Environment.ProcessorCount : 1), 1, members);

    /// <summary>One fold's networks (one, or a packed network's k members) and their averaged outputs on its validation rows.</summary>
    private sealed record MemberResult(IReadOnlyList<EnsembleMember> Members, int[] ValidAt, double[] ValidationOutputs);

    /// <summary>Every labelled row encoded once (rows × Width, in the order of the labelled rows); members take theirs.</summary>
    private sealed record EncodedRows(float[] Features, int Width)
    {
        public float[] Take(int[] positions)
        {
            var taken = new float[positions.Length * Width];
            for (int i = 0; i < positions.Length; i++)
                Features.AsSpan(positions[i] * Width, Width).CopyTo(taken.AsSpan(i * Width, Width));
            return taken;
        }
    }

    private static (IReadOnlyList<EnsembleMember> Members, double[] ValidationOutputs) TrainMember(FeaturePipeline pipeline,
        EncodedRows encoded,
        TargetSpec target, float[] targets, int[] trainAt, int[] validAt, TabularTrainingOptions options, int index,
        ProgressReport report, Action? betweenSteps, CancellationToken cancel, CancellationToken stopEarly)
    {
        float[] trainTargets = trainAt.Select(i => targets[i]).ToArray(), validTargets = validAt.Select(i => targets[i]).ToArray();
        var weights = options.WeighClasses ? ClassWeights.For(target, trainTargets) : null;
        var train = new TrainingSet(encoded.Take(trainAt), trainTargets, trainAt.Length, pipeline.Width, weights?.PerSample(trainTargets));
        var validation = new TrainingSet(encoded.Take(validAt), validTargets, validAt.Length, pipeline.Width,
            weights?.PerSample(validTargets));

        int seed = options.Seed + index * 7919;
        var recipe = TrainingRecipe.From(options, target, pipeline.Width);
        var metric = ValidationMetric(target, validTargets);
        if (options.PackedMembers > 0)
            return TrainPacked(pipeline, target, train, validation, recipe, metric, seed, index, report, betweenSteps, cancel, stopEarly);
        var network = Network.Create(recipe.Spec, seed);
        var keep = new BestByMetric(metric, () => network.Parameters.ToArray());
        var result = Trainer.Fit(network, train, validation, recipe.TrainerOptions(seed, keep.Observe) with { BetweenSteps = betweenSteps },
            e => report.Epoch(index, e), cancel, stopEarly);
        report.MemberFinished(index);
        keep.Parameters?.CopyTo(result.Network.Parameters);

        var outputs = new double[validAt.Length * target.Outputs];
        EnsembleOutputs.Accumulate(result.Network, target, validation.Features, validAt.Length, outputs);
        return ([new EnsembleMember(pipeline, result.Network)], outputs);
    }

    /// <summary>As TrainMember, with the fold's network trained as TabM's packed members and unpacked into k ordinary
    /// networks; the epoch with the best metric of their averaged prediction is the one kept.</summary>
    private static (IReadOnlyList<EnsembleMember> Members, double[] ValidationOutputs) TrainPacked(FeaturePipeline pipeline,
        TargetSpec target,
        TrainingSet train, TrainingSet validation, TrainingRecipe recipe, Func<float[], int, double> metric, int seed, int index,
        ProgressReport report, Action? betweenSteps, CancellationToken cancel, CancellationToken stopEarly)
    {
        var packed = PackedNetwork.Create(recipe.Spec, recipe.Options.PackedMembers, seed);
        var keep = new BestByMetric(metric, () => packed.Parameters.ToArray());
        PackedTrainer.Fit(packed, train, validation, recipe.TrainerOptions(seed, keep.Observe) with { BetweenSteps = betweenSteps },
            e => report.Epoch(index, e), cancel, stopEarly);
        report.MemberFinished(index);
        keep.Parameters?.CopyTo(packed.Parameters);

        var networks = packed.Unpack();
        var outputs = new double[validation.Rows * target.Outputs];
        foreach (var network in networks) EnsembleOutputs.Accumulate(network, target, validation.Features, validation.Rows, outputs);
        for (int i = 0; i < outputs.Length; i++) outputs[i] /= networks.Length;
        return (networks.Select(n => new EnsembleMember(pipeline, n)).ToArray(), outputs);
    }

    /// <summary>The engine restores the epoch of least validation loss; the model keeps the epoch with the best metric
    /// instead (AUC, accuracy, R²), which is what users judge and what loss-based stopping often cuts short.</summary>
    private sealed class BestByMetric(Func<float[], int, double> metric, Func<float[]> copyParameters)
    {
        private double _best = double.NegativeInfinity;

        /// <summary>A copy of the weights at the best metric so far; null before the first validation.</summary>
        public float[]? Parameters { get; private set; }

        public double Observe(float[] outputs, int count)
        {
            double value = metric(outputs, count);
            if (value > _best)
            {
                _best = value;
                Parameters = copyParameters();
            }
            return value;
        }
    }

    /// <summary>Up to SampleSize training records, chosen with the seed, kept in the model for partial dependence
    /// (the artifact keeps no training data otherwise).</summary>
    private static CellValue[][] Sample(TabularFrame frame, List<int> columns, int[] rows, int seed)
    {
        const int SampleSize = 200;
        var chosen = (int[])rows.Clone();
        if (chosen.Length > SampleSize)
        {
            new Random(seed).Shuffle(chosen);
            chosen = chosen[..SampleSize];
            Array.Sort(chosen);
        }
        return chosen.Select(r => columns.Select(c => frame.GetCell(r, c)).ToArray()).ToArray();
    }

    /// <summary>Least expected cost when both costs are given, otherwise the best F1 on the validation rows.</summary>
    private static double ChooseThreshold(ValidationOutputs validation, TabularTrainingOptions options)
    {
        var table = Thresholds.Build(validation.Outputs, validation.Actuals.Select(a => a == 1).ToArray());
        return options is { FalsePositiveCost: { } fp, FalseNegativeCost: { } fn }
            ? Thresholds.LeastCost(table, fp, fn)
            : Thresholds.MaxF1(table);
    }

    /// <summary>What each epoch reports: AUC for binary, accuracy for multiclass, R² for regression (R² is the same
    /// on the standardised scale as in the original unit).</summary>
    private static Func<float[], int, double> ValidationMetric(TargetSpec target, float[] actual) => target.Task switch
    {
        TaskKind.Binary => (logits, rows) =>
            BinaryMetrics.Auc(logits.AsSpan(0, rows).ToArray().Select(v => (double)v).ToArray(), actual.Select(a => a == 1).ToArray()),
        TaskKind.Regression => (outputs, rows) =>
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
        }
        ,
    };

    /// <summary>Averages, per target row, the outputs of the members that validated on it; rows no member validated
    /// on are left out. Actuals are in the target's terms (0/1, class index, original unit).</summary>
    private sealed class OutOfFold(TargetSpec target, float[] targets)
    {
        private readonly double[] _sum = new double[targets.Length * target.Outputs];
        private readonly int[] _count = new int[targets.Length];

        public void Add(int[] positions, double[] outputs)
        {
            int k = target.Outputs;
            for (int i = 0; i < positions.Length; i++)
            {
                _count[positions[i]]++;
                for (int c = 0; c < k; c++) _sum[positions[i] * k + c] += outputs[i * k + c];
            }
        }

        public ValidationOutputs Result()
        {
            int k = target.Outputs;
            var outputs = new List<double>();
            var actuals = new List<double>();
            for (int r = 0; r < targets.Length; r++)
            {
                if (_count[r] == 0) continue;
                for (int c = 0; c < k; c++) outputs.Add(_sum[r * k + c] / _count[r]);
                actuals.Add(target.Task == TaskKind.Regression ? targets[r] * target.Std + target.Mean : targets[r]);
            }
            return new ValidationOutputs(outputs.ToArray(), actuals.ToArray());
        }
    }
}
