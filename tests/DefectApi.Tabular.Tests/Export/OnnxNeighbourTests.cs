using DefectApi.Tabular.Export;
using DefectApi.Tabular.Neighbours;
using DefectApi.Tabular.Tests.Neighbours;
using Xunit.Abstractions;

namespace DefectApi.Tabular.Tests.Export;

/// <summary>A model with a neighbour component exports it: ONNX Runtime finds the same nearest rows and blends their
/// vote as the service does, for every task and both neighbour spaces.</summary>
public class OnnxNeighbourTests(TrainedModels models, ITestOutputHelper output) : IClassFixture<TrainedModels>
{
    [Theory]
    [InlineData(NeighbourSpace.Encoded)]
    [InlineData(NeighbourSpace.Quantiles)]
    public void OnnxRuntimeAgreesWithABinaryModelThatBlendsNeighbours(NeighbourSpace space)
    {
        var model = NeighbourModels.WithNeighbours(models.Binary, models.Frame, 10, 0.4, space);
        var records = NeighbourModels.Records(model, models.Frame);
        records.AddRange(OnnxDatasetTests.OddRows(model, records.Take(5).ToList()));

        OnnxAgreement.AssertAgrees(model, records, $"line model with 10 neighbours in the {space} space", output);
    }

    [Fact]
    public void OnnxRuntimeAgreesWithAMulticlassModelThatBlendsNeighbours()
    {
        var frame = TrainedModels.FaultFrame();
        var trained = TabularTrainer.Train(frame, TrainedModels.FastOptions with { Target = "fault", Epochs = 5 }, null, default, default)
            .Artifact;
        var model = NeighbourModels.WithNeighbours(trained, frame, 5, 0.7, NeighbourSpace.Encoded);

        OnnxAgreement.AssertAgrees(model, NeighbourModels.Records(model, frame), "fault model with 5 neighbours", output);
    }

    [Fact]
    public void OnnxRuntimeAgreesWithARegressionModelThatBlendsNeighbours()
    {
        var frame = NeighbourModels.Regression(250);
        var trained = TabularTrainer.Train(frame, TrainedModels.FastOptions with { Target = "y", Epochs = 5 }, null, default, default)
            .Artifact;
        var model = NeighbourModels.WithNeighbours(trained, frame, 20, 0.5, NeighbourSpace.Quantiles);
        var records = NeighbourModels.Records(model, frame);
        records.AddRange(OnnxDatasetTests.OddRows(model, records.Take(5).ToList()));

        OnnxAgreement.AssertAgrees(model, records, "regression model with 20 neighbours", output);
    }

    [Fact]
    public void TheNeighboursAreNamedInTheMetadata()
    {
        var model = NeighbourModels.WithNeighbours(models.Binary, models.Frame, 10, 0.4, NeighbourSpace.Encoded);
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(model.ToOnnx("line3", 2));

        Assert.Equal("{\"k\":10,\"weight\":0.4,\"rows\":400}", session.ModelMetadata.CustomMetadataMap["neighbours"]);
    }

    [Fact]
    public void ANeighbourIndexTooLargeForTheFileIsRefusedNamingTheStep()
    {
        var model = NeighbourModels.WithNeighbours(models.Binary, models.Frame, 10, 0.4, NeighbourSpace.Encoded);
        int stored = model.Members.Neighbours!.Index.Count * model.Members.Neighbours.Index.Width;

        var refusal = Assert.Throws<OnnxExportException>(
            () => OnnxScorerExport.Export(model.Scorer, "m", 1, maxNeighbourFloats: stored - 1));

        Assert.Equal("neighbour index", refusal.Step);
        Assert.Contains("400 rows", refusal.Message);
        Assert.NotEmpty(OnnxScorerExport.Export(model.Scorer, "m", 1, maxNeighbourFloats: stored));
    }
}
