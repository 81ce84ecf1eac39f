using DefectApi.Tabular.Inference;
using DefectApi.Tabular.Neighbours;

namespace DefectApi.Tabular.Tests.Neighbours;

public class NeighbourModelTests
{
    private static readonly TabularTrainingOptions Weak = new()
    {
        Target = "square", Epochs = 3, EarlyStoppingPatience = 3, EnsembleSize = 2, HiddenLayers = [4], Neighbours = true,
    };

    private static readonly Lazy<(TabularFrame Frame, ModelArtifact Model)> Board = new(() =>
    {
        var frame = NeighbourModels.Checkerboard(400);
        return (frame, TabularTrainer.Train(frame, Weak, null, default, default).Artifact);
    });

    [Fact]
    public void NetworksThatCannotDrawThePatternHandMostOfTheAnswerToTheNeighbours()
    {
        var (frame, model) = Board.Value;
        var networksOnly = TabularTrainer.Train(frame, Weak with { Neighbours = false }, null, default, default).Artifact;

        Assert.NotNull(model.Members.Neighbours);
        Assert.InRange(model.Members.Neighbours.Weight, 0.5, 1);
        Assert.Contains(model.Members.Neighbours.K, NeighbourSelection.Counts);
        Assert.Equal(400, model.Members.Neighbours.Index.Count);
        // The model's out-of-fold metrics are the blend's, and the blend is what scores the board.
        Assert.True((double)model.Metrics["auc"] > (double)networksOnly.Metrics["auc"] + 0.1,
            $"blend auc {model.Metrics["auc"]}, networks alone {networksOnly.Metrics["auc"]}");
        Assert.True((double)model.Metrics["auc"] > 0.85, $"auc {model.Metrics["auc"]}");
    }

    [Fact]
    public void AModelWithNeighboursIsWrittenInFormatSixAndReadsBackByteForByteAnsweringTheSame()
    {
        var (frame, model) = Board.Value;
        var bytes = model.ToBytes();

        var again = ModelArtifact.FromBytes(bytes);

        Assert.Equal(6, BitConverter.ToInt32(bytes, 4));
        Assert.Equal(bytes, again.ToBytes());
        Assert.Equal((model.Members.Neighbours!.K, model.Members.Neighbours.Weight), (again.Members.Neighbours!.K,
            again.Members.Neighbours.Weight));
        var records = NeighbourModels.Records(model, frame).Take(50).ToList();
        Assert.Equal(model.Predict(records).Predictions.Select(p => p.Probability), again.Predict(records).Predictions.Select(
            p => p.Probability));
    }

    [Fact]
    public void TheSameTrainingWithNeighboursGivesTheSameBytes()
    {
        var (frame, model) = Board.Value;

        var again = TabularTrainer.Train(frame, Weak, null, default, default).Artifact;

        Assert.Equal(model.ToBytes(), again.ToBytes());
    }

    [Fact]
    public void AModelWithoutNeighboursKeepsTheFormatItWasWrittenInBefore()
    {
        var frame = NeighbourModels.Checkerboard(400);
        var model = TabularTrainer.Train(frame, Weak with { Neighbours = false }, null, default, default).Artifact;

        Assert.Equal(4, BitConverter.ToInt32(model.ToBytes(), 4));
    }

    [Fact]
    public void TheBlendIsTheNetworksAndTheVoteInTheChosenProportion()
    {
        var (frame, model) = Board.Value;
        var blend = model.Members.Neighbours!;
        var records = NeighbourModels.Records(model, frame).Take(20).ToList();

        var blended = model.Predict(records).Predictions;
        var networks = model.WithoutNeighbours().Predict(records).Predictions;
        var pure = NeighbourModels.WithNeighbours(model.WithoutNeighbours(), frame, blend.K, 1.0, NeighbourSpace.Encoded)
            .Predict(records).Predictions;

        for (int i = 0; i < records.Count; i++)
            Assert.Equal((1 - blend.Weight) * networks[i].Probability!.Value + blend.Weight * pure[i].Probability!.Value,
                blended[i].Probability!.Value, 12);
    }

    [Fact]
    public void TheModelsPartOfAPredictionWithNeighboursAllocatesNothing()
    {
        var (frame, model) = Board.Value;
        var record = NeighbourModels.Records(model, frame)[0];
        var cells = model.Inputs.Select(i => record[i.Name]).ToArray();
        var result = new double[1];
        EnsembleOutputs.PredictInto(model.Members, model.TargetSpec, cells, 1, null, result);   // this thread's scratch

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) EnsembleOutputs.PredictInto(model.Members, model.TargetSpec, cells, 1, null, result);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(model.Predict([record]).Predictions[0].Probability!.Value, result[0], 12);
    }

    [Fact]
    public void TheQuantileSpaceReadsEachNumberOnceAndEverythingElseAsEncoded()
    {
        var model = TabularTrainer.Train(TestData.Frame(TrainedModels.LineCsv(200)), TrainedModels.FastOptions with { Epochs = 2 },
            null, default, default)
            .Artifact;
        var pipeline = model.Members.SharedPipeline!;

        var columns = NeighbourBlend.ColumnsOf(pipeline, NeighbourSpace.Quantiles);

        // temp and pressure: their quantile-normal score (second input each); line, coated and ts: all their inputs.
        int temp = pipeline.Encoders[0].Width, pressure = pipeline.Encoders[1].Width;
        Assert.Equal([1, temp + 1, .. Enumerable.Range(temp + pressure, pipeline.Width - temp - pressure)], columns);
        Assert.Equal(Enumerable.Range(0, pipeline.Width), NeighbourBlend.ColumnsOf(pipeline, NeighbourSpace.Encoded));
    }

    [Fact]
    public void AskingForNeighboursOnMoreRowsThanTheyHoldFailsBeforeTraining()
    {
        var frame = NeighbourModels.Checkerboard(NeighbourTraining.MaxRows + 1);

        var refusal = Assert.Throws<TrainingDataException>(() => TabularTrainer.Train(frame, Weak, null, default, default));

        Assert.StartsWith("neighbours:", refusal.Message);
        Assert.Contains("50000", refusal.Message);
    }
}
