using DefectApi.Tabular.Frames;
using DefectApi.Tabular.Inference;
using DefectApi.Tabular.Targets;

namespace DefectApi.Tabular.Optimization;

/// <summary>
/// Partial dependence (Friedman, "Greedy Function Approximation: A Gradient Boosting Machine", 2001): the model's
/// prediction as a function of one input, each point the average over the training sample stored in the model with
/// that input set to the point's value and every other input as it was in the sample. It shows the model's average
/// view of one setting; it hides interactions, and it says nothing about values training never saw.
/// </summary>
internal static class PartialDependence
{
    public const int MaxPoints = 200;

    public static SensitivityOutcome Compute(Scorer model, IReadOnlyList<InputRange> ranges, CellValue[][] trainingSample, string? column,
        int points, string? targetClass)
    {
        var errors = new List<FieldError>();
        int input = ranges.Select(r => r.Name).ToList().IndexOf(column ?? "");
        if (string.IsNullOrEmpty(column)) errors.Add(new FieldError("column", "is required: the name of a model input."));
        else if (input < 0)
            errors.Add(new FieldError("column",
                $"'{column}' is not a model input; the inputs are {string.Join(", ", ranges.Select(r => $"'{r.Name}'"))}."));
        else if (ranges[input].Type == "datetime")
            errors.Add(new FieldError("column", $"'{column}' is a date and time; partial dependence is offered for numeric, " +
                "categorical and boolean inputs."));
        if (points is < 2 or > MaxPoints) errors.Add(new FieldError("points", $"must be from 2 to {MaxPoints}."));
        int output = 0;
        if (model.Task == TaskKind.Multiclass)
        {
            output = targetClass is null ? -1 : model.Classes!.ToList().IndexOf(targetClass);
            if (output < 0) errors.Add(new FieldError("targetClass",
                $"must name the class whose probability to show: {string.Join(", ", model.Classes!)}."));
        }
        else if (targetClass is not null)
            errors.Add(new FieldError("targetClass", $"applies to multiclass models only; this is a {model.Task.WireName()} model."));
        if (errors.Count > 0) return new SensitivityOutcome(null, errors);

        var values = Values(ranges[input], points);
        // A model from before the sample was stored falls back to the baseline record alone.
        var sample = trainingSample.Length > 0 ? trainingSample : [ranges.Select(r => r.Baseline).ToArray()];
        int width = ranges.Count;
        var cells = new CellValue[values.Length * sample.Length * width];
        for (int v = 0; v < values.Length; v++)
            for (int s = 0; s < sample.Length; s++)
            {
                var row = cells.AsSpan((v * sample.Length + s) * width, width);
                sample[s].CopyTo(row);
                row[input] = values[v];
            }
        var outputs = new ModelProbe(model.Members, model.Spec, output).Evaluate(cells);
        var result = values.Select((value, v) =>
            new SensitivityPoint(value, outputs.AsSpan(v * sample.Length, sample.Length).ToArray().Average())).ToArray();
        return new SensitivityOutcome(result, []);
    }

    /// <summary>Numeric: evenly spaced over the training range, or each level for a column with few values;
    /// otherwise each category (true and false for a boolean).</summary>
    private static CellValue[] Values(InputRange range, int points) => range switch
    {
        { Levels: { } levels } => levels.Order().Select(CellValue.FromNumber).ToArray(),
        { Min: { } min, Max: { } max } => Enumerable.Range(0, points)
            .Select(i => CellValue.FromNumber(Schema.FiniteStatistics.Lerp(min, max, (double)i / (points - 1)))).ToArray(),
        { Type: "boolean" } => [CellValue.FromBoolean(false), CellValue.FromBoolean(true)],
        _ => (range.Categories ?? []).Select(CellValue.FromText).ToArray(),
    };
}
