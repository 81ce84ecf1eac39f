using System.Globalization;
using System.Text;
using DefectApi.Tabular.Features;

namespace DefectApi.Tabular.Csv;

public static class CsvScorer
{
    private const int BatchRows = 1024;
    private const string ErrorColumn = "error";

    /// <summary>
    /// text/csv in → text/csv out, streamed in batches: every input column passed through (serials and lot numbers
    /// too; only cells a spreadsheet would run as formulas are defused, see <see cref="CsvLineWriter"/>), then the prediction columns (binary: label, probability, defect; regression: value; multiclass:
    /// label + probability_&lt;class&gt;) and an error column. A header lacking a model input is a CsvFormatException
    /// before anything is written; a row with a bad value gets its message in the error column and empty
    /// prediction cells, and the stream goes on.
    /// </summary>
    public static async Task ScoreAsync(Stream input, Stream output, ModelArtifact model, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(model);
        await using var source = await CsvSource.OpenAsync(input, new CsvReadOptions(), ct);
        var encoders = model.Members[0].Pipeline.Encoders;
        var ordinals = InputOrdinals(source.Header, encoders);
        var dialect = source.Dialect;
        var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            var line = new CsvLineWriter(dialect.Delimiter, dialect.DecimalSeparator);
            writer.Write(line.Join(source.Header.Concat(PredictionColumns(model, source.Header))));
            var batch = new ScoringBatch(model, encoders, ordinals, source.Header.Count, dialect.DecimalSeparator);
            while (await source.ReadAsync(ct))
            {
                batch.Add(source);
                if (batch.Count < BatchRows) continue;
                await writer.WriteAsync(batch.Flush(line).AsMemory(), ct);
            }
            if (batch.Count > 0) await writer.WriteAsync(batch.Flush(line).AsMemory(), ct);
            await writer.FlushAsync(ct);
        }
        await source.FinishAsync(ct);
    }

    private static int[] InputOrdinals(IReadOnlyList<string> header, IReadOnlyList<FeatureEncoder> encoders)
    {
        var missing = encoders.Where(e => !header.Contains(e.Name)).Select(e => e.Name).ToList();
        if (missing.Count > 0)
            throw new CsvFormatException(
                $"The CSV lacks the model input column(s) {string.Join(", ", missing.Select(m => $"'{m}'"))}: add them to the header " +
                "(leave cells empty where a value is unknown).", 1, missing[0]);
        var positions = header.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        return encoders.Select(e => positions[e.Name]).ToArray();
    }

    /// <summary>Prediction column names, suffixed with "_predicted" where the input already uses the name.</summary>
    private static IEnumerable<string> PredictionColumns(ModelArtifact model, IReadOnlyList<string> header)
    {
        IEnumerable<string> names = model.Task switch
        {
            "binary" => ["label", "probability", "defect"],
            "regression" => ["value"],
            _ => model.Classes!.Select(c => $"probability_{c}").Prepend("label"),
        };
        return names.Append(ErrorColumn).Select(n => header.Contains(n) ? n + "_predicted" : n);
    }

    /// <summary>Rows waiting to be predicted together: their raw fields, their model cells and any errors.</summary>
    private sealed class ScoringBatch(ModelArtifact model, IReadOnlyList<FeatureEncoder> encoders, int[] ordinals, int columns,
        char decimalSeparator)
    {
        private readonly List<string[]> _fields = [];
        private readonly List<CellValue> _cells = [];
        private readonly List<string?> _errors = [];

        public int Count => _fields.Count;

        public void Add(CsvSource source)
        {
            var fields = new string[columns];
            for (int c = 0; c < columns; c++) fields[c] = source.Field(c).ToString();
            var problems = new List<string>();
            for (int e = 0; e < encoders.Count; e++)
            {
                var cell = ToCell(fields[ordinals[e]], encoders[e].Type);
                if (encoders[e].Check(cell) is { } problem) problems.Add($"{encoders[e].Name}: {problem}");
                _cells.Add(cell);
            }
            _fields.Add(fields);
            _errors.Add(problems.Count == 0 ? null : string.Join("; ", problems));
        }

        private CellValue ToCell(string raw, string type)
        {
            if (CellText.IsMissing(raw)) return CellValue.Missing;
            return type == NumericEncoder.TypeName && CellText.TryParseNumber(raw, decimalSeparator, out double v)
                ? CellValue.FromNumber(v)
                : CellValue.FromText(raw);
        }

        public string Flush(CsvLineWriter line)
        {
            var valid = Enumerable.Range(0, Count).Where(r => _errors[r] is null).ToArray();
            var cells = new CellValue[valid.Length * encoders.Count];
            for (int i = 0; i < valid.Length; i++)
                for (int e = 0; e < encoders.Count; e++) cells[i * encoders.Count + e] = _cells[valid[i] * encoders.Count + e];
            var predictions = PredictOnAllCores(cells, valid.Length);
            var text = new StringBuilder();
            int next = 0;
            for (int r = 0; r < Count; r++)
            {
                var prediction = next < valid.Length && valid[next] == r ? predictions[next++] : null;
                text.Append(line.Join(_fields[r].Concat(PredictionCells(prediction, _errors[r]))));
            }
            _fields.Clear();
            _cells.Clear();
            _errors.Clear();
            return text.ToString();
        }

        /// <summary>The batch's rows scored in as many slices as there are cores (at least 256 rows each): the networks
        /// and encoders are read-only and their scratch is per thread, and each slice's answers land in order.</summary>
        private IReadOnlyList<Prediction> PredictOnAllCores(CellValue[] cells, int rows)
        {
            int slices = Math.Clamp(rows / 256, 1, Environment.ProcessorCount);
            if (slices == 1) return model.PredictValidated(cells, rows);
            var parts = new IReadOnlyList<Prediction>[slices];
            int inputs = encoders.Count;
            Parallel.For(0, slices, s =>
            {
                int start = rows * s / slices, end = rows * (s + 1) / slices;
                parts[s] = model.PredictValidated(cells.AsSpan(start * inputs, (end - start) * inputs), end - start);
            });
            return [.. parts.SelectMany(p => p)];
        }

        private IEnumerable<string> PredictionCells(Prediction? p, string? error)
        {
            IEnumerable<string> cells = model.Task switch
            {
                "binary" => [p?.Label ?? "", Format(p?.Probability), p?.Defect is { } d ? (d ? "true" : "false") : ""],
                "regression" => [Format(p?.Value)],
                _ => model.Classes!.Select(c => Format(p?.Probabilities?[c])).Prepend(p?.Label ?? ""),
            };
            return cells.Append(error ?? "");
        }

        private string Format(double? value)
        {
            if (value is not { } v) return "";
            var text = v.ToString("G6", CultureInfo.InvariantCulture);
            return decimalSeparator == ',' ? text.Replace('.', ',') : text;
        }
    }
}

