using DefectApi.Tabular.Features;
using DefectApi.Tabular.Neighbours;
using DefectApi.Tabular.Targets;
using DefectApi.Tabular.Training;

namespace DefectApi.Tabular.Training;

/// <summary>What fitting the neighbour component gave: the component (null when the networks alone scored best out
/// of fold), the choice with its losses, and the validation outputs of the model as it now answers.</summary>
internal sealed record NeighbourFit(NeighbourBlend? Blend, NeighbourChoice Choice, double[] ValidationOutputs)
{
    /// <summary>Each member's validation part with the model's blended outputs in place of its network's: every
    /// validated row belongs to one part, and the blended outputs list those rows in row order.</summary>
    public List<(int[] ValidAt, double[] Outputs)> Blended(IReadOnlyList<(int[] ValidAt, double[] Outputs)> parts, int outputs)
    {
        var rank = parts.SelectMany(p => p.ValidAt).Order().Select((row, i) => (row, i)).ToDictionary(x => x.row, x => x.i);
        return parts.Select(p =>
            (p.ValidAt, p.ValidAt.SelectMany(row => ValidationOutputs.AsSpan(rank[row] * outputs, outputs).ToArray()).ToArray()))
            .ToList();
    }
}

/// <summary>
/// Fits the neighbour component on the folds the networks were validated on, so the networks' and the neighbours'
/// out-of-fold answers judge the same rows from the same training parts: each validated row is voted on by its
/// nearest rows among those its fold trained on. The component kept holds every labelled row.
/// </summary>
internal static class NeighbourTraining
{
    /// <summary>Most labelled rows a job fits neighbours on; above it a job that asks for them fails before training,
    /// saying so.
    /// Scoring reads every stored row per record (50,000 rows of 100 inputs: about a millisecond) and the
    /// out-of-fold search grows with the square of the rows (about 40 s of one core at this size).</summary>
    public const int MaxRows = 50_000;

    /// <param name="encoded">every labelled row encoded, rows × pipeline.Width, in the order of <paramref name="targets"/></param>
    /// <param name="targets">as TargetSpec.Resolve encodes them (regression standardised)</param>
    /// <param name="validatedFolds">the folds the trained members validated on</param>
    /// <param name="networks">the networks' out-of-fold outputs on the rows of those folds, in row order</param>
    /// <param name="actuals">the same rows' actuals in the target's terms</param>
    public static NeighbourFit Fit(FeaturePipeline pipeline, float[] encoded, TargetSpec target, float[] targets, ValidationPlan plan,
        IReadOnlyCollection<int> validatedFolds, double[] networks, double[] actuals, NeighbourSpace space,
        NeighbourCriterion criterion = NeighbourCriterion.LogLoss)
    {
        var columns = NeighbourBlend.ColumnsOf(pipeline, space);
        int width = columns.Length, outputs = target.Outputs, rows = targets.Length;
        var projected = new float[rows * width];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < width; c++) projected[r * width + c] = encoded[r * pipeline.Width + columns[c]];
        var terms = targets.Select(t => target.Task == TaskKind.Regression ? t * target.Std + target.Mean : t).ToArray();

        // Position of each validated row among the out-of-fold outputs, which list those rows in row order.
        var position = new int[rows];
        int validated = 0;
        for (int r = 0; r < rows; r++) position[r] = validatedFolds.Contains(plan.Folds[r]) ? validated++ : -1;
        if (validated * outputs != networks.Length || validated != actuals.Length)
            throw new InvalidOperationException("The out-of-fold outputs do not cover the validated folds.");

        var counts = NeighbourSelection.Counts;
        var votes = counts.Select(_ => new double[networks.Length]).ToArray();
        var nearest = new int[NeighbourIndex.MaxK];
        var distances = new float[NeighbourIndex.MaxK];
        foreach (int fold in validatedFolds)
        {
            var (trainAt, validAt) = plan.Part(fold);
            var index = new NeighbourIndex(Take(projected, width, trainAt), width, trainAt.Select(i => terms[i]).ToArray(), outputs);
            foreach (int r in validAt)
            {
                int found = index.Search(projected.AsSpan(r * width, width), nearest, distances);
                for (int i = 0; i < counts.Length; i++)
                    index.Vote(nearest, distances, Math.Min(counts[i], found), votes[i].AsSpan(position[r] * outputs, outputs));
            }
        }

        var choice = NeighbourSelection.Choose(target, networks, votes, counts, actuals, criterion);
        if (choice.Weight == 0) return new NeighbourFit(null, choice, networks);
        var chosen = votes[Array.IndexOf(counts, choice.K)];
        var blended = networks.Select((n, i) => (1 - choice.Weight) * n + choice.Weight * chosen[i]).ToArray();
        var blend = new NeighbourBlend(new NeighbourIndex(projected, width, terms, outputs), columns, choice.K, choice.Weight);
        return new NeighbourFit(blend, choice, blended);
    }

    private static float[] Take(float[] rows, int width, int[] positions)
    {
        var taken = new float[positions.Length * width];
        for (int i = 0; i < positions.Length; i++) rows.AsSpan(positions[i] * width, width).CopyTo(taken.AsSpan(i * width, width));
        return taken;
    }
}
