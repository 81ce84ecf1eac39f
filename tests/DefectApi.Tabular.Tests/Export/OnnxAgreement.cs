using DefectApi.Tabular.Targets;
using Xunit.Abstractions;

namespace DefectApi.Tabular.Tests.Export;

/// <summary>Scores records with the service and with ONNX Runtime and returns the largest absolute difference of
/// the outputs, after checking that the decided labels agree wherever the service's answer is not a near tie.</summary>
internal static class OnnxAgreement
{
    public const double Tolerance = 1e-5;

    public static double LargestDifference(ModelArtifact model, IReadOnlyList<IReadOnlyDictionary<string, CellValue>> records)
    {
        var service = model.Predict(records);
        Assert.Empty(service.Errors);
        using var scorer = new OnnxRuntimeScorer(model, model.ToOnnx("agreement", 1));
        var onnx = scorer.Score(records);
        double largest = 0;
        for (int r = 0; r < records.Count; r++)
        {
            var expected = service.Predictions[r];
            switch (model.Task)
            {
                case TaskKind.Binary:
                    double p = ((double[])onnx["probability"])[r];
                    largest = Math.Max(largest, Math.Abs(p - expected.Probability!.Value));
                    if (Math.Abs(expected.Probability.Value - model.Threshold!.Value) > Tolerance)
                        Assert.Equal(expected.Label, ((string[])onnx["label"])[r]);
                    break;
                case TaskKind.Regression:
                    largest = Math.Max(largest, Math.Abs(((double[])onnx["value"])[r] - expected.Value!.Value));
                    break;
                default:
                    var probabilities = (double[])onnx["probabilities"];
                    for (int c = 0; c < model.Classes!.Count; c++)
                        largest = Math.Max(largest,
                            Math.Abs(probabilities[r * model.Classes.Count + c] - expected.Probabilities![model.Classes[c]]));
                    var ordered = expected.Probabilities!.Values.OrderDescending().ToArray();
                    if (ordered[0] - ordered[1] > Tolerance) Assert.Equal(expected.Label, ((string[])onnx["label"])[r]);
                    break;
            }
        }
        return largest;
    }

    public static void AssertAgrees(ModelArtifact model, IReadOnlyList<IReadOnlyDictionary<string, CellValue>> records, string what,
        ITestOutputHelper output)
    {
        double largest = LargestDifference(model, records);
        output.WriteLine($"{what}: {records.Count} rows, largest |ONNX Runtime − service| = {largest:E3}");
        Assert.True(largest <= Tolerance, $"{what}: largest difference {largest:E3} exceeds {Tolerance:E0}");
    }
}
