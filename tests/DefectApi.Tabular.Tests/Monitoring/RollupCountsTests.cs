using static DefectApi.Tabular.Tests.Monitoring.RollupModels;

namespace DefectApi.Tabular.Tests.Monitoring;

/// <summary>Hourly rollups on hand-made answers and outcomes give the figures computed exactly from the raw rows,
/// take outcomes back, add up, and survive storage.</summary>
public class RollupCountsTests(RollupModels models) : IClassFixture<RollupModels>
{
    private static double[] Read(ModelArtifact model, IEnumerable<string> actuals) =>
        actuals.Select(a => OutcomeMetrics.Parse(model, a).Actual!.Value).ToArray();

    [Fact]
    public void BinaryMetricsFromARollupEqualTheExactFiguresOnTiedScores()
    {
        var model = models.Binary.WithThreshold(0.5);
        // 0.9, 0.5 and 0.3 were each answered for good and for defective parts; 0.5 sits on the threshold.
        double[] scores = [0.9, 0.9, 0.9, 0.7, 0.5, 0.5, 0.5, 0.3, 0.3, 0.3, 0.1, 0.1, 0.02];
        string[] actuals = ["1", "1", "0", "0", "1", "0", "0", "1", "0", "0", "0", "1", "0"];
        var labels = scores.Select(s => s >= 0.5 ? "1" : "0").ToArray();
        var counts = RollupCounts.For(model);
        for (int i = 0; i < scores.Length; i++) counts.AddOutcome(scores[i], labels[i], actuals[i], +1);
        counts.AddOutcome(0.4, "0", "scrap?", +1);

        var exact = OutcomeMetrics.Compute(model, scores, labels, Read(model, actuals));

        AssertClose(exact, counts.Metrics(), 0.001);
        // These distinct scores all lie in distinct bins, so only true ties share one and the AUC is the rank AUC itself.
        Assert.Equal(exact["auc"]!.Value, counts.Metrics()["auc"]!.Value, 12);
        Assert.Equal(14, counts.WithOutcome);   // the unreadable "scrap?" too, though it is in no metric
    }

    [Fact]
    public void PrecisionAndRecallAreOfTheDecisionsAsGivenAcrossAThresholdChange()
    {
        var model = models.Binary;
        double[] scores = [0.8, 0.6, 0.45, 0.35, 0.25, 0.1, 0.7, 0.4, 0.3, 0.05];
        string[] actuals = ["1", "0", "1", "0", "1", "0", "1", "1", "0", "0"];
        // The first five were decided at 0.5, the rest after the threshold was lowered to 0.3.
        var labels = scores.Select((s, i) => s >= (i < 5 ? 0.5 : 0.3) ? "1" : "0").ToArray();
        var counts = RollupCounts.For(model);
        for (int i = 0; i < scores.Length; i++) counts.AddOutcome(scores[i], labels[i], actuals[i], +1);

        var metrics = counts.Metrics();

        // Decided 1,1,0,0,0 | 0,1,1,1,0 against actual 1,0,1,0,1 | 0,1,1,0,0: TP 3 (0.8, 0.7, 0.4), FP 2 (0.6, 0.3),
        // FN 2 (0.45, 0.25), so precision = recall = F1 = 3/5.
        int truePositives = Enumerable.Range(0, 10).Count(i => labels[i] == "1" && actuals[i] == "1");
        int decidedDefect = labels.Count(l => l == "1"), foundDefect = actuals.Count(a => a == "1");
        Assert.Equal((double)truePositives / decidedDefect, metrics["precision"]!.Value, 12);
        Assert.Equal((double)truePositives / foundDefect, metrics["recall"]!.Value, 12);
        Assert.Equal(0.6, metrics["precision"]!.Value, 12);
        Assert.Equal(0.6, metrics["recall"]!.Value, 12);
        Assert.Equal(0.6, metrics["f1"]!.Value, 12);
    }

    [Fact]
    public void RegressionRmseMaeAndBiasFromARollupEqualTheExactFigures()
    {
        var model = models.Regression;
        double[] predicted = [0.71, 0.65, 0.80, 0.52, 0.95, 0.33];
        string[] actuals = ["0.70", "0.75", "0.80", "0.40", "1.0", " 0.35"];
        var counts = RollupCounts.For(model);
        for (int i = 0; i < predicted.Length; i++) counts.AddOutcome(predicted[i], null, actuals[i], +1);
        counts.AddOutcome(0.5, null, "n/a", +1);

        var exact = OutcomeMetrics.Compute(model, predicted, new string?[predicted.Length], Read(model, actuals));

        AssertClose(exact, counts.Metrics(), 1e-12);
        Assert.Equal(7, counts.WithOutcome);
    }

