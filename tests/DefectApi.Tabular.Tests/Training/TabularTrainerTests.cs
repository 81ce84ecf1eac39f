using DefectApi.Tabular.Targets;

namespace DefectApi.Tabular.Tests.Training;

public class TabularTrainerTests(TrainedModels models) : IClassFixture<TrainedModels>
{
    [Fact]
    public void BinaryModelLearnsTheRuleAndTheMinorityIsTheDefect()
    {
        var model = models.Binary;

        Assert.Equal(TaskKind.Binary, model.Task);
        Assert.Equal("NG", model.PositiveClass);
        Assert.Equal(["OK", "NG"], model.Classes!);
        Assert.True((double)model.Metrics["auc"] > 0.9, $"auc {model.Metrics["auc"]}");
        Assert.Equal(["temp", "pressure", "line", "coated", "ts"], model.Inputs.Select(i => i.Name));
        Assert.Equal(["numeric", "numeric", "categorical", "boolean", "datetime"], model.Inputs.Select(i => i.Type));
        Assert.Contains(new DroppedColumn("serial", "identifier"), model.Dropped);
    }

    [Fact]
    public void MetricsCoverTheFoldsTheMembersValidatedOn() =>
        // Two members validate two of five folds (validationFraction 0.2), so 2/5 of the 400 rows.
        Assert.Equal(160L, ((long[][])models.Binary.Metrics["confusionMatrix"]).Sum(row => row.Sum()));

    [Fact]
    public void DefaultThresholdMaximisesF1OnValidation()
    {
        var model = models.Binary;
        Assert.Equal(model.ThresholdTable!.Max(p => p.F1), (double)model.Metrics["f1"], 9);
    }

    [Fact]
    public void HistoryHasOneEntryPerEpochWithTheValidationAuc()
    {
        Assert.NotEmpty(models.Outcome.History);
        Assert.All(models.Outcome.History, h => Assert.InRange(h.ValidationMetric!.Value, 0, 1));
        Assert.Equal(models.Outcome.History.Select(h => h.Epoch).Order(), models.Outcome.History.Select(h => h.Epoch));
    }

    [Fact]
    public void SameDataOptionsAndSeedGiveIdenticalBytes()
    {
        var again = TabularTrainer.Train(models.Frame, TrainedModels.FastOptions, null, default, default).Artifact;
        Assert.Equal(models.Binary.ToBytes(), again.ToBytes());
    }

    [Fact]
    public void MembersTrainedSideBySideGiveTheSameBytesAsMembersTrainedInTurn()
    {
        var options = TrainedModels.FastOptions with { EnsembleSize = 3 };
        var inTurn = TabularTrainer.Train(models.Frame, options with { MemberWorkers = 1 }, null, default, default);
        var sideBySide = TabularTrainer.Train(models.Frame, options with { MemberWorkers = 3 }, null, default, default);

        Assert.Equal(inTurn.Artifact.ToBytes(), sideBySide.Artifact.ToBytes());
        Assert.Equal(inTurn.History, sideBySide.History);
    }

    [Fact]
    public void ProgressOfMembersTrainedSideBySideOnlyRises()
    {
        var reports = new List<TrainingProgress>();
        var options = TrainedModels.FastOptions with { Epochs = 5, EarlyStoppingPatience = 0, EnsembleSize = 3, MemberWorkers = 2 };
        TabularTrainer.Train(models.Frame, options, reports.Add, default, default);

        Assert.Equal(Enumerable.Range(1, 15), reports.Select(r => r.Epoch));
        Assert.All(reports, r => Assert.Equal(15, r.Epochs));
    }

    [Fact]
    public void ProgressOfMembersTrainedInTurnNamesTheMemberAndItsEpoch()
    {
        var reports = new List<TrainingProgress>();
        var options = TrainedModels.FastOptions with { Epochs = 4, EarlyStoppingPatience = 0, EnsembleSize = 3, MemberWorkers = 1 };
        TabularTrainer.Train(models.Frame, options, reports.Add, default, default);

        // The 6th epoch of the ensemble is member 2's 2nd: member 1 is done, member 2 is the one training.
        var sixth = reports[5].Ensemble!;
        Assert.Equal((3, 4, 1), (sixth.Members, sixth.EpochsPerMember, sixth.MembersDone));
        Assert.Equal([new MemberEpoch(2, 2)], sixth.Training);
        Assert.Equal(new MemberEpoch(2, 2), sixth.Reported);
        Assert.Equal([new MemberEpoch(3, 4)], reports[^1].Ensemble!.Training);
        Assert.Equal(2, reports[^1].Ensemble!.MembersDone);
    }

