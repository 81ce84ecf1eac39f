using DefectApi.NeuralNet.Specs;
using DefectApi.Tabular.Export;
using Xunit.Abstractions;

namespace DefectApi.Tabular.Tests.Export;

/// <summary>The line model of <see cref="TrainedModels"/> has every kind of input: numbers with gaps, a category with a
/// rare level, a boolean and a timestamp.</summary>
public class OnnxSyntheticTests(TrainedModels models, ITestOutputHelper output) : IClassFixture<TrainedModels>
{
    [Fact]
    public void OnnxRuntimeAgreesWithTheServiceOnTrainingRowsAndOddValues()
    {
        var model = models.Binary;
        var records = new List<IReadOnlyDictionary<string, CellValue>>();
        var names = model.Inputs.Select(i => i.Name).ToArray();
        for (int r = 0; r < models.Frame.RowCount; r++)
            records.Add(names.ToDictionary(n => n, n => models.Frame.GetCell(r, models.Frame.IndexOf(n))));
        var odd = new (string Column, CellValue Value)[]
        {
            ("temp", CellValue.Missing), ("temp", CellValue.FromNumber(1e6)), ("temp", CellValue.FromNumber(-5e3)),
            ("pressure", CellValue.FromNumber(-0.0)), ("line", CellValue.Missing), ("line", CellValue.FromText("L7")),
            ("line", CellValue.FromText(" L1\t")), ("line", CellValue.FromText("L9")), ("line", CellValue.FromText("l1")),
            ("coated", CellValue.Missing), ("coated", CellValue.FromText(" YES ")), ("coated", CellValue.FromText("No")),
            ("coated", CellValue.FromNumber(1)), ("coated", CellValue.FromNumber(0)),
            ("ts", CellValue.Missing), ("ts", CellValue.FromText("1999-12-31T23:59:59")), ("ts", CellValue.FromText("2024-02-29T00:00:00")),
            ("ts", CellValue.FromText("1901-07-04T12:30:00")),
        };
        foreach (var (column, value) in odd)
            foreach (var baseRecord in records.Take(5).ToArray())
                records.Add(new Dictionary<string, CellValue>(baseRecord) { [column] = value });

        OnnxAgreement.AssertAgrees(model, records, "line model (boolean, datetime, gaps, unseen)", output);
    }

    /// <summary>Options off the defaults that change the graph: piecewise-linear bins and the other hidden activations.</summary>
    [Theory]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.LeakyRelu)]
    [InlineData(Activation.Sigmoid)]
    public void OnnxRuntimeAgreesWithBinsAndEveryActivation(Activation activation)
        => AssertAgreesOnTrainingAndOddRows(TrainedModels.FastOptions with
        {
            NumericBins = 8,
            Activation = activation,
            HiddenLayers = [16, 8],
            Epochs = 5
        },
            $"line model, 8 bins, {activation}");

    /// <summary>RealMLP's robust scale with smooth clipping as the numbers' first input, with and without bins; the odd
    /// rows include values far outside the training range, where the clip saturates.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    public void OnnxRuntimeAgreesWithRobustScaling(int bins)
        => AssertAgreesOnTrainingAndOddRows(TrainedModels.FastOptions with
        {
            RobustScaling = true,
            NumericBins = bins,
            HiddenLayers = [16, 8],
            Epochs = 5
        },
            $"line model, robust scaling, {bins} bins");

    private void AssertAgreesOnTrainingAndOddRows(TabularTrainingOptions options, string label)
    {
        var model = TabularTrainer.Train(models.Frame, options, null, default, default).Artifact;
        var names = model.Inputs.Select(i => i.Name).ToArray();
        var records = Enumerable.Range(0, models.Frame.RowCount)
            .Select(r => (IReadOnlyDictionary<string, CellValue>)names.ToDictionary(n => n, n => models.Frame.GetCell(r,
                models.Frame.IndexOf(n))))
            .ToList();
        records.AddRange(OnnxDatasetTests.OddRows(model, records.Take(5).ToList()));

        OnnxAgreement.AssertAgrees(model, records, label, output);
    }

    [Fact]
    public void TheModelsMetadataTravelsInTheFile()
    {
        var model = models.Binary;
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(model.ToOnnx("line3", 7));

        var metadata = session.ModelMetadata;
        Assert.Equal(7, metadata.Version);
        Assert.Equal("line3", metadata.CustomMetadataMap["name"]);
        Assert.Equal("result", metadata.CustomMetadataMap["target"]);
        Assert.Equal("[\"OK\",\"NG\"]", metadata.CustomMetadataMap["classes"]);
        Assert.Equal(model.Threshold!.Value, double.Parse(metadata.CustomMetadataMap["threshold"],
            System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(["temp", "pressure", "line", "coated", "ts"], session.InputNames);
        Assert.Equal(["probability", "label"], session.OutputNames);
        Assert.Contains("{\"name\":\"coated\",\"type\":\"boolean\",\"onnx\":\"string\"}", metadata.CustomMetadataMap["inputs"]);
    }

    [Fact]
    public void AColumnNamedLikeAnOutputIsRefusedNamingTheStep()
    {
        var frame = TestData.Frame(TrainedModels.LineCsv(200).Replace("serial,temp,", "serial,label,", StringComparison.Ordinal));
        var model = TabularTrainer.Train(frame, TrainedModels.FastOptions with { Epochs = 2, EnsembleSize = 1 }, null, default, default)
            .Artifact;

        var refusal = Assert.Throws<OnnxExportException>(() => model.ToOnnx("m", 1));

        Assert.Equal("input names", refusal.Step);
        Assert.Contains("'label'", refusal.Message);
    }
}