    [Fact]
    public void MulticlassAccuracyAndMacroF1FromARollupEqualTheExactFigures()
    {
        var model = models.Multiclass;
        Assert.Equal(["Bumps", "Pastry", "Stains"], model.Classes!);
        // Two answers name no class of the model (none given, and "Dents"): they count against accuracy only.
        string?[] labels = ["Bumps", "Bumps", "Pastry", "Stains", "Stains", "Pastry", null, "Dents", "Pastry"];
        string[] actuals = ["Bumps", "Pastry", "Pastry", "Stains", "Bumps", "Pastry", "Stains", "Bumps", "Stains"];
        var counts = RollupCounts.For(model);
        for (int i = 0; i < labels.Length; i++) counts.AddOutcome(0.5, labels[i], actuals[i], +1);

        var exact = OutcomeMetrics.Compute(model, new double[labels.Length], labels, Read(model, actuals));

        AssertClose(exact, counts.Metrics(), 1e-12);
        Assert.Equal(4.0 / 9, counts.Metrics()["accuracy"]!.Value, 12);
    }

    [Fact]
    public void WithNoReadableOutcomeThereAreNoMetricsAndWithOneClassNoAuc()
    {
        var counts = RollupCounts.For(models.Binary);
        Assert.Empty(counts.Metrics());

        counts.AddOutcome(0.2, "0", "unknown", +1);
        Assert.Empty(counts.Metrics());
        Assert.Equal(1, counts.WithOutcome);

        counts.AddOutcome(0.2, "0", "0", +1);
        counts.AddOutcome(0.7, "1", "0", +1);
        Assert.Null(counts.Metrics()["auc"]);
        Assert.Equal(0, counts.Metrics()["observedDefectRate"]);
        Assert.Equal(0.45, counts.Metrics()["meanPredictedDefectRate"]!.Value, 12);
    }

    [Fact]
    public void TakingAnOutcomeBackRestoresTheEarlierCounts()
    {
        // Scores that are sums of powers of two add and subtract exactly, so the whole stored form can be compared.
        var counts = RollupCounts.For(models.Binary);
        counts.AddOutcome(0.75, "1", "1", +1);
        counts.AddOutcome(0.25, "0", "0", +1);
        var before = counts.ToBytes();

        counts.AddOutcome(0.625, "1", "0", +1);
        counts.AddOutcome(0.0625, "0", "1", +1);
        counts.AddOutcome(0.5, "0", "not checked", +1);
        counts.AddOutcome(0.625, "1", "0", -1);
        counts.AddOutcome(0.0625, "0", "1", -1);
        counts.AddOutcome(0.5, "0", "not checked", -1);

        Assert.Equal(before, counts.ToBytes());
        Assert.Equal(2, counts.WithOutcome);
    }

    [Fact]
    public void AnOutcomeReplacedByALaterReportCountsAsTheLaterOneAlone()
    {
        var replaced = RollupCounts.For(models.Regression);
        replaced.AddOutcome(0.81, null, "0.52", +1);
        replaced.AddOutcome(0.63, null, "0.7", +1);
        replaced.AddOutcome(0.81, null, "0.52", -1);
        replaced.AddOutcome(0.81, null, "0.9", +1);
        var onlyTheLater = RollupCounts.For(models.Regression);
        onlyTheLater.AddOutcome(0.63, null, "0.7", +1);
        onlyTheLater.AddOutcome(0.81, null, "0.9", +1);

        AssertClose(onlyTheLater.Metrics(), replaced.Metrics(), 1e-12);
        Assert.Equal(2, replaced.WithOutcome);
    }

    public static TheoryData<string> Tasks => ["binary", "regression", "multiclass"];

    /// <summary>An hour of the task's model: every record of a small set answered, and its outcome reported.</summary>
    private (ModelArtifact Model, RollupCounts Counts) Hour(string task)
    {
        var (model, frame, target) = task switch
        {
            "binary" => (models.Binary, Fixture("ai4i.records.csv"), "Machine failure"),
            "regression" => (models.Regression, Fixture("garments.records.csv"), "actual_productivity"),
            _ => (models.Multiclass, TrainedModels.FaultFrame(), "fault"),
        };
        var counts = RollupCounts.For(model);
        var answered = Answered(model, frame);
        for (int r = 0; r < answered.Length; r++)
        {
            var (cells, answer) = answered[r];
            counts.AddAnswer(cells, ScoreOf(answer), answer.Label);
            if (r % 3 != 0) counts.AddOutcome(ScoreOf(answer), answer.Label, frame.GetCell(r, frame.IndexOf(target)).ToString(), +1);
        }
        return (model, counts);
    }

