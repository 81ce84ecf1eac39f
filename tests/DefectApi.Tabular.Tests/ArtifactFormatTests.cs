using System.Text.Json;

namespace DefectApi.Tabular.Tests;

/// <summary>
/// Models stored by earlier versions keep loading and predicting exactly as they did. Each fixture under
/// Fixtures/Artifacts was written by the code of its format version (v1: before the training sample, v2: with it,
/// both before piecewise-linear bins), together with that code's predictions for the records beside it.
/// </summary>
public class ArtifactFormatTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Artifacts");

    [Theory]
    [InlineData("ai4i", 1)]
    [InlineData("ai4i", 2)]
    [InlineData("garments", 1)]
    [InlineData("garments", 2)]
    [InlineData("steel", 1)]
    [InlineData("steel", 2)]
    public void AStoredModelPredictsWhatItPredictedWhenItWasStored(string dataset, int version)
    {
        var model = ModelArtifact.FromBytes(File.ReadAllBytes(Path.Combine(Folder, $"{dataset}.v{version}.model")));
        var records = TestData.Frame(File.ReadAllText(Path.Combine(Folder, $"{dataset}.records.csv")));
        var batch = model.Predict(Enumerable.Range(0, records.RowCount)
            .Select(r => (IReadOnlyDictionary<string, CellValue>)model.Inputs.ToDictionary(i => i.Name, i => records.GetCell(r, records.IndexOf(i.Name))))
            .ToList());

        string expected = File.ReadAllText(Path.Combine(Folder, $"{dataset}.v{version}.expected.json"));
        Assert.Equal(expected, JsonSerializer.Serialize(batch, new JsonSerializerOptions { WriteIndented = true }));
    }
}
