using DefectApi.Tabular.Neighbours;
using DefectApi.Tabular.Targets;

namespace DefectApi.Tabular.Tests.Neighbours;

/// <summary>Models with a neighbour component: trained with the option, or a trained model given one by hand, so a
/// test can hold k, the weight and the space fixed whatever the out-of-fold choice would be.</summary>
internal static class NeighbourModels
{
    /// <summary>Two numbers in [0, 1); the class is the colour of the 4 × 4 board's square they fall in, a pattern
    /// that a few epochs of a tiny network cannot draw and the nearest rows can.</summary>
    public static TabularFrame Checkerboard(int rows, int seed = 11)
    {
        var random = new Random(seed);
        return TestData.Frame(TestData.Csv("a,b,square", rows, _ =>
        {
            double a = random.NextDouble(), b = random.NextDouble();
            string square = ((int)(a * 4) + (int)(b * 4)) % 2 == 0 ? "dark" : "light";
            return string.Create(CultureInfo.InvariantCulture, $"{a:F4},{b:F4},{square}");
        }));
    }

    /// <summary>A value of two numbers and a category, with noise.</summary>
    public static TabularFrame Regression(int rows)
    {
        var random = new Random(4);
        return TestData.Frame(TestData.Csv("a,b,shift,y", rows, i =>
        {
            double a = random.NextDouble() * 10, b = random.NextDouble() * 3;
            string shift = (i % 3) switch { 0 => "early", 1 => "late", _ => "night" };
            double y = a + 2 * b + (shift == "night" ? 1.5 : 0) + random.NextDouble() * 0.3;
            return string.Create(CultureInfo.InvariantCulture, $"{a:F3},{b:F3},{shift},{y:F4}");
        }));
    }

    /// <summary>The model's networks with a neighbour component over every labelled row of <paramref name="frame"/>.</summary>
    public static ModelArtifact WithNeighbours(ModelArtifact model, TabularFrame frame, int k, double weight, NeighbourSpace space)
    {
        var pipeline = model.Members.SharedPipeline!;
        var inputs = model.Inputs.Select(i => frame.IndexOf(i.Name)).ToArray();
        int targetColumn = frame.IndexOf(model.Target);
        var labelled = Enumerable.Range(0, frame.RowCount).Where(r => frame.GetCell(r, targetColumn).Kind != CellKind.Missing).ToArray();
        var columns = NeighbourBlend.ColumnsOf(pipeline, space);
        var encoded = new float[pipeline.Width];
        var rows = new float[labelled.Length * columns.Length];
        var targets = new double[labelled.Length];
        for (int i = 0; i < labelled.Length; i++)
        {
            pipeline.EncodeRecord(inputs.Select(c => frame.GetCell(labelled[i], c)).ToArray(), encoded, null);
            for (int c = 0; c < columns.Length; c++) rows[i * columns.Length + c] = encoded[columns[c]];
            var target = frame.GetCell(labelled[i], targetColumn);
            targets[i] = model.Task == TaskKind.Regression ? target.Number : model.Scorer.ClassIndex(target.ToString());
        }
        var blend = new NeighbourBlend(new NeighbourIndex(rows, columns.Length, targets, model.TargetSpec.Outputs), columns, k, weight);
        return new ModelArtifact(model.Target, model.TargetSpec, model.Members.ToArray(), model.Dropped, model.Threshold, model.Validation,
            model.Sample, model.Profile, model.Leaks, blend);
    }

    public static List<IReadOnlyDictionary<string, CellValue>> Records(ModelArtifact model, TabularFrame frame) =>
        Enumerable.Range(0, frame.RowCount)
            .Select(r => (IReadOnlyDictionary<string, CellValue>)model.Inputs.ToDictionary(i => i.Name, i => frame.GetCell(r,
                frame.IndexOf(i.Name))))
            .ToList();
}