/// <summary>Writes one CSV record (RFC 4180 quoting: fields holding the delimiter, a quote or a line break are
/// quoted, quotes doubled), ending in "\n". A cell that a spreadsheet would run as a formula gets a leading single
/// quote, as OWASP's CSV Injection page recommends: the answer is meant to be opened in Excel, and its cells come from
/// whoever wrote the uploaded file or the scored records.</summary>
internal sealed class CsvLineWriter(char delimiter, char decimalSeparator)
{
    private readonly StringBuilder _line = new();

    public string Join(IEnumerable<string> fields)
    {
        _line.Clear();
        bool first = true;
        foreach (var cell in fields)
        {
            if (!first) _line.Append(delimiter);
            first = false;
            var field = Defused(cell);
            if (field.AsSpan().IndexOfAny(delimiter, '"', '\n') >= 0 || field.Contains('\r'))
                _line.Append('"').Append(field.Replace("\"", "\"\"")).Append('"');
            else _line.Append(field);
        }
        return _line.Append('\n').ToString();
    }

    /// <summary>'=', '+', '-' and '@' start a formula, and a leading tab or carriage return can hide one. A number such
    /// as -3.5 or +1e5 is not a formula and stays a number, and so does the lone '-' that marks a missing value.</summary>
    private string Defused(string field)
    {
        if (field.Length == 0) return field;
        switch (field[0])
        {
            case '\t' or '\r':
                return "'" + field;
            case '=' or '+' or '-' or '@':
                if (field == "-" || CellText.TryParseNumber(field, '.', out _) || CellText.TryParseNumber(field, decimalSeparator, out _)) return field;
                return "'" + field;
            default:
                return field;
        }
    }
}
