using System.Text;
using DefectApi.Tabular.Csv;
using DefectApi.Tabular.Features;
using DefectApi.Tabular.Targets;

namespace DefectApi.Tabular.Inference;

public static class CsvScorer
{
    private const int BatchRows = 1024;
    private const string ErrorColumn = "error";
    public const string PredictionIdColumn = "predictionId";

    /// <summary>
    /// text/csv in → text/csv out, streamed in batches: every input column passed through (serials and lot numbers
    /// too; only cells a spreadsheet would run as formulas are defused, see <see cref="CsvTextBuffer"/>), then the
    /// prediction columns (binary: label, probability, defect; regression: value; multiclass: label +
    /// probability_&lt;class&gt;) and an error column. A header lacking a model input is a CsvFormatException before
    /// anything is written; a row with a bad value, or one the model gives no finite answer for, gets its message in
    /// the error column and empty prediction cells, and the stream goes on.
    /// </summary>
    /// <param name="log">when given, each answered row is handed to it and its id written in a predictionId column</param>
    /// <returns>how many rows got an answer and how many an error, once the whole file is written</returns>
    public static async Task<CsvScoreCounts> ScoreAsync(Stream input, Stream output, Scorer model, ICsvPredictionLog? log,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(model);
        await using var source = await CsvSource.OpenAsync(input, new CsvReadOptions(), ct);
        var ordinals = InputOrdinals(source.Header, model.Members.Encoders);
        var dialect = source.Dialect;
        var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        var counts = new CsvScoreCounts(0, 0);
        await using (writer.ConfigureAwait(false))
        {
            using var text = new CsvTextBuffer(dialect.Delimiter, dialect.DecimalSeparator);
            var answerColumns = AnswerColumns(model);
            foreach (var name in source.Header.Concat(PredictionColumns(answerColumns, source.Header, log is not null))) text.Field(name);
            text.EndRecord();
            using var batch = new CsvScoringBatch(model, ordinals, source.Header, dialect, log, answerColumns.Length);
            while (await source.ReadAsync(ct))
            {
                batch.Add(source);
                if (batch.Count < BatchRows) continue;
                counts += await WriteAsync(batch, text, writer, ct);
            }
            if (batch.Count > 0) counts += await WriteAsync(batch, text, writer, ct);
            if (text.Length > 0) await writer.WriteAsync(text.Written, ct);
            await writer.FlushAsync(ct);
        }
        await source.FinishAsync(ct);
        return counts;
    }

    private static async Task<CsvScoreCounts> WriteAsync(CsvScoringBatch batch, CsvTextBuffer text, StreamWriter writer,
        CancellationToken ct)
    {
        int rows = batch.Count, answered = batch.ScoreInto(text);
        await writer.WriteAsync(text.Written, ct);
        text.Clear();
        return new CsvScoreCounts(answered, rows - answered);
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

    /// <summary>The cells an answer fills, in the order the scorer's answer gives them (see CsvScoringBatch's sink).</summary>
    private static string[] AnswerColumns(Scorer model) => model.Task switch
    {
        TaskKind.Binary => ["label", "probability", "defect"],
        TaskKind.Regression => ["value"],
        _ => [.. model.Classes!.Select(c => $"probability_{c}").Prepend("label")],
    };

    /// <summary>Prediction column names, suffixed with "_predicted" where the input already uses the name.</summary>
    private static IEnumerable<string> PredictionColumns(string[] answerColumns, IReadOnlyList<string> header, bool logged)
    {
        IEnumerable<string> names = answerColumns;
        if (logged) names = names.Prepend(PredictionIdColumn);
        return names.Append(ErrorColumn).Select(n => header.Contains(n) ? n + "_predicted" : n);
    }
}

/// <summary>The rows of a scored CSV file: those answered, and those that got an error in place of an answer.</summary>
public readonly record struct CsvScoreCounts(long Answered, long Rejected)
{
    public static CsvScoreCounts operator +(CsvScoreCounts a, CsvScoreCounts b) => new(a.Answered + b.Answered, a.Rejected + b.Rejected);
}

/// <summary>Where CSV scoring reports each row it answered (a deployment's prediction log); the id it returns is
/// written in the row's predictionId column.</summary>
public interface ICsvPredictionLog
{
    /// <summary>The file's header, before any row: the names of every logged line's values.</summary>
    void UseColumns(IReadOnlyList<string> header);

    /// <param name="line">the row's values as a <see cref="LogLineWriter"/> line, in header order (a number where the
    /// field reads as one in the file's decimal separator, empty where it is empty or a missing marker, else the text)</param>
    /// <param name="answer">the answer as the log keeps it</param>
    Guid Logged(ReadOnlySpan<byte> line, LoggedScore answer);
}