    private static TabularFrame Fixture(string file) =>
        TestData.Frame(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Artifacts", file)));

    [Theory]
    [MemberData(nameof(Tasks))]
    public void ARoundTripThroughBytesPreservesEverything(string task)
    {
        var (model, counts) = Hour(task);

        var copy = RollupCounts.FromBytes(counts.ToBytes());

        Assert.Equal(counts.ToBytes(), copy.ToBytes());
        Assert.Equal(counts.Answers, copy.Answers);
        Assert.Equal(counts.WithOutcome, copy.WithOutcome);
        Assert.NotEmpty(copy.Metrics());
        AssertClose(counts.Metrics(), copy.Metrics(), 0);
        if (model.Profile is { } profile) AssertSameDrift(counts.Drift(profile), copy.Drift(profile));
    }

    [Theory]
    [MemberData(nameof(Tasks))]
    public void AddingACopyReadFromBytesEqualsAddingTheOriginal(string task)
    {
        var (_, hour) = Hour(task);
        var (_, withOriginal) = Hour(task);
        var (_, withCopy) = Hour(task);

        withOriginal.Add(hour);
        withCopy.Add(RollupCounts.FromBytes(hour.ToBytes()));

        Assert.Equal(withOriginal.ToBytes(), withCopy.ToBytes());
        Assert.Equal(2 * hour.Answers, withCopy.Answers);
        Assert.Equal(2 * hour.WithOutcome, withCopy.WithOutcome);
    }

    [Fact]
    public void AMulticlassAnswerCountsItsLabelsClassAsTheAccumulatorCountsTheMostProbable()
    {
        var model = models.Multiclass;
        var (_, counts) = Hour("multiclass");
        var accumulator = new DriftAccumulator(model);
        foreach (var (cells, answer) in Answered(model, TrainedModels.FaultFrame()))
        {
            accumulator.AddRecord(cells);
            accumulator.AddOutput(model.Classes!.Select(c => answer.Probabilities![c]).ToArray());
        }

        AssertSameDrift(accumulator.Report(), counts.Drift(model.Profile!));
    }

    [Fact]
    public void CountsOfAnotherShapeAreRefused()
    {
        var (binaryModel, binary) = Hour("binary");
        var (regressionModel, regression) = Hour("regression");
        var (multiclassModel, multiclass) = Hour("multiclass");
        var before = binary.ToBytes();

        Assert.Throws<InvalidDataException>(() => binary.Add(regression));
        Assert.Throws<InvalidDataException>(() => binary.Add(multiclass));
        Assert.Equal(before, binary.ToBytes());
        Assert.Throws<InvalidDataException>(() => binary.Drift(multiclassModel.Profile!));
        Assert.Throws<InvalidDataException>(() => RollupCounts.FromBytes(binary.ToBytes()).Drift(multiclassModel.Profile!));
        Assert.Throws<InvalidDataException>(() => regression.Drift(binaryModel.Profile!));   // stored before profiles: no drift counts
        Assert.Throws<InvalidDataException>(() => RollupCounts.FromBytes(binary.ToBytes(), regressionModel));
    }

    [Fact]
    public void DamagedBytesAreRefused()
    {
        var bytes = Hour("binary").Counts.ToBytes();

        Assert.Throws<InvalidDataException>(() => RollupCounts.FromBytes(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Throws<InvalidDataException>(() => RollupCounts.FromBytes([.. bytes, 0]));
        Assert.Throws<InvalidDataException>(() => RollupCounts.FromBytes([99, .. bytes[1..]]));
        Assert.Throws<InvalidDataException>(() => RollupCounts.FromBytes([]));
    }

    [Fact]
    public void CountsReadWithoutTheirModelTakeOutcomesButAnswersOnlyWhenReadWithIt()
    {
        var (model, hour) = Hour("binary");
        var record = Answered(model, Fixture("ai4i.records.csv"))[0].Cells;
        var withoutModel = RollupCounts.FromBytes(hour.ToBytes());
        var withModel = RollupCounts.FromBytes(hour.ToBytes(), model);

        withoutModel.AddOutcome(0.9, "1", "1", +1);
        Assert.Throws<InvalidOperationException>(() => withoutModel.AddAnswer(record, 0.9, "1"));
        withModel.AddAnswer(record, 0.9, "1");
        hour.AddAnswer(record, 0.9, "1");

        Assert.Equal(hour.WithOutcome + 1, withoutModel.WithOutcome);
        Assert.Equal(hour.ToBytes(), withModel.ToBytes());
    }
}
