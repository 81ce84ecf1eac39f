using DefectApi.Tabular.Frames;
using DefectApi.Tabular.Inference;

namespace DefectApi.Tabular.Optimization;

/// <summary>
/// Searches the adjustable columns for the record the network scores best. From the start record and a few seeded
/// random starts: the categorical settings are chosen first (every combination when there are few, else one column
/// at a time), then projected gradient descent moves the numeric columns (central finite differences through the
/// whole preprocessing and every network, with a batched backtracking line search along the normalised gradient),
/// and coordinate sweeps over each column's grid finish the job: they find what gradients cannot, such as jumps
/// at the levels of a one-hot numeric column, and keep every value on its min + k·step grid.
/// Every candidate of a step is scored in one batch; the same seed gives the same answer.
/// </summary>
internal sealed class ProcessOptimizer(ModelProbe probe, OptimizationPlan plan)
{
    private const int RandomStarts = 4, GradientIterations = 30, SweepRounds = 3, SweepPoints = 21, MaxCombinations = 64;
    private const double Difference = 1e-3;   // in the unit interval of each column's range
    private static readonly double[] LineSteps = [0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625, 0.0078125];

    private readonly NumericVariable[] _numeric = plan.Variables.OfType<NumericVariable>().ToArray();
    private readonly ChoiceVariable[] _choices = plan.Variables.OfType<ChoiceVariable>().ToArray();
    private readonly int _width = probe.Inputs;

    public static OptimizationOutcome Optimize(Scorer model, IReadOnlyList<InputRange> ranges, OptimizationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (plan, errors) = OptimizationPlan.Build(model, ranges, request);
        if (plan is null) return new OptimizationOutcome(null, errors);
        var best = new ProcessOptimizer(new ModelProbe(model.Members, model.Spec, plan.Output), plan).Run();
        var predictions = model.PredictValidated([.. plan.Start, .. best], 2);
        var recommended = new Dictionary<string, CellValue>(request.Record!, StringComparer.Ordinal);
        var changes = new List<ColumnChange>();
        foreach (var variable in plan.Variables)
        {
            string name = model.Inputs[variable.Input].Name;
            recommended[name] = best[variable.Input];
            if (best[variable.Input] != plan.Start[variable.Input]) changes.Add(new ColumnChange(name, plan.Start[variable.Input],
                best[variable.Input]));
        }
        bool outside = best.Where((value, i) => !ranges[i].Contains(value)).Any();
        return new OptimizationOutcome(new OptimizationResult(recommended, predictions[0], predictions[1], changes, outside), []);
    }

    public CellValue[] Run()
    {
        var random = new Random(plan.Seed);
        CellValue[]? best = null;
        double bestLoss = double.PositiveInfinity;
        for (int s = 0; s <= RandomStarts; s++)
        {
            var start = (CellValue[])plan.Start.Clone();
            foreach (var v in _numeric)
            {
                double x = s == 0 && start[v.Input].Kind == CellKind.Number ? start[v.Input].Number : v.FromUnit(random.NextDouble());
                start[v.Input] = CellValue.FromNumber(x);
            }
            foreach (var v in _choices)
                if (s > 0 || !v.Values.Contains(start[v.Input])) start[v.Input] = v.Values[s == 0 ? 0 : random.Next(v.Values.Length)];
            var (candidate, loss) = Search(start);
            // Strictly better only: ties keep the earlier start, and the start record comes first; should no
            // candidate score a finite loss, the first start's result stands rather than none.
            if (best is null || loss < bestLoss - 1e-12) (best, bestLoss) = (candidate, loss);
        }
        return best!;
    }

    private (CellValue[] Record, double Loss) Search(CellValue[] record)
    {
        record = ChooseCategories(record);
        record = Descend(record);
        foreach (var v in _numeric) record[v.Input] = CellValue.FromNumber(v.Snap(record[v.Input].Number));
        double loss = Loss([record])[0];
        for (int round = 0; round < SweepRounds; round++)
        {
            bool improved = false;
            foreach (var variable in plan.Variables)
            {
                var candidates = Candidates(variable, record[variable.Input])
                    .Select(value => With(record, variable.Input, value)).ToArray();
                var losses = Loss(candidates);
                int best = ArgMin(losses);
                if (losses[best] < loss - 1e-12) (record, loss, improved) = (candidates[best], losses[best], true);
            }
            if (!improved) break;
        }
        return (record, loss);
    }

