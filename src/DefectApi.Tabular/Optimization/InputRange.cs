using DefectApi.Tabular.Features;
using DefectApi.Tabular.Frames;
using DefectApi.Tabular.Inference;

namespace DefectApi.Tabular.Optimization;

/// <summary>What training saw of one input: numeric min/max/mean (over every member's training part), the most
/// common category or level, and the value explanations measure from (the baseline).</summary>
/// <param name="Type">numeric | categorical | boolean | datetime</param>
/// <param name="Levels">a numeric column's one-hot levels (few distinct values), most common first</param>
/// <param name="Discrete">true for columns that move from value to value rather than continuously: categories, booleans,
/// dates and numeric columns with few distinct values (which the pipeline also one-hot encodes)</param>
public sealed record InputRange(string Name, string Type, double? Min, double? Max, double? Mean, IReadOnlyList<string>? Categories,
    bool Discrete, CellValue Baseline, IReadOnlyList<double>? Levels = null)
{
    public bool Contains(CellValue value) => value.Kind switch
    {
        CellKind.Number when Min is { } min && Max is { } max => value.Number >= min && value.Number <= max,
        CellKind.Text when Categories is not null => Categories.Contains(value.Text!.Trim(), StringComparer.Ordinal),
        _ => true,
    };

    internal static InputRange[] Of(IReadOnlyList<EnsembleMember> members, IReadOnlyList<ModelInputInfo> inputs)
    {
        var ranges = new InputRange[inputs.Count];
        for (int i = 0; i < inputs.Count; i++)
        {
            var encoders = members.Select(m => m.Pipeline.Encoders[i]).ToArray();
            ranges[i] = encoders[0] switch
            {
                NumericEncoder numeric => Numeric(inputs[i], encoders.Cast<NumericEncoder>().ToArray(), numeric.Levels),
                CategoricalEncoder categorical =>
                new InputRange(inputs[i].Name, inputs[i].Type, null, null, null, inputs[i].Categories, true,
                    categorical.Mode is { } mode ? CellValue.FromText(mode) : CellValue.Missing),
                BooleanEncoder boolean => new InputRange(inputs[i].Name, inputs[i].Type, null, null, null, null, true,
                    CellValue.FromBoolean(boolean.TrueShare >= 0.5)),
                _ => new InputRange(inputs[i].Name, inputs[i].Type, null, null, null, null, true, CellValue.Missing),
            };
        }
        return ranges;
    }

    private static InputRange Numeric(ModelInputInfo input, NumericEncoder[] encoders, double[]? levels)
    {
        double mean = Schema.FiniteStatistics.MeanAndStd(encoders.Select(e => e.Mean).ToArray()).Mean;   // the plain sum may overflow
        return new InputRange(input.Name, input.Type, encoders.Min(e => e.Min), encoders.Max(e => e.Max), mean, null, levels is not null,
            CellValue.FromNumber(levels?[0] ?? mean), levels);
    }
}
