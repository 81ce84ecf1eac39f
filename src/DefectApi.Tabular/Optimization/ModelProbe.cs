using DefectApi.Tabular.Frames;
using DefectApi.Tabular.Inference;
using DefectApi.Tabular.Targets;

namespace DefectApi.Tabular.Optimization;

/// <summary>One number per record that search, explanations and partial dependence follow: binary the positive
/// class's probability, regression the value in the target's unit, multiclass one class's probability. Records are
/// rows of cells in the model's input order, evaluated in batches through every member's preprocessing and network.</summary>
internal sealed class ModelProbe(Ensemble members, TargetSpec target, int output)
{
    public int Inputs => members.Encoders.Count;

    /// <param name="cells">rows × Inputs cells, row-major</param>
    public double[] Evaluate(ReadOnlySpan<CellValue> cells)
    {
        int rows = cells.Length / Inputs;
        var outputs = EnsembleOutputs.Predict(members, target, cells, rows, null);
        var values = new double[rows];
        for (int r = 0; r < rows; r++) values[r] = outputs[r * target.Outputs + output];
        return values;
    }
}