    [Fact]
    public void ProgressOfMembersTrainedSideBySideAccountsForEveryMember()
    {
        var reports = new List<TrainingProgress>();
        var options = TrainedModels.FastOptions with { Epochs = 5, EarlyStoppingPatience = 0, EnsembleSize = 3, MemberWorkers = 2 };
        TabularTrainer.Train(models.Frame, options, reports.Add, default, default);

        // Members in training are at most the workers, and done + training never exceeds the ensemble.
        Assert.All(reports, r => Assert.InRange(r.Ensemble!.Training.Count, 1, 2));
        Assert.All(reports, r => Assert.InRange(r.Ensemble!.MembersDone + r.Ensemble.Training.Count, 1, 3));
        Assert.All(reports, r => Assert.All(r.Ensemble!.Training, t => Assert.InRange(t.Epoch, 1, 5)));
        Assert.Equal([1, 2, 3], reports.SelectMany(r => r.Ensemble!.Training).Select(t => t.Member).Distinct().Order());
    }

    [Fact]
    public void HistoryNamesEachEpochsMemberAndItsEpochWithinTheMember()
    {
        var options = TrainedModels.FastOptions with { Epochs = 4, EarlyStoppingPatience = 0, EnsembleSize = 2 };
        var history = TabularTrainer.Train(models.Frame, options, null, default, default).History;

        Assert.Equal([1, 1, 1, 1, 2, 2, 2, 2], history.Select(h => h.Member!.Value));
        Assert.Equal([1, 2, 3, 4, 1, 2, 3, 4], history.Select(h => h.MemberEpoch!.Value));
        Assert.Equal(Enumerable.Range(1, 8), history.Select(h => h.Epoch));
    }

    [Fact]
    public void CancellingMembersTrainedSideBySideThrowsAndLeavesNoWorkerRunning()
    {
        using var cancel = new CancellationTokenSource();
        int epochs = 0;
        var options = TrainedModels.FastOptions with { Epochs = 1000, EarlyStoppingPatience = 0, EnsembleSize = 4, MemberWorkers = 2 };
        Assert.ThrowsAny<OperationCanceledException>(() => TabularTrainer.Train(models.Frame, options, p =>
        {
            if (Interlocked.Increment(ref epochs) == 10) cancel.Cancel();
        }, cancel.Token, default));
        int after = Volatile.Read(ref epochs);
        Thread.Sleep(200);
        Assert.Equal(after, Volatile.Read(ref epochs));
    }

    [Fact]
    public void ProgressIsReportedPerEpoch()
    {
        var reports = new List<TrainingProgress>();
        TabularTrainer.Train(models.Frame, TrainedModels.FastOptions with { Epochs = 3, EnsembleSize = 1 }, reports.Add, default, default);

        Assert.Equal([1, 2, 3], reports.Select(r => r.Epoch));
        Assert.All(reports, r => Assert.Equal(3, r.Epochs));
    }

