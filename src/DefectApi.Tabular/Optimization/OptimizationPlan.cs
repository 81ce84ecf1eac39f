using System.Globalization;
using DefectApi.Tabular.Frames;
using DefectApi.Tabular.Inference;
using DefectApi.Tabular.Schema;
using DefectApi.Tabular.Targets;

namespace DefectApi.Tabular.Optimization;

/// <summary>A column the search moves: a numeric interval (with an optional grid) or a list of values.</summary>
internal abstract record Variable(int Input);

internal sealed record NumericVariable(int Input, double Lo, double Hi, double Origin, double? Step) : Variable(Input)
{
    // Ranges may span nearly all of double (−1e308 to 1e308): the helpers keep every point finite.
    public double FromUnit(double u) => FiniteStatistics.Lerp(Lo, Hi, Math.Clamp(u, 0, 1));
    public double ToUnit(double x) => Hi > Lo ? Math.Clamp(FiniteStatistics.Fraction(x, Lo, Hi), 0, 1) : 0;

    /// <summary>The nearest allowed value: inside [Lo, Hi] and, with a step, on Origin + k·step. Rounded to 12
    /// significant digits so that 3.8 + 7·0.1 reads 4.5, not 4.499999999999999.</summary>
    public double Snap(double x)
    {
        x = Math.Clamp(x, Lo, Hi);
        if (Step is not { } step) return x;
        double k = Math.Clamp(Math.Round(FiniteStatistics.Standardise(x, Origin, step)), FirstK, LastK);
        return double.Parse(FiniteStatistics.OnGrid(Origin, k, step).ToString("G12", CultureInfo.InvariantCulture),
            CultureInfo.InvariantCulture);
    }

    // The tolerance keeps a bound that is itself on the grid (3.8 + 10·0.1 vs 4.8) from being lost to rounding.
    private double FirstK => Math.Ceiling(FiniteStatistics.Standardise(Lo, Origin, Step!.Value) - 1e-9);
    private double LastK => Math.Floor(FiniteStatistics.Standardise(Hi, Origin, Step!.Value) + 1e-9);
    public bool HasGridPoint => Step is null || FirstK <= LastK;
}

internal sealed record ChoiceVariable(int Input, CellValue[] Values) : Variable(Input);

/// <summary>A checked optimisation request: the start record in input order, the variables, and the loss the search
/// lowers (the probed output itself, its negative, or its squared distance to the target).</summary>
internal sealed record OptimizationPlan(CellValue[] Start, Variable[] Variables, Func<double, double> Loss, int Output, int Seed)
{
    /// <summary>The most values all lists may hold together: the sweeps score every listed value several times from
    /// every start, so a request's cost grows with this sum (1,000 values is about 15,000 scored records).</summary>
    public const int MaxListedValues = 1000;

    public static (OptimizationPlan? Plan, List<FieldError> Errors) Build(Scorer model, IReadOnlyList<InputRange> ranges,
        OptimizationRequest request)
    {
        var errors = new List<FieldError>();
        var start = ReadRecord(model, request.Record, errors);
        var (loss, output) = ReadGoal(model, request, errors);
        var variables = ReadAdjust(model, ranges, request, errors);
        return errors.Count > 0 ? (null, errors) : (new OptimizationPlan(start!, variables, loss!, output, request.Seed), errors);
    }

    private static CellValue[]? ReadRecord(Scorer model, IReadOnlyDictionary<string, CellValue>? record, List<FieldError> errors)
    {
        if (record is null)
        {
            errors.Add(new FieldError("record", "is required: the record to improve, with every model input."));
            return null;
        }
        var encoders = model.Members.Encoders;
        var cells = new CellValue[encoders.Count];
        for (int i = 0; i < encoders.Count; i++)
        {
            if (!record.TryGetValue(encoders[i].Name, out cells[i]))
                errors.Add(new FieldError($"record.{encoders[i].Name}", "is missing: the record needs each model input (send " +
                    "null for an unknown value)."));
            else if (encoders[i].Check(cells[i]) is { } problem)
                errors.Add(new FieldError($"record.{encoders[i].Name}", $"{problem}."));
        }
        return cells;
    }

    private static (Func<double, double>? Loss, int Output) ReadGoal(Scorer model, OptimizationRequest request, List<FieldError> errors)
    {
        int output = 0;
        bool probability = model.Task != TaskKind.Regression;
        if (model.Task == TaskKind.Multiclass)
        {
            output = request.TargetClass is null ? -1 : model.Classes!.ToList().IndexOf(request.TargetClass);
            if (output < 0)
                errors.Add(new FieldError("targetClass", request.TargetClass is null
                    ? $"is required for a multiclass model: the class whose probability the goal applies to " +
                        $"({string.Join(", ", model.Classes!)})."
                    : $"'{request.TargetClass}' is not a class of this model; its classes are {string.Join(", ", model.Classes!)}."));
        }
        else if (request.TargetClass is not null)
            errors.Add(new FieldError("targetClass", $"applies to multiclass models only; this is a {model.Task.WireName()} model."));

        string what = model.Task == TaskKind.Binary ? "the defect probability" : probability ? "the class probability"
            : "the predicted value";
        switch (request.Goal)
        {
            case "minimize": return (v => v, output);
            case "maximize": return (v => -v, output);
            case "target" when request.TargetValue is not { } t:
                errors.Add(new FieldError("targetValue", $"is required with goal 'target': the value of {what} to aim for."));
                return (null, output);
            case "target" when probability && (request.TargetValue < 0 || request.TargetValue > 1):
                errors.Add(new FieldError("targetValue", $"must be between 0 and 1: the goal applies to {what}."));
                return (null, output);
            case "target":
                double target = request.TargetValue!.Value;
                return (v => (v - target) * (v - target), output);
            default:
                errors.Add(new FieldError("goal", request.Goal is null
                    ? $"is required: minimize, maximize or target ({what})."
                    : $"'{request.Goal}' is not a goal; use minimize, maximize or target ({what})."));
                return (null, output);
        }
    }

