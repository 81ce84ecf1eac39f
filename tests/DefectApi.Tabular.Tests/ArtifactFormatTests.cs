using System.Text.Json;
using DefectApi.Tabular.Inference;

namespace DefectApi.Tabular.Tests;

/// <summary>
/// Models stored by earlier versions keep loading and predicting exactly as they did. Each fixture under
/// Fixtures/Artifacts was written by the code of its format version (v1: before the training sample, v2: with it,
/// both before piecewise-linear bins; v3: with the training profile, a small model trained on the AI4I train split;
/// v4: one preprocessing shared by the members, 3 networks of 16 and 8 units on the first 2,000 rows of that split;
/// v6: the same networks' shape on the first 1,000 rows, with the neighbour component the training chose, k 5 and weight 0.9),
/// together with that code's predictions for the records beside it.
/// </summary>
public class ArtifactFormatTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Artifacts");

    /// <summary>The fixtures stored before training profiles existed: dataset and format version.</summary>
    public static TheoryData<string, int> StoredBeforeProfiles => new()
    {
        { "ai4i", 1 }, { "ai4i", 2 }, { "garments", 1 }, { "garments", 2 }, { "steel", 1 }, { "steel", 2 },
    };

    /// <summary>Every stored fixture.</summary>
    public static TheoryData<string, int> StoredModels
    {
        get
        {
            var all = StoredBeforeProfiles;
            all.Add("ai4i", 3);
            all.Add("ai4i", 4);
            all.Add("ai4i", 6);
            return all;
        }
    }

    internal static ModelArtifact Load(string dataset, int version) =>
        ModelArtifact.FromBytes(File.ReadAllBytes(Path.Combine(Folder, $"{dataset}.v{version}.model")));

    [Theory]
    [MemberData(nameof(StoredModels))]
    public void AStoredModelPredictsWhatItPredictedWhenItWasStored(string dataset, int version)
    {
        var model = Load(dataset, version);
        var records = TestData.Frame(File.ReadAllText(Path.Combine(Folder, $"{dataset}.records.csv")));
        var batch = model.Predict(Enumerable.Range(0, records.RowCount)
            .Select(r => (IReadOnlyDictionary<string, CellValue>)model.Inputs.ToDictionary(i => i.Name, i => records.GetCell(r,
                records.IndexOf(i.Name))))
            .ToList());

        // The same decisions and warnings, and the same numbers to float32 precision: the networks compute in float32,
        // and a machine with other vector units may sum a product's terms in another order.
        var expected = JsonSerializer.Deserialize<PredictionBatch>(File.ReadAllText(Path.Combine(Folder,
            $"{dataset}.v{version}.expected.json")))!;
        Assert.Empty(batch.Errors);
        Assert.Equal(expected.Predictions.Count, batch.Predictions.Count);
        foreach (var (want, got) in expected.Predictions.Zip(batch.Predictions))
        {
            Assert.Equal(want.Label, got.Label);
            Assert.Equal(want.Defect, got.Defect);
            Assert.Equal(want.Warnings ?? [], got.Warnings ?? []);
            Close(want.Probability, got.Probability);
            Close(want.Value, got.Value);
            Assert.Equal(want.Probabilities?.Keys.Order(), got.Probabilities?.Keys.Order());
            foreach (var (label, p) in want.Probabilities ?? new Dictionary<string, double>()) Close(p, got.Probabilities![label]);
        }
    }

    private static void Close(double? want, double? got)
    {
        Assert.Equal(want.HasValue, got.HasValue);
        if (want is { } w) Assert.InRange(got!.Value, w - 1e-5 * Math.Max(1, Math.Abs(w)), w + 1e-5 * Math.Max(1, Math.Abs(w)));
    }

    [Fact]
    public void AStoredVersionThreeModelKeepsItsProfileWhenWrittenAgain()
    {
        var model = Load("ai4i", 3);

        var again = ModelArtifact.FromBytes(model.ToBytes());

        Assert.NotNull(model.Profile);
        Assert.Equal(model.Inputs.Select(i => i.Name), model.Profile.Columns.Select(c => c.Name));
        Assert.Equal(model.Profile.Columns.Select(c => c.Edges), again.Profile!.Columns.Select(c => c.Edges));
        Assert.Equal(model.Profile.Columns.Select(c => c.Shares), again.Profile.Columns.Select(c => c.Shares));
        Assert.Equal(model.Profile.Output.Shares, again.Profile.Output.Shares);
    }

    [Theory]
    [MemberData(nameof(StoredModels))]
    public void AStoredModelIsWrittenAgainInItsOwnLayoutByteForByte(string dataset, int version)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Folder, $"{dataset}.v{version}.model"));
        var model = ModelArtifact.FromBytes(bytes);

        var again = model.ToBytes();

        // Several members with a preprocessing each (formats 1 to 3) are written as format 3, whatever they were read
        // from; one preprocessing for all (format 4, or a single member) is written once, and the networks run packed;
        // a neighbour component keeps its model in format 6.
        bool shared = version >= 4 || model.Members.Count == 1;
        Assert.Equal(version == 6 ? 6 : shared ? 4 : 3, BitConverter.ToInt32(again, 4));
        if (version >= 4 || version == 3 && !shared) Assert.Equal(bytes, again);
        Assert.Equal(shared, model.Members.SharedPipeline is not null);
        Assert.Equal(shared, model.Members.Packed is not null);
        Assert.Equal(version == 6, model.Members.Neighbours is not null);
    }
}
