using DefectApi.Tabular.Features;
using DefectApi.Tabular.Inference;

namespace DefectApi.Tabular.Tests;

public class ModelArtifactTests(TrainedModels models) : IClassFixture<TrainedModels>
{
    private ModelArtifact Model => models.Binary;

    [Fact]
    public void BytesRoundTripToTheSameModel()
    {
        var bytes = Model.ToBytes();
        var copy = ModelArtifact.FromBytes(bytes);
        var record = TrainedModels.Record(9, 4);

        Assert.Equal(bytes, copy.ToBytes());
        Assert.Equal(Model.Threshold, copy.Threshold);
        Assert.Equal(Model.Inputs.Select(i => i.Name), copy.Inputs.Select(i => i.Name));
        Assert.Equal(Model.Predict([record]).Predictions[0].Probability, copy.Predict([record]).Predictions[0].Probability);
    }

    [Fact]
    public void CorruptOrForeignBlobsAreInvalidData()
    {
        var bytes = Model.ToBytes();
        var flipped = (byte[])bytes.Clone();
        flipped[bytes.Length / 2] ^= 0x40;

        Assert.Throws<InvalidDataException>(() => ModelArtifact.FromBytes(flipped));
        Assert.Throws<InvalidDataException>(() => ModelArtifact.FromBytes(bytes[..^10]));
        Assert.Throws<InvalidDataException>(() => ModelArtifact.FromBytes([1, 2, 3]));
        Assert.Throws<InvalidDataException>(() => ModelArtifact.FromBytes(new byte[100]));
    }

    [Fact]
    public void BinaryPredictionGivesTheProbabilityOfTheDefectAndTheDecision()
    {
        var predictions = Model.Predict([TrainedModels.Record(9.5, 4.5), TrainedModels.Record(0.5, 0.2)]).Predictions;

        Assert.Equal("NG", predictions[0].Label);
        Assert.True(predictions[0].Defect);
        Assert.True(predictions[0].Probability > Model.Threshold);
        Assert.Equal("OK", predictions[1].Label);
        Assert.False(predictions[1].Defect);
        Assert.Null(predictions[1].Warnings);
    }

    [Fact]
    public void MissingValueIsFilledAsTrainingFilledIt()
    {
        var batch = Model.Predict([TrainedModels.Record(null, 4)]);
        Assert.Empty(batch.Errors);
        Assert.InRange(batch.Predictions[0].Probability!.Value, 0, 1);
    }

    [Fact]
    public void MissingColumnAndWrongTypesAreErrorsForEveryRecordAndNoPredictions()
    {
        var noTemp = TrainedModels.Record(5, 1);
        noTemp.Remove("temp");
        var textTemp = TrainedModels.Record(5, 1);
        textTemp["temp"] = CellValue.FromText("hot");
        var nanPressure = TrainedModels.Record(5, double.NaN);
        var badTime = TrainedModels.Record(5, 1);
        badTime["ts"] = CellValue.FromNumber(3);

        var batch = Model.Predict([TrainedModels.Record(5, 1), noTemp, textTemp, nanPressure, badTime]);

        Assert.Empty(batch.Predictions);
        Assert.Equal([(1, "temp"), (2, "temp"), (3, "pressure"), (4, "ts")], batch.Errors.Select(e => (e.Record, e.Column)));
        Assert.Contains("missing", batch.Errors[0].Message);
        Assert.Contains("number", batch.Errors[1].Message);
    }

    [Fact]
    public void TheModelsPartOfAPredictionAllocatesNothing()
    {
        // Numeric, categorical, boolean and datetime inputs, every member encoding and running its network.
        var record = TrainedModels.Record(5, 1);
        var cells = Model.Inputs.Select(i => record[i.Name]).ToArray();
        var result = new double[Model.Classes!.Count == 2 ? 1 : Model.Classes.Count];
        DefectApi.Tabular.Inference.EnsembleOutputs.PredictInto(Model.Members, Model.TargetSpec,
            cells, 1, null, result);   // this thread's scratch

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) DefectApi.Tabular.Inference.EnsembleOutputs.PredictInto(Model.Members, Model.TargetSpec,
            cells, 1, null, result);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(Model.Predict([record]).Predictions[0].Probability!.Value, result[0], 12);
    }

    [Fact]
    public void PackedNetworksAnswerWhatEachMemberOnItsOwnAnswers()
    {
        // The same members, each reading its own copy of the preprocessing: encoded and run one by one.
        var copies = Model.Members.Select(m => m with
        {
            Pipeline = FeaturePipeline.Read(new BinaryReader(new MemoryStream(
            PipelineBytes(m.Pipeline))))
        });
        var oneByOne = new ModelArtifact(Model.Target, Model.TargetSpec, copies.ToArray(), Model.Dropped,
            Model.Threshold, Model.Validation);
        var records = Enumerable.Range(0, 150).Select(i => (IReadOnlyDictionary<string, CellValue>)TrainedModels.Record(i % 10,
            i % 7 * 0.7)).ToList();

        var packed = Model.Predict(records).Predictions;
        var unpacked = oneByOne.Predict(records).Predictions;

        Assert.NotNull(Model.Members.Packed);
        Assert.Null(oneByOne.Members.Packed);
        for (int i = 0; i < records.Count; i++) Assert.Equal(unpacked[i].Probability!.Value, packed[i].Probability!.Value, 1e-6);
    }

    static byte[] PipelineBytes(FeaturePipeline pipeline)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream)) pipeline.Write(writer);
        return stream.ToArray();
    }

    [Fact]
    public void ErrorsStopAtOneHundred()
    {
        var bad = TrainedModels.Record(5, 1);
        bad["temp"] = CellValue.FromText("x");
        Assert.Equal(Scorer.MaxErrors, Model.Predict(Enumerable.Repeat(bad, 150).ToArray()).Errors.Count);
    }

    [Fact]
    public void UnseenCategoryAndFarOutsideValueWarnButPredict()
    {
        var prediction = Model.Predict([TrainedModels.Record(500, 1, line: "L7")]).Predictions[0];

        Assert.Equal(2, prediction.Warnings!.Count);
        Assert.Contains(prediction.Warnings, w => w.Contains("'line'"));
        Assert.Contains(prediction.Warnings, w => w.Contains("'temp'"));
    }

    [Fact]
    public void WithThresholdRecomputesTheMetricsThere()
    {
        var strict = Model.WithThreshold(0.99);

        Assert.Equal(0.99, strict.Threshold);
        Assert.Equal(0.99, (double)strict.Metrics["threshold"]);
        Assert.Equal(Model.Metrics["auc"], strict.Metrics["auc"]);
        Assert.True((double)strict.Metrics["recall"] <= (double)Model.Metrics["recall"]);
        Assert.Throws<ArgumentOutOfRangeException>(() => Model.WithThreshold(1.5));
    }

    [Fact]
    public void ExpensiveMissedDefectsLowerTheThreshold()
    {
        var cautious = Model.WithCostThreshold(falsePositiveCost: 1, falseNegativeCost: 100);
        var thrifty = Model.WithCostThreshold(falsePositiveCost: 100, falseNegativeCost: 1);

        Assert.True(cautious.Threshold <= thrifty.Threshold);
        Assert.True((long)((long[][])cautious.Metrics["confusionMatrix"])[1][0] <= ((long[][])thrifty.Metrics["confusionMatrix"])[1][0]);
    }
}
