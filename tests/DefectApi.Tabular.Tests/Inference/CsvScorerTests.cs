using System.Text;
using DefectApi.Tabular;
using DefectApi.Tabular.Csv;
using DefectApi.Tabular.Inference;

namespace DefectApi.Tabular.Tests.Inference;

public class CsvScorerTests(TrainedModels models) : IClassFixture<TrainedModels>
{
    /// <summary>What the last <see cref="Score"/> reported: the rows answered and those given an error.</summary>
    private CsvScoreCounts _lastCounts;

    private async Task<string[]> Score(string csv, MemoryStream? output = null)
    {
        output ??= new MemoryStream();
        _lastCounts = await CsvScorer.ScoreAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), output, models.Binary.Scorer, null,
            CancellationToken.None);
        return Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private const string Header = "serial,lot,temp,pressure,line,coated,ts";

    [Fact]
    public async Task EveryInputColumnPassesThroughThenThePredictions()
    {
        var lines = await Score(Header + "\nSN-001,\"LOT 7, A\",9.5,4.5,L1,yes,2024-03-05T10:00:00\nSN-002,LOT8,0.5,0.2,L2,no," +
            "2024-03-05T11:00:00\n");

        Assert.Equal(Header + ",label,probability,defect,error", lines[0]);
        Assert.StartsWith("SN-001,\"LOT 7, A\",9.5,4.5,L1,yes,2024-03-05T10:00:00,NG,", lines[1]);
        Assert.EndsWith(",true,", lines[1]);
        Assert.StartsWith("SN-002,LOT8,", lines[2]);
        Assert.EndsWith(",OK," + lines[2].Split(',')[^3] + ",false,", lines[2]);
    }

    [Fact]
    public async Task HeaderLackingAModelInputFailsBeforeAnythingIsWritten()
    {
        var output = new MemoryStream();
        var error = await Assert.ThrowsAsync<CsvFormatException>(() => Score("serial,temp,line,coated,ts\nA,1,L1,yes,2024-03-05\n",
            output));

        Assert.Equal("pressure", error.Column);
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public async Task RowWithABadValueGetsAnErrorAndTheStreamGoesOn()
    {
        var lines = await Score(Header + "\nA,1,hot,4,L1,yes,2024-03-05T10:00:00\nB,1,9.5,4.5,L1,yes,2024-03-05T10:00:00\n");

        Assert.EndsWith(",,,\"temp: must be a number, got text 'hot'\"", lines[1]);   // quoted: the message holds a comma
        Assert.Contains(",NG,", lines[2]);
    }

    [Fact]
    public async Task ALargeBatchScoredInSlicesAnswersEveryRowInOrderAsOneByOne()
    {
        // 1,500 rows make batches of 1,024 scored in slices on the cores; every 7th row is bad and is answered in place.
        var csv = new StringBuilder(Header + "\n");
        var expected = new List<string?>();
        for (int i = 0; i < 1500; i++)
        {
            double temp = i % 100 / 10.0, pressure = i % 50 / 10.0;
            bool bad = i % 7 == 3;
            csv.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"SN{i},L,{(bad ? "hot" : temp.ToString(System.Globalization.CultureInfo.InvariantCulture))}," +
                $"{pressure.ToString(System.Globalization.CultureInfo.InvariantCulture)},L1,yes,2024-03-05T10:00:00\n");
            expected.Add(bad ? null : models.Binary.Predict([TrainedModels.Record(temp, pressure)]).Predictions[0].Label);
        }

        var lines = await Score(csv.ToString());

        Assert.Equal(1501, lines.Length);
        // Both batches are counted: 214 of the rows (i % 7 == 3) are bad.
        Assert.Equal(new CsvScoreCounts(1286, 214), _lastCounts);
        for (int i = 0; i < 1500; i++)
        {
            var fields = lines[i + 1].Split(',');
            Assert.Equal($"SN{i}", fields[0]);
            if (expected[i] is { } label) Assert.Equal(label, fields[^4]);
            else Assert.Contains("temp: must be a number", lines[i + 1]);
        }
    }

    [Fact]
    public async Task EmptyCellsAreFilledAsTrainingFilledThem()
    {
        var lines = await Score(Header + "\nA,1,,4.5,L1,,\n");
        Assert.EndsWith(",", lines[1]);
        Assert.DoesNotContain("must", lines[1]);
    }

    [Fact]
    public async Task SemicolonFileWithDecimalCommaIsAnsweredInKind()
    {
        var lines = await Score("serial;temp;pressure;line;coated;ts\nA;9,5;4,5;L1;yes;2024-03-05T10:00:00\n");

        Assert.Equal("serial;temp;pressure;line;coated;ts;label;probability;defect;error", lines[0]);
        var probability = lines[1].Split(';')[7];
        Assert.Contains(",", probability);
    }

    [Fact]
    public async Task CellsASpreadsheetWouldRunAsFormulasGetALeadingQuote()
    {
        var lines = await Score("serial,lot,temp,pressure,line,coated,ts,note\n" +
            "=HYPERLINK(\"http://x\"),+SUM(A1),-3.5,+4.5,@cmd,yes,2024-03-05T10:00:00,\"\tx\"\n" +
            "-2+3,\"=1,2\",9.5,-1e2,L1,yes,2024-03-05T10:00:00,-\n");

        Assert.StartsWith("\"'=HYPERLINK(\"\"http://x\"\")\",'+SUM(A1),-3.5,+4.5,'@cmd,yes,2024-03-05T10:00:00,'\tx,", lines[1]);
        Assert.StartsWith("'-2+3,\"'=1,2\",9.5,-1e2,L1,yes,2024-03-05T10:00:00,-,", lines[2]);
    }

    [Fact]
    public async Task NegativeDecimalCommaNumbersStayNumbersAndFormulaHeadersAreDefused()
    {
        var lines = await Score("serial;temp;pressure;line;coated;ts;=cmd\nA;-9,5;4,5;L1;yes;2024-03-05T10:00:00;@x\n");

        Assert.Equal("serial;temp;pressure;line;coated;ts;'=cmd;label;probability;defect;error", lines[0]);
        Assert.StartsWith("A;-9,5;4,5;L1;yes;2024-03-05T10:00:00;'@x;", lines[1]);
    }

    [Fact]
    public async Task MulticlassAddsALabelAndOneProbabilityColumnPerClass()
    {
        var frame = TestData.Frame(TestData.Csv("a,fault", 120,
            i => $"{i % 3},{(i % 3 == 0 ? "Bumps" : i % 3 == 1 ? "Stains" : "Pastry")}"));
        var model = DefectApi.Tabular.TabularTrainer.Train(frame,
            new DefectApi.Tabular.Training.TabularTrainingOptions
            {
                // The label is a noiseless function of 'a', which leak detection rightly flags; this test is about the CSV.
                Target = "fault", Epochs = 5, EnsembleSize = 1, Leakage = DefectApi.Tabular.Training.LeakagePolicy.Off,
            }, null, default, default).Artifact;
        var output = new MemoryStream();
        await CsvScorer.ScoreAsync(new MemoryStream(Encoding.UTF8.GetBytes("id,a\n7,1\n")), output, model.Scorer, null,
            CancellationToken.None);
        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("id,a,label,probability_Bumps,probability_Pastry,probability_Stains,error", lines[0]);
        Assert.StartsWith("7,1,", lines[1]);
    }

    [Fact]
    public async Task ARowTheModelGivesNoFiniteAnswerForGetsAnErrorAndTheOthersTheirAnswers()
    {
        // A narrow column: 3e38 lies ~1e41 standard deviations out, beyond float32, and overflows the network.
        var frame = TestData.Frame(TestData.Csv("x,y", 200, i => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{i * 0.00005},{i * 0.1 + (i % 7) * 0.01}")));
        var model = DefectApi.Tabular.TabularTrainer.Train(frame, new DefectApi.Tabular.Training.TabularTrainingOptions
        {
            Target = "y", Epochs = 20, EnsembleSize = 1, HiddenLayers = [64, 64], Seed = 3,
        }, null, default, default).Artifact;
        var output = new MemoryStream();
        var csv = new MemoryStream(Encoding.UTF8.GetBytes("id,x\nA,0.002\nB,3e38\nC,0.004\n"));
        var counts = await CsvScorer.ScoreAsync(csv, output, model.Scorer, null, CancellationToken.None);
        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("id,x,value,error", lines[0]);
        Assert.Matches(@"^A,0\.002,[-0-9.Ee+]+,$", lines[1]);
        Assert.Equal("B,3e38,," + Scorer.NoFiniteAnswer, lines[2]);
        Assert.Matches(@"^C,0\.004,[-0-9.Ee+]+,$", lines[3]);
        Assert.Equal(new CsvScoreCounts(2, 1), counts);
    }
}
