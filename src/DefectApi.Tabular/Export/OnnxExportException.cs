namespace DefectApi.Tabular.Export;

/// <summary>A step of the model that the ONNX export cannot state exactly; the model is not exported at all.</summary>
public sealed class OnnxExportException(string step, string message) : Exception(message)
{
    /// <summary>The step at fault, e.g. "categorical encoder 'line'" or "input names".</summary>
    public string Step { get; } = step;
}
