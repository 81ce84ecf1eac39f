using System.Globalization;
using System.Text;

namespace DefectApi.Tabular.Csv;

/// <summary>Scores a whole CSV export as it streams: every input column is written back untouched (serials and lot
/// numbers pass through), followed by the prediction columns. Memory is bounded by one batch of rows.</summary>
public static class CsvScorer
{
    const int BatchRows = 2048;

    public static async Task ScoreAsync(Stream input, Stream output, ModelArtifact model, CancellationToken ct)
    {
        await using var source = await CsvSource.OpenAsync(input, new CsvReadOptions(), ct);
        var header = source.Header;
        var inputs = model.Inputs.Select(i => (Info: i, Ordinal: IndexOf(header, i.Name))).ToArray();
        var absent = inputs.Where(i => i.Ordinal < 0).Select(i => i.Info.Name).ToList();
        if (absent.Count > 0)
            throw new CsvFormatException($"The CSV has no column {string.Join(", ", absent.Select(a => $"'{a}'"))}, which the model needs. " +
                $"Its inputs are: {string.Join(", ", model.Inputs.Select(i => i.Name))}.", 1, absent[0]);

        // Written only now, so a header problem above is still a clean 400.
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        var outputColumns = PredictionColumns(model);
        await writer.WriteLineAsync(string.Join(',', header.Concat(outputColumns).Select(Quote)));

        var rows = new List<string[]>(BatchRows);
        var records = new List<IReadOnlyDictionary<string, CellValue>>(BatchRows);
        while (await source.ReadAsync(ct))
        {
            var cells = new string[header.Count];
            for (var c = 0; c < cells.Length; c++) cells[c] = source.Field(c).ToString();
            rows.Add(cells);
            records.Add(ToRecord(cells, inputs, source.Dialect.DecimalSeparator));
            if (rows.Count == BatchRows) await FlushBatchAsync(writer, model, rows, records, outputColumns.Count, ct);
        }
        await FlushBatchAsync(writer, model, rows, records, outputColumns.Count, ct);
    }

    static int IndexOf(IReadOnlyList<string> header, string name)
    {
        for (var i = 0; i < header.Count; i++) if (header[i] == name) return i;
        return -1;
    }

    static List<string> PredictionColumns(ModelArtifact model) => model.Task switch
    {
        "binary" => ["label", "probability", "defect", "error"],
        "regression" => ["value", "error"],
        _ => ["label", .. model.Classes!.Select(c => $"probability_{c}"), "error"],
    };

    static Dictionary<string, CellValue> ToRecord(string[] cells, (ModelInputInfo Info, int Ordinal)[] inputs, char decimalSeparator)
    {
        var record = new Dictionary<string, CellValue>(inputs.Length, StringComparer.Ordinal);
        foreach (var (info, ordinal) in inputs)
        {
            var raw = cells[ordinal];
            record[info.Name] = CellText.IsMissing(raw) ? CellValue.Missing
                : info.Type == "numeric" && CellText.TryParseNumber(raw, decimalSeparator, out var number) ? CellValue.FromNumber(number)
                : CellValue.FromText(raw.Trim());
        }
        return record;
    }

    static async Task FlushBatchAsync(StreamWriter writer, ModelArtifact model, List<string[]> rows,
        List<IReadOnlyDictionary<string, CellValue>> records, int outputCount, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        var batch = model.Predict(records);
        var line = new StringBuilder();
        for (var r = 0; r < rows.Count; r++)
        {
            line.Clear();
            foreach (var cell in rows[r]) line.Append(Quote(cell)).Append(',');
            // A batch with a bad row is scored row by row, so one bad value costs one row, not the batch.
            var single = batch.Errors.Count == 0 ? null : model.Predict([records[r]]);
            var prediction = single is null ? batch.Predictions[r] : single.Errors.Count == 0 ? single.Predictions[0] : null;
            if (prediction is null) AppendError(line, outputCount, string.Join("; ", single!.Errors.Select(e => $"{e.Column}: {e.Message}")));
            else AppendPrediction(line, model, prediction);
            await writer.WriteLineAsync(line, ct);
        }
        rows.Clear();
        records.Clear();
        await writer.FlushAsync(ct);
    }

    static void AppendPrediction(StringBuilder line, ModelArtifact model, Prediction p)
    {
        switch (model.Task)
        {
            case "binary":
                line.Append(Quote(p.Label ?? "")).Append(',').Append(Number(p.Probability)).Append(',')
                    .Append(p.Defect == true ? "true" : "false").Append(',');
                break;
            case "regression":
                line.Append(Number(p.Value)).Append(',');
                break;
            default:
                line.Append(Quote(p.Label ?? "")).Append(',');
                foreach (var c in model.Classes!) line.Append(Number(p.Probabilities?.GetValueOrDefault(c))).Append(',');
                break;
        }
        // The error column stays empty for a scored row.
    }

    static void AppendError(StringBuilder line, int outputCount, string message)
    {
        line.Append(',', outputCount - 1);
        line.Append(Quote(message));
    }

    static string Number(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "";

    /// <summary>RFC 4180: quote a field that holds the delimiter, a quote or a line break; double inner quotes.</summary>
    static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";
}
