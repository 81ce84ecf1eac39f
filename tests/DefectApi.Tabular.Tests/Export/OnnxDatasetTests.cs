using DefectApi.Tabular.Features;
using Xunit.Abstractions;

namespace DefectApi.Tabular.Tests.Export;

/// <summary>Models trained on the datasets' train splits with default options agree with their ONNX export, run by
/// ONNX Runtime, on every row of the test split and on rows with gaps, unseen categories and far-out values.</summary>
public class OnnxDatasetTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("ai4i2020", "Machine failure")]
    [InlineData("garments_worker_productivity", "actual_productivity")]
    [InlineData("steel_plates_faults_labeled", "Fault")]
    public void OnnxRuntimeAgreesWithTheServiceOnEveryTestRow(string dataset, string target)
    {
        var train = TestData.Frame(File.ReadAllText(SplitPath($"{dataset}.train.csv")));
        var model = TabularTrainer.Train(train, new TabularTrainingOptions { Target = target }, null, default, default).Artifact;
        var test = TestData.Frame(File.ReadAllText(SplitPath($"{dataset}.test.csv")));
        var names = model.Inputs.Select(i => i.Name).ToArray();
        output.WriteLine($"{dataset} inputs: {string.Join(", ", model.Inputs.Select(i => $"{i.Name} ({i.Type})"))}");
        var rows = Enumerable.Range(0, test.RowCount)
            .Select(r => (IReadOnlyDictionary<string, CellValue>)names.ToDictionary(n => n, n => test.GetCell(r, test.IndexOf(n))))
            .ToList();

        OnnxAgreement.AssertAgrees(model, rows, $"{dataset} test split ({model.Task}, {model.Members.Count} members)", output);
        OnnxAgreement.AssertAgrees(model, OddRows(model, rows.Take(8).ToList()), $"{dataset} rows with gaps, unseen and far-out values",
            output);
    }

    /// <summary>Each input in turn missing, then (categories) unseen or padded with spaces, (numbers) far outside the
    /// training range on either side, and −0, which the service spells "-0" and so tells apart from a level 0.</summary>
    internal static List<IReadOnlyDictionary<string, CellValue>> OddRows(ModelArtifact model,
        List<IReadOnlyDictionary<string, CellValue>> rows)
    {
        var odd = new List<IReadOnlyDictionary<string, CellValue>>();
        foreach (var encoder in model.Members[0].Pipeline.Encoders)
        {
            var values = new List<CellValue> { CellValue.Missing };
            if (encoder is NumericEncoder numeric)
                values.AddRange([CellValue.FromNumber(numeric.Max + 10 * (numeric.Max - numeric.Min + 1)),
                    CellValue.FromNumber(numeric.Min - 3 * (numeric.Max - numeric.Min + 1)), CellValue.FromNumber(-0.0)]);
            if (encoder is CategoricalEncoder categorical)
                values.AddRange([CellValue.FromText("never seen in training"), CellValue.FromText($"  {categorical.Mode} ")]);
            foreach (var value in values)
                foreach (var row in rows)
                    odd.Add(new Dictionary<string, CellValue>(row) { [encoder.Name] = value });
        }
        return odd;
    }

    private static string SplitPath(string file) => DefectApi.Tests.Shared.SampleSplits.Path(file);
}
