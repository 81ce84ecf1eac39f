using DefectApi.Tabular.Features;
using DefectApi.Tabular.Frames;
using DefectApi.Tabular.Inference;
using DefectApi.Tabular.Targets;

namespace DefectApi.Tabular.Monitoring;

/// <summary>
/// What the training data and the model's answers on it looked like, stored with the model so live inputs can be
/// compared with them (<see cref="DriftAccumulator"/>). Built from every labelled row the model was trained on, per
/// model input in <see cref="ModelArtifact.Inputs"/> order: numeric inputs as decile bins with min, max and missing
/// share; categorical and boolean inputs as category shares. Datetime inputs keep only their missing share: the
/// timestamps of live data always lie after the training period, so comparing them would always alarm, and the
/// hour/weekday/month the network reads are not a distribution a quality engineer acts on. The output profile comes
/// from the out-of-fold validation answers (each row scored by members that never trained on it), so it is what
/// the model answers on data like its training data: the positive-class probability (binary), the value
/// (regression), or the predicted class (multiclass).
/// </summary>
public sealed class TrainingProfile
{
    /// <summary>Numeric inputs are cut at the training deciles: ten bins, the usual choice for the population
    /// stability index (Siddiqi 2006; Yurdakul 2018, see <see cref="DriftStatus"/>).</summary>
    public const int Deciles = 10;

    /// <summary>Categories kept by name per input; rarer ones share an "other" bin.</summary>
    public const int MaxCategories = 50;

    /// <summary>The <see cref="ColumnBaseline.Type"/> of the output profile.</summary>
    public const string OutputType = "output";

    internal TrainingProfile(long rows, IReadOnlyList<ColumnBaseline> columns, ColumnBaseline output)
    {
        TrainingRows = rows;
        Columns = columns;
        Output = output;
    }

    /// <summary>How many labelled rows the input profiles were counted on.</summary>
    public long TrainingRows { get; }

    /// <summary>One per model input, in <see cref="ModelArtifact.Inputs"/> order.</summary>
    public IReadOnlyList<ColumnBaseline> Columns { get; }

    /// <summary>The model's out-of-fold validation answers: "probability" (binary, numeric bins), "value" (regression,
    /// numeric bins) or "label" (multiclass, a bin per class in the model's order).</summary>
    public ColumnBaseline Output { get; }

    /// <param name="columns">the frame columns of the model's inputs, in input order</param>
    /// <param name="types">the inputs' types (numeric | categorical | boolean | datetime), in the same order</param>
    /// <param name="rows">every labelled row the model used</param>
    internal static TrainingProfile Build(TabularFrame frame, IReadOnlyList<int> columns, IReadOnlyList<string> types, int[] rows,
        TargetSpec target, ValidationOutputs validation)
    {
        var baselines = new ColumnBaseline[columns.Count];
        for (int i = 0; i < columns.Count; i++)
        {
            int column = columns[i];
            string name = frame.Columns[column].Name, type = types[i];
            var cells = rows.Select(r => frame.GetCell(r, column)).ToArray();
            baselines[i] = type switch
            {
                NumericEncoder.TypeName => BaselineBuilder.Numeric(name, type, cells.Select(CellReading.Number).ToArray()),
                DatetimeEncoder.TypeName => BaselineBuilder.NotChecked(name, type, cells.Count(CellReading.IsMissing), cells.Length),
                _ => BaselineBuilder.Categorical(name, type, cells.Select(c => CellReading.Category(c, type)).ToArray()),
            };
        }
        return new TrainingProfile(rows.Length, baselines, OutputBaseline(target, validation));
    }

    private static ColumnBaseline OutputBaseline(TargetSpec target, ValidationOutputs validation)
    {
        if (target.Task != TaskKind.Multiclass)
            return BaselineBuilder.Numeric(OutputName(target.Task), OutputType, validation.Outputs);
        int classes = target.Outputs;
        var predicted = new int[validation.Outputs.Length / classes];
        for (int r = 0; r < predicted.Length; r++) predicted[r] = ArgMax(validation.Outputs.AsSpan(r * classes, classes));
        return BaselineBuilder.Labels(OutputName(target.Task), target.Classes!, predicted);
    }

    /// <summary>What the output profile measures: "probability" (binary), "value" (regression), "label" (multiclass).</summary>
    internal static string OutputName(TaskKind task) => task switch
    {
        TaskKind.Binary => "probability",
        TaskKind.Regression => "value",
        _ => "label",
    };

    /// <summary>The most probable class, the first on a tie (as <see cref="ModelArtifact"/> labels a prediction).</summary>
    internal static int ArgMax(ReadOnlySpan<double> probabilities)
    {
        int best = 0;
        for (int c = 1; c < probabilities.Length; c++) if (probabilities[c] > probabilities[best]) best = c;
        return best;
    }

    internal void Write(BinaryWriter writer)
    {
        writer.Write(TrainingRows);
        writer.Write(Columns.Count);
        foreach (var column in Columns) column.Write(writer);
        Output.Write(writer);
    }

    internal static TrainingProfile Read(BinaryReader reader)
    {
        long rows = reader.ReadInt64();
        int count = reader.ReadInt32();
        if (count is < 0 or > 1_000_000) throw new InvalidDataException("The training profile holds an impossible column count.");
        var columns = new ColumnBaseline[count];
        for (int i = 0; i < count; i++) columns[i] = ColumnBaseline.Read(reader);
        return new TrainingProfile(rows, columns, ColumnBaseline.Read(reader));
    }
}