    [Fact]
    public void CancellingThrows()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => TabularTrainer.Train(models.Frame, TrainedModels.FastOptions, null,
            cancel.Token, default));
    }

    [Fact]
    public void CostsChooseTheLeastCostThreshold()
    {
        var model = TabularTrainer.Train(models.Frame,
            TrainedModels.FastOptions with { FalsePositiveCost = 1, FalseNegativeCost = 50, EnsembleSize = 1 }, null, default, default)
            .Artifact;
        var least = model.ThresholdTable!.MinBy(p => p.FalsePositives + 50 * p.FalseNegatives)!;
        Assert.Equal(least.Threshold, model.Threshold);
    }

    [Fact]
    public void RegressionPredictsInTheTargetsOwnUnit()
    {
        var random = new Random(3);
        var frame = TestData.Frame(TestData.Csv("x,noise,y", 300, i =>
        {
            double x = random.NextDouble();
            return string.Create(CultureInfo.InvariantCulture, $"{x:F4},{random.NextDouble():F3},{1000 + 200 * x:F2}");
        }));
        var model = TabularTrainer.Train(frame, new TabularTrainingOptions
        {
            Target = "y", Epochs = 60, EnsembleSize = 1,
            HiddenLayers = [16]
        },
            null, default, default).Artifact;
        var prediction = model.Predict([new Dictionary<string, CellValue> { ["x"] = CellValue.FromNumber(0.5),
            ["noise"] = CellValue.FromNumber(0.5) }]);

        Assert.Equal(TaskKind.Regression, model.Task);
        Assert.True((double)model.Metrics["r2"] > 0.9, $"r2 {model.Metrics["r2"]}");
        Assert.InRange(prediction.Predictions[0].Value!.Value, 1080, 1120);
    }

    [Fact]
    public void MulticlassGivesALabelAndAProbabilityPerClass()
    {
        var model = TabularTrainer.Train(TrainedModels.FaultFrame(), new TabularTrainingOptions
        {
            Target = "fault",
            Epochs = 60, EnsembleSize = 1
        },
            null, default, default).Artifact;
        var prediction = model.Predict([new Dictionary<string, CellValue> { ["a"] = CellValue.FromNumber(0.9),
            ["b"] = CellValue.FromNumber(0.1) }])
            .Predictions[0];

        Assert.Equal(TaskKind.Multiclass, model.Task);
        Assert.Equal(["Bumps", "Pastry", "Stains"], model.Classes!);
        Assert.True((double)model.Metrics["accuracy"] > 0.8, $"accuracy {model.Metrics["accuracy"]}");
        Assert.Equal("Bumps", prediction.Label);
        Assert.Equal(1.0, prediction.Probabilities!.Values.Sum(), 5);
    }

    [Fact]
    public void UnknownTargetIsATrainingDataErrorNamingTheColumns() =>
        Assert.Contains("'temp'", Assert.Throws<TrainingDataException>(
            () => TabularTrainer.Train(models.Frame, TrainedModels.FastOptions with { Target = "Result" }, null, default, default))
                .Message);

    [Fact]
    public void InvalidOptionsAreATrainingDataError() =>
        Assert.Contains("dropout", Assert.Throws<TrainingDataException>(
            () => TabularTrainer.Train(models.Frame, TrainedModels.FastOptions with { Dropout = 2 }, null, default, default)).Message);

    [Fact]
    public void FewerThanTwentyLabelledRowsIsATrainingDataErrorAndTwentyTrain()
    {
        static TabularFrame Frame(int labelled) => TestData.Frame(TestData.Csv("x,y", 50, i =>
            string.Create(CultureInfo.InvariantCulture,
                $"{i % 13},{(i < labelled ? (i * 0.37).ToString(CultureInfo.InvariantCulture) : "")}")));
        var options = new TabularTrainingOptions
        {
            Target = "y", Task = TaskKind.Regression, Epochs = 2, EnsembleSize = 1,
            HiddenLayers = [4]
        };

        var error = Assert.Throws<TrainingDataException>(() => TabularTrainer.Train(Frame(3), options, null, default, default));
        var enough = TabularTrainer.Train(Frame(TabularTrainer.MinLabelledRows), options, null, default, default);

        Assert.Contains("Only 3 rows have a value for the target 'y'", error.Message);
        Assert.Equal(TaskKind.Regression, enough.Artifact.Task);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void AClassTooRareForEveryTrainingSplitIsATrainingDataErrorNamingIt(int rare)
    {
        var frame = TestData.Frame(TestData.Csv("x,grade", 60, i => $"{i % 7},{(i < rare ? "C" : i % 2 == 0 ? "A" : "B")}"));

        var error = Assert.Throws<TrainingDataException>(() => TabularTrainer.Train(frame,
            new TabularTrainingOptions { Target = "grade", Epochs = 2, HiddenLayers = [4] }, null, default, default));

        Assert.Contains($"The class 'C' of 'grade' has {rare} labelled row", error.Message);
    }
}