    /// <summary>Each allowed value of a list; for a numeric column evenly spaced points of its range plus the
    /// neighbours of the current value, all on the grid.</summary>
    private static IEnumerable<CellValue> Candidates(Variable variable, CellValue current)
    {
        if (variable is ChoiceVariable choice) return choice.Values;
        var numeric = (NumericVariable)variable;
        double x = current.Number, near = numeric.Step ?? Schema.FiniteStatistics.Difference(numeric.Hi, numeric.Lo) / 200;
        var points = Enumerable.Range(0, SweepPoints).Select(i => numeric.FromUnit((double)i / (SweepPoints - 1)))
            .Concat([x - 2 * near, x - near, x + near, x + 2 * near]);
        return points.Select(numeric.Snap).Distinct().Select(CellValue.FromNumber);
    }

    private CellValue[] ChooseCategories(CellValue[] record)
    {
        if (_choices.Length == 0) return record;
        // Counted with an early exit: a product of long lists (8,000^5) overflows even a long.
        int combinations = 1;
        foreach (var v in _choices)
            if ((combinations *= v.Values.Length) > MaxCombinations) return record;   // the sweeps then search one column at a time
        var candidates = new CellValue[combinations][];
        for (int c = 0; c < combinations; c++)
        {
            var candidate = (CellValue[])record.Clone();
            int rest = c;
            foreach (var v in _choices)
            {
                candidate[v.Input] = v.Values[rest % v.Values.Length];
                rest /= v.Values.Length;
            }
            candidates[c] = candidate;
        }
        return candidates[ArgMin(Loss(candidates))];
    }

    /// <summary>Projected gradient descent in each numeric column's unit interval.</summary>
    private CellValue[] Descend(CellValue[] record)
    {
        int n = _numeric.Length;
        if (n == 0) return record;
        var u = _numeric.Select(v => v.ToUnit(record[v.Input].Number)).ToArray();
        double loss = Loss([At(record, u)])[0];
        var gradient = new double[n];
        for (int iteration = 0; iteration < GradientIterations; iteration++)
        {
            var probes = new CellValue[2 * n][];
            var spans = new double[n];
            for (int j = 0; j < n; j++)
            {
                // Central where possible, one-sided at a bound.
                double up = Math.Min(1, u[j] + Difference), down = Math.Max(0, u[j] - Difference);
                spans[j] = up - down;
                probes[2 * j] = At(record, u, j, up);
                probes[2 * j + 1] = At(record, u, j, down);
            }
            var losses = Loss(probes);
            double largest = 0;
            for (int j = 0; j < n; j++)
            {
                gradient[j] = spans[j] > 0 ? (losses[2 * j] - losses[2 * j + 1]) / spans[j] : 0;
                // A bound the gradient pushes against is not a direction to move in.
                if (u[j] <= 0 && gradient[j] > 0 || u[j] >= 1 && gradient[j] < 0) gradient[j] = 0;
                largest = Math.Max(largest, Math.Abs(gradient[j]));
            }
            if (largest == 0) break;
            var steps = LineSteps.Select(eta =>
                u.Select((value, j) => Math.Clamp(value - eta * gradient[j] / largest, 0, 1)).ToArray()).ToArray();
            var stepLosses = Loss(steps.Select(step => At(record, step)).ToArray());
            int best = ArgMin(stepLosses);
            if (!(stepLosses[best] < loss - 1e-12)) break;
            (u, loss) = (steps[best], stepLosses[best]);
        }
        return At(record, u);
    }

    private CellValue[] At(CellValue[] record, double[] u, int replace = -1, double value = 0)
    {
        var copy = (CellValue[])record.Clone();
        for (int j = 0; j < _numeric.Length; j++)
            copy[_numeric[j].Input] = CellValue.FromNumber(_numeric[j].FromUnit(j == replace ? value : u[j]));
        return copy;
    }

    private static CellValue[] With(CellValue[] record, int input, CellValue value)
    {
        var copy = (CellValue[])record.Clone();
        copy[input] = value;
        return copy;
    }

    private double[] Loss(CellValue[][] records)
    {
        var cells = new CellValue[records.Length * _width];
        for (int r = 0; r < records.Length; r++) records[r].CopyTo(cells, r * _width);
        var outputs = probe.Evaluate(cells);
        // A non-finite output (far outside the data) is never a recommendation.
        return Array.ConvertAll(outputs, o => double.IsFinite(o) ? plan.Loss(o) : double.PositiveInfinity);
    }

    private static int ArgMin(double[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] < values[best]) best = i;
        return best;
    }
}