    private static Variable[] ReadAdjust(Scorer model, IReadOnlyList<InputRange> ranges, OptimizationRequest request,
        List<FieldError> errors)
    {
        if (request.Adjust is not { Count: > 0 })
        {
            errors.Add(new FieldError("adjust", "must list at least one column the search may change."));
            return [];
        }
        var names = ranges.Select((r, i) => (r.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var variables = new List<Variable>();
        for (int a = 0; a < request.Adjust.Count; a++)
        {
            var adjust = request.Adjust[a];
            string at = $"adjust[{a}]";
            if (string.IsNullOrEmpty(adjust.Column))
            {
                errors.Add(new FieldError($"{at}.column", "is required: the name of a model input."));
                continue;
            }
            if (!names.TryGetValue(adjust.Column, out int input))
            {
                errors.Add(new FieldError($"{at}.column",
                    $"'{adjust.Column}' is not a model input; the inputs are {string.Join(", ", ranges.Select(r => $"'{r.Name}'"))}."));
                continue;
            }
            if (!seen.Add(adjust.Column))
            {
                errors.Add(new FieldError($"{at}.column", $"'{adjust.Column}' is listed twice; give each column once."));
                continue;
            }
            var variable = adjust.Values is not null
                ? ReadValues(model, ranges[input], input, adjust, at, request.AllowOutsideTrainingData, errors)
                : ReadInterval(ranges[input], input, adjust, at, request.AllowOutsideTrainingData, errors);
            if (variable is not null) variables.Add(variable);
        }
        int listed = request.Adjust.Sum(a => a.Values?.Count ?? 0);
        if (listed > MaxListedValues)
            errors.Add(new FieldError("adjust", string.Create(CultureInfo.InvariantCulture,
                $"the value lists hold {listed:N0} values in all; at most {MaxListedValues:N0} can be searched. ") +
                "List fewer values, or give a numeric column min, max and step instead of values."));
        return [.. variables];
    }

    private static Variable? ReadValues(Scorer model, InputRange range, int input, AdjustableColumn adjust, string at, bool outside,
        List<FieldError> errors)
    {
        if (adjust.Min is not null || adjust.Max is not null || adjust.Step is not null)
        {
            errors.Add(new FieldError(at, "give either values, or min and max (with an optional step), not both."));
            return null;
        }
        if (adjust.Values!.Count == 0)
        {
            errors.Add(new FieldError($"{at}.values", "is empty: list at least one allowed value."));
            return null;
        }
        var encoder = model.Members.Encoders[input];
        int before = errors.Count;
        for (int v = 0; v < adjust.Values.Count; v++)
        {
            var value = adjust.Values[v];
            if (value.Kind == CellKind.Missing) errors.Add(new FieldError($"{at}.values[{v}]", "must be a value, not null."));
            else if (encoder.Check(value) is { } problem) errors.Add(new FieldError($"{at}.values[{v}]", $"{problem}."));
            else if (!outside && !range.Contains(value))
                errors.Add(new FieldError($"{at}.values[{v}]", $"'{value}' is outside the training data of '{range.Name}' " +
                    $"({Describe(range)}); the model cannot be trusted there. Remove it, or set allowOutsideTrainingData to true."));
        }
        return errors.Count > before ? null : new ChoiceVariable(input, adjust.Values.Distinct().ToArray());
    }

    private static NumericVariable? ReadInterval(InputRange range, int input, AdjustableColumn adjust, string at, bool outside,
        List<FieldError> errors)
    {
        if (range.Min is not { } trainMin || range.Max is not { } trainMax)
        {
            errors.Add(new FieldError($"{at}.values", $"'{range.Name}' is a {range.Type} input: list the allowed values instead " +
                "of min and max."));
            return null;
        }
        int before = errors.Count;
        double min = adjust.Min ?? trainMin, max = adjust.Max ?? trainMax;
        if (!double.IsFinite(min)) errors.Add(new FieldError($"{at}.min", "must be a finite number."));
        if (!double.IsFinite(max)) errors.Add(new FieldError($"{at}.max", "must be a finite number."));
        if (min > max) errors.Add(new FieldError($"{at}.min", $"{min} is above max {max}: the range is inverted."));
        if (adjust.Step is { } s && !(s > 0 && double.IsFinite(s))) errors.Add(new FieldError($"{at}.step", "must be a number above 0."));
        if (errors.Count > before) return null;
        double lo = outside ? min : Math.Max(min, trainMin), hi = outside ? max : Math.Min(max, trainMax);
        if (lo > hi)
        {
            errors.Add(new FieldError($"{at}.min", $"[{min}, {max}] does not overlap the training range of '{range.Name}' " +
                $"({Describe(range)}); the model cannot be trusted there. Widen the range, or set allowOutsideTrainingData to true."));
            return null;
        }
        var variable = new NumericVariable(input, lo, hi, min, adjust.Step);
        if (variable.HasGridPoint) return variable;
        errors.Add(new FieldError($"{at}.step", $"no value {min} + k·{adjust.Step} lies within [{lo}, {hi}] (the range inside " +
            "the training data)."));
        return null;
    }

    private static string Describe(InputRange range) => range.Min is { } min
        ? string.Create(CultureInfo.InvariantCulture, $"{min} to {range.Max}")
        : $"categories {string.Join(", ", range.Categories ?? [])}";
}
