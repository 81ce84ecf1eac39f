using DefectApi.Tabular.Inference;

namespace DefectApi.Tabular.Tests.Inference;

/// <summary>A reader fills a batch column by column; the model checks it once and answers every fault together.</summary>
public class RecordBatchTests(TrainedModels models) : IClassFixture<TrainedModels>
{
    static void Fill(RecordBatch batch, Dictionary<string, CellValue> record)
    {
        batch.StartRecord();
        foreach (var (column, value) in record) batch.Set(column, value);
    }

    [Fact]
    public void ReadFaultsMissingInputsAndWrongTypesComeBackTogetherWithNoPredictions()
    {
        var batch = new RecordBatch(models.Binary.Scorer);
        Fill(batch, TrainedModels.Record(5, 1));
        Fill(batch, TrainedModels.Record(5, 1));
        batch.Set("temp", CellValue.FromNumber(6));             // given twice
        batch.StartRecord();
        batch.AddError([], "Each record must be a JSON object.");  // a record the reader could not read at all
        var wrong = TrainedModels.Record(5, 1);
        wrong["pressure"] = CellValue.FromText("high");
        wrong.Remove("ts");
        Fill(batch, wrong);

        var scored = models.Binary.Scorer.Score(batch);

        Assert.Empty(scored.Predictions);
        Assert.Equal([(1, "temp"), (2, ""), (3, "pressure"), (3, "ts")], scored.Errors.Select(e => (e.Record, e.Column)));
        Assert.Contains("more than once", scored.Errors[0].Message);
    }

    [Fact]
    public void ColumnsTheModelDoesNotUseAreIgnored()
    {
        var batch = new RecordBatch(models.Binary.Scorer);
        Fill(batch, TrainedModels.Record(9.5, 4.5));
        batch.Set("serial", CellValue.FromText("SN-1"));
        batch.Set("serial", CellValue.FromText("SN-2"));

        var scored = models.Binary.Scorer.Score(batch);

        Assert.Empty(scored.Errors);
        Assert.Equal(models.Binary.Predict([TrainedModels.Record(9.5, 4.5)]).Predictions[0], scored.Predictions[0]);
    }

    [Fact]
    public void AnAnswerThatIsNotFiniteIsAnErrorOfItsRecordAndNoRecordIsScored()
    {
        // A narrow column: 3e38 lies ~1e41 standard deviations out, beyond float32.
        var frame = TestData.Frame(TestData.Csv("x,y", 200, i => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{i * 0.00005},{i * 0.1 + (i % 7) * 0.01}")));
        var model = TabularTrainer.Train(frame, new TabularTrainingOptions
        {
            Target = "y", Epochs = 20, EnsembleSize = 1, HiddenLayers = [64, 64], Seed = 3,
        }, null, default, default).Artifact;
        var batch = new RecordBatch(model.Scorer);
        Fill(batch, new() { ["x"] = CellValue.FromNumber(2) });
        Fill(batch, new() { ["x"] = CellValue.FromNumber(3e38) });   // overflows the network

        var scored = model.Scorer.Score(batch);

        Assert.Empty(scored.Predictions);
        var error = Assert.Single(scored.Errors);
        Assert.Equal((1, ""), (error.Record, error.Column));
        Assert.Contains("no finite answer", error.Message);
    }
}
