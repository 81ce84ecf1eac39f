using DefectApi.Tabular.Inference;

namespace DefectApi.Tabular.Tests.Monitoring;

/// <summary>A model of each task for the rollup tests: the stored AI4I model (binary, with a training profile), the
/// stored garments model (regression, stored before profiles existed) and a small steel-fault model trained here
/// (multiclass, with a profile; its quality does not matter).</summary>
public sealed class RollupModels
{
    public ModelArtifact Binary { get; } = ArtifactFormatTests.Load("ai4i", 3);
    public ModelArtifact Regression { get; } = ArtifactFormatTests.Load("garments", 2);

    public ModelArtifact Multiclass { get; } = TabularTrainer.Train(TrainedModels.FaultFrame(),
        new TabularTrainingOptions { Target = "fault", Epochs = 5, EnsembleSize = 1, HiddenLayers = [8] }, null, default, default).Artifact;

    /// <summary>Each row of <paramref name="frame"/> as a record in the model's input order, with the model's answer.</summary>
    public static (CellValue[] Cells, Prediction Answer)[] Answered(ModelArtifact model, TabularFrame frame)
    {
        var columns = model.Inputs.Select(i => frame.IndexOf(i.Name)).ToArray();
        var records = Enumerable.Range(0, frame.RowCount).Select(r => columns.Select(c => frame.GetCell(r, c)).ToArray()).ToArray();
        var batch = model.Predict(records.Select(cells => (IReadOnlyDictionary<string, CellValue>)model.Inputs
            .Select((input, i) => (input.Name, cells[i])).ToDictionary(x => x.Name, x => x.Item2)).ToList());
        Assert.Empty(batch.Errors);
        return records.Zip(batch.Predictions).ToArray();
    }

    /// <summary>The score a deployment logs: binary P(positive), regression the value, multiclass the label's probability.</summary>
    public static double ScoreOf(Prediction answer) =>
        answer.Probability ?? answer.Value ?? answer.Probabilities![answer.Label!];

    /// <summary>Every metric the exact computation gives, the same keys and each within <paramref name="tolerance"/>.</summary>
    public static void AssertClose(IReadOnlyDictionary<string, double?> exact, IReadOnlyDictionary<string, double?> rolledUp,
        double tolerance)
    {
        Assert.Equal(exact.Keys, rolledUp.Keys);
        foreach (var (key, value) in exact)
        {
            Assert.Equal(value.HasValue, rolledUp[key].HasValue);
            if (value is { } v) Assert.True(Math.Abs(v - rolledUp[key]!.Value) <= tolerance, $"{key}: exact {v}, from rollups " +
                $"{rolledUp[key]}");
        }
    }

    /// <summary>The two reports agree on every count, share, PSI, status and bin.</summary>
    public static void AssertSameDrift(DriftReport expected, DriftReport actual)
    {
        Assert.Equal(expected.Records, actual.Records);
        Assert.Equal(expected.Outputs, actual.Outputs);
        Assert.Equal(expected.Columns.Count, actual.Columns.Count);
        foreach (var (want, got) in expected.Columns.Append(expected.Output).Zip(actual.Columns.Append(actual.Output)))
        {
            Assert.Equal(want with { Bins = Array.Empty<DriftBin>() }, got with { Bins = Array.Empty<DriftBin>() });
            Assert.Equal(want.Bins, got.Bins);
        }
    }
}
