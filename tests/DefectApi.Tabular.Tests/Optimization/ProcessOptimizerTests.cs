using DefectApi.Tabular.Features;
using DefectApi.Tabular.Optimization;

namespace DefectApi.Tabular.Tests.Optimization;

public class ProcessOptimizerTests(TrainedModels models) : IClassFixture<TrainedModels>
{
    [Fact]
    public void ADefectiveRecordIsMovedToAGoodOneOnTheGridAndOnlyInTheAdjustedColumns()
    {
        var record = TrainedModels.Record(9, 4.5, "L2");

        var outcome = models.Binary.Optimize(new OptimizationRequest(record, "minimize",
            [new AdjustableColumn("pressure", 0, 5, 0.25), new AdjustableColumn("line", Values: [CellValue.FromText("L1"),
            CellValue.FromText("L2")])]));

        var result = Assert.IsType<OptimizationResult>(outcome.Result);
        Assert.True(result.Before.Probability > 0.5);
        Assert.True(result.After.Probability < 0.1, $"{result.After.Probability}");
        Assert.Equal(0, result.Recommended["pressure"].Number % 0.25);
        Assert.Equal(record["temp"], result.Recommended["temp"]);
        Assert.Equal(result.After.Probability, models.Binary.Predict([result.Recommended]).Predictions[0].Probability);
        Assert.All(result.Changes, c => Assert.Contains(c.Column, new[] { "pressure", "line" }));
    }

    [Fact]
    public void ATrainedModelKeepsItsSampleThroughItsBytesAndPartialDependenceFollowsTheRule()
    {
        var model = ModelArtifact.FromBytes(models.Binary.ToBytes());

        var pressure = model.Sensitivity("pressure", 11);
        var line = model.Sensitivity("line");

        Assert.Equal(models.Binary.Sensitivity("pressure", 11).Points, pressure.Points);
        Assert.Equal(11, pressure.Points!.Count);
        // Defect when temp + 2·pressure > 12: the average defect probability grows with pressure.
        Assert.True(pressure.Points[^1].Prediction > pressure.Points[0].Prediction + 0.3);
        Assert.Equal(["L1", "L2", "L9"], line.Points!.Select(p => p.Value.Text).Order());
        Assert.Equal("column", Assert.Single(model.Sensitivity("ts").Errors).Field);
    }

    [Fact]
    public void AMulticlassGoalAppliesToTheProbabilityOfItsTargetClass()
    {
        // Surface finish by feed: fine below 0.3, rough above 0.6, medium between.
        var random = new Random(3);
        var frame = TestData.Frame(TestData.Csv("feed,speed,finish", 300, _ =>
        {
            double feed = random.NextDouble(), speed = random.NextDouble();
            return string.Create(CultureInfo.InvariantCulture,
                $"{feed:F3},{speed:F3},{(feed < 0.3 ? "fine" : feed > 0.6 ? "rough" : "medium")}");
        }));
        // The finish is a noiseless function of feed, which leak detection rightly flags; this test is about the goal.
        var model = TabularTrainer.Train(frame, new TabularTrainingOptions
        { Target = "finish", Epochs = 60, EnsembleSize = 1, HiddenLayers = [16], Leakage = LeakagePolicy.Off },
            null, default, default).Artifact;
        var record = new Dictionary<string, CellValue> { ["feed"] = CellValue.FromNumber(0.9), ["speed"] = CellValue.FromNumber(0.5) };

        var missing = model.Optimize(new OptimizationRequest(record, "maximize", [new AdjustableColumn("feed")]));
        var fine = model.Optimize(new OptimizationRequest(record, "maximize", [new AdjustableColumn("feed")], TargetClass: "fine")).Result!;

        Assert.Equal("targetClass", Assert.Single(missing.Errors).Field);
        Assert.Equal("rough", fine.Before.Label);
        Assert.Equal("fine", fine.After.Label);
        Assert.True(fine.Recommended["feed"].Number < 0.3);
    }

    [Fact]
    public void AVersionOneArtifactWithoutASampleStillLoadsAndItsSensitivityUsesTheBaseline()
    {
        var m = models.Binary;
        // A preprocessing per member, as models before format 4 had, so that it is written in format 3.
        var perMember = m.Members.Select(member => member with { Pipeline = Copy(member.Pipeline) }).ToArray();
        var v3 = new ModelArtifact(m.Target, m.TargetSpec, perMember, m.Dropped, m.Threshold, m.Validation, []).ToBytes();
        Assert.Equal(3, BitConverter.ToInt32(v3, 4));
        // Version 1 is version 3 without the trailing sample count (here 0) and profile flag (here false): drop them,
        // set the version, re-hash.
        var body = v3[..^37];
        BitConverter.GetBytes(1).CopyTo(body, 4);
        byte[] v1 = [.. body, .. System.Security.Cryptography.SHA256.HashData(body)];

        var loaded = ModelArtifact.FromBytes(v1);

        Assert.Equal(m.Predict([TrainedModels.Record(5, 2)]).Predictions, loaded.Predict([TrainedModels.Record(5, 2)]).Predictions);
        Assert.Equal(11, loaded.Sensitivity("pressure", 11).Points!.Count);
    }

    static FeaturePipeline Copy(FeaturePipeline pipeline)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) pipeline.Write(writer);
        stream.Position = 0;
        using var reader = new BinaryReader(stream);
        return FeaturePipeline.Read(reader);
    }
}
