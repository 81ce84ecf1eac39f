using DefectApi.Tabular.Features;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace DefectApi.Tabular.Tests.Export;

/// <summary>Scores records with ONNX Runtime on a model's ONNX export, feeding each input as the README says a
/// caller does: numbers as double (NaN when missing), datetimes as seconds since 1970-01-01, categories and
/// booleans as strings ("" when missing).</summary>
internal sealed class OnnxRuntimeScorer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly ModelArtifact _model;

    public OnnxRuntimeScorer(ModelArtifact model, byte[] onnx)
    {
        _model = model;
        _session = new InferenceSession(onnx);
    }

    public void Dispose() => _session.Dispose();

    /// <summary>Output name → its values, rows × width, row-major.</summary>
    public Dictionary<string, Array> Score(IReadOnlyList<IReadOnlyDictionary<string, CellValue>> records)
    {
        var inputs = new List<NamedOnnxValue>();
        foreach (var encoder in _model.Members[0].Pipeline.Encoders)
        {
            int[] shape = [records.Count, 1];
            var cells = records.Select(r => r[encoder.Name]).ToArray();
            inputs.Add(encoder switch
            {
                NumericEncoder => NamedOnnxValue.CreateFromTensor(encoder.Name, new DenseTensor<double>(cells.Select(Number)
                    .ToArray(), shape)),
                DatetimeEncoder datetime => NamedOnnxValue.CreateFromTensor(encoder.Name,
                    new DenseTensor<double>(cells.Select(c => Seconds(datetime, c)).ToArray(), shape)),
                _ => NamedOnnxValue.CreateFromTensor(encoder.Name, new DenseTensor<string>(cells.Select(Text).ToArray(), shape)),
            });
        }
        using var results = _session.Run(inputs);
        return results.ToDictionary(r => r.Name, r => r.Value switch
        {
            Tensor<double> numbers => (Array)numbers.ToArray(),
            Tensor<string> texts => texts.ToArray(),
            var other => throw new InvalidDataException($"Unexpected output type {other?.GetType()}."),
        });
    }

    private static double Number(CellValue cell) => cell.Kind switch
    {
        CellKind.Number => cell.Number,
        CellKind.Missing => double.NaN,
        _ => throw new ArgumentException($"Not a number: {cell}"),
    };

    private static string Text(CellValue cell) => cell.Kind switch
    {
        CellKind.Missing => "",
        CellKind.Number => cell.Number.ToString("R", CultureInfo.InvariantCulture),
        CellKind.Boolean => cell.Boolean ? "true" : "false",
        _ => cell.Text!,
    };

    private static double Seconds(DatetimeEncoder encoder, CellValue cell) =>
        encoder.TryRead(cell, out var time) ? (time - DateTime.UnixEpoch).TotalSeconds : double.NaN;
}
