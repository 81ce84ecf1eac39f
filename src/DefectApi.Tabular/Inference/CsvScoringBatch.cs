using System.Buffers;
using DefectApi.Tabular.Csv;
using DefectApi.Tabular.Features;
using DefectApi.Tabular.Frames;

namespace DefectApi.Tabular.Inference;

/// <summary>Rows of a CSV waiting to be scored together: their input fields already written out as CSV text, their
/// model cells and any errors. Reading a row allocates only for what is new: a text value the column has not shown
/// before, or an error message.</summary>
internal sealed class CsvScoringBatch : IDisposable
{
    /// <summary>Distinct texts kept per input column (categories, mostly); a column with more allocates per value.</summary>
    private const int MaxKeptTexts = 4096;

    private readonly Scorer _model;
    private readonly int _answerCells;
    private readonly IReadOnlyList<FeatureEncoder> _encoders;
    private readonly int[] _ordinals;
    private readonly int _columns;
    private readonly char _decimalSeparator;
    private readonly CsvTextBuffer _passThrough;
    private readonly List<int> _rowEnds = [];
    private readonly List<string?> _errors = [];
    // Rows × inputs, row by row as read; sound rows are moved to the front in place before scoring.
    private CellValue[] _cells = [];
    private int _cellCount;
    private readonly Dictionary<string, string>[] _texts;

    private readonly IReadOnlyList<string> _header;
    private readonly ICsvPredictionLog? _log;
    // Only when logging: each row's values as a log line, end to end in one buffer; the log keeps the record as given.
    private readonly ArrayBufferWriter<byte> _records = new();
    private readonly List<int> _recordEnds = [];
    private readonly LogLineWriter _line = new();

    /// <param name="answerCells">how many cells an answer fills: a row without one leaves as many empty</param>
    public CsvScoringBatch(Scorer model, int[] ordinals, IReadOnlyList<string> header, CsvDialect dialect, ICsvPredictionLog? log,
        int answerCells)
    {
        _answerCells = answerCells;
        _model = model;
        _encoders = model.Members.Encoders;
        _ordinals = ordinals;
        _header = header;
        _columns = header.Count;
        _log = log;
        _log?.UseColumns(header);
        _decimalSeparator = dialect.DecimalSeparator;
        _passThrough = new CsvTextBuffer(dialect.Delimiter, dialect.DecimalSeparator);
        _texts = _encoders.Select(_ => new Dictionary<string, string>(StringComparer.Ordinal)).ToArray();
    }

    public int Count => _rowEnds.Count;

    public void Add(CsvSource source)
    {
        for (int c = 0; c < _columns; c++) _passThrough.Field(source.Field(c));
        if (_log is not null) AddRecordLine(source);
        _rowEnds.Add(_passThrough.Length);
        _passThrough.EndFields();
        List<string>? problems = null;
        for (int e = 0; e < _encoders.Count; e++)
        {
            var cell = ToCell(source.Field(_ordinals[e]), e);
            if (_encoders[e].Check(cell) is { } problem) (problems ??= []).Add($"{_encoders[e].Name}: {problem}");
            if (_cellCount == _cells.Length) Array.Resize(ref _cells, Math.Max(1024, _cells.Length * 2));
            _cells[_cellCount++] = cell;
        }
        _errors.Add(problems is null ? null : string.Join("; ", problems));
    }

    private void AddRecordLine(CsvSource source)
    {
        _line.Clear();
        for (int c = 0; c < _columns; c++)
        {
            var field = source.Field(c);
            if (CellText.IsMissing(field)) _line.Empty();
            else if (CellText.TryParseNumber(field, _decimalSeparator, out double number)) _line.Number(number);
            else _line.Text(field);
        }
        _records.Write(_line.Written);
        _recordEnds.Add(_records.WrittenCount);
    }

    private ReadOnlySpan<byte> RecordLine(int row)
    {
        int start = row == 0 ? 0 : _recordEnds[row - 1];
        return _records.WrittenSpan[start.._recordEnds[row]];
    }

    private CellValue ToCell(ReadOnlySpan<char> raw, int input)
    {
        if (CellText.IsMissing(raw)) return CellValue.Missing;
        if (_encoders[input].Type == NumericEncoder.TypeName && CellText.TryParseNumber(raw, _decimalSeparator, out double v))
            return CellValue.FromNumber(v);
        var known = _texts[input].GetAlternateLookup<ReadOnlySpan<char>>();
        if (known.TryGetValue(raw, out var text)) return CellValue.FromText(text);
        text = raw.ToString();
        if (_texts[input].Count < MaxKeptTexts) _texts[input][text] = text;
        return CellValue.FromText(text);
    }

    /// <summary>Scores the sound rows and writes every row, in order: its input fields, its answers and its error.</summary>
    /// <returns>how many rows got an answer; the others got an error</returns>
    public int ScoreInto(CsvTextBuffer text)
    {
        int inputs = _encoders.Count, outputs = _model.Spec.Outputs;
        var valid = new List<int>(Count);
        for (int r = 0; r < Count; r++) if (_errors[r] is null) valid.Add(r);
        var answers = ArrayPool<double>.Shared.Rent(Math.Max(1, valid.Count * outputs));
        int answered = 0;
        try
        {
            // valid ascends, so each sound row moves forward or stays: no row is overwritten before it is moved.
            for (int i = 0; i < valid.Count; i++)
                if (valid[i] != i) Array.Copy(_cells, valid[i] * inputs, _cells, i * inputs, inputs);
            PredictOnAllCores(_cells, answers, valid.Count);
            int next = 0, start = 0;
            for (int r = 0; r < Count; r++)
            {
                text.PassThrough(_passThrough.Slice(start, _rowEnds[r] - start));
                start = _rowEnds[r];
                string? error = _errors[r];
                if (next < valid.Count && valid[next] == r)
                {
                    var answer = answers.AsSpan(next++ * outputs, outputs);
                    if (IsFinite(answer))
                    {
                        if (_log is not null) text.Field(_log.Logged(RecordLine(r), _model.LoggedAnswer(answer)).ToString());
                        WriteAnswer(text, answer);
                    }
                    else error = Scorer.NoFiniteAnswer;
                }
                if (error is null)
                {
                    text.Empty();
                    answered++;
                }
                else
                {
                    if (_log is not null) text.Empty();
                    WriteNoAnswer(text);
                    text.Field(error);
                }
                text.EndRecord();
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(answers);
        }
        _rowEnds.Clear();
        _records.ResetWrittenCount();
        _recordEnds.Clear();
        _errors.Clear();
        Array.Clear(_cells, 0, _cellCount);   // the texts go with the batch
        _cellCount = 0;
        _passThrough.Clear();
        return answered;
    }

    private static bool IsFinite(ReadOnlySpan<double> answer)
    {
        foreach (double v in answer) if (!double.IsFinite(v)) return false;
        return true;
    }

    private void WriteAnswer(CsvTextBuffer text, ReadOnlySpan<double> answer)
    {
        var sink = new CsvAnswerSink(text, _model.Classes);
        _model.Answer(answer, ref sink);
    }

    /// <summary>The answer cells of a row, in the order of <see cref="CsvScorer"/>'s prediction columns.</summary>
    private readonly struct CsvAnswerSink(CsvTextBuffer text, IReadOnlyList<string>? classes) : IAnswerSink
    {
        public void Binary(int label, double probability, bool defect)
        {
            text.Field(classes![label]);
            text.Number(probability);
            text.Field(defect ? "true" : "false");
        }

        public void Regression(double value) => text.Number(value);

        public void Multiclass(int label, ReadOnlySpan<double> probabilities)
        {
            text.Field(classes![label]);
            foreach (double p in probabilities) text.Number(p);
        }
    }

    private void WriteNoAnswer(CsvTextBuffer text)
    {
        for (int i = 0; i < _answerCells; i++) text.Empty();
    }

    /// <summary>The rows scored in as many slices as there are cores (at least 256 rows each): the networks and
    /// encoders are read-only and their scratch is per thread, and each slice's answers land in place.</summary>
    private void PredictOnAllCores(CellValue[] cells, double[] answers, int rows)
    {
        int inputs = _encoders.Count, outputs = _model.Spec.Outputs;
        int slices = Math.Clamp(rows / 256, 1, Environment.ProcessorCount);
        Parallel.For(0, slices, new ParallelOptions { MaxDegreeOfParallelism = slices }, s =>
        {
            int start = rows * s / slices, end = rows * (s + 1) / slices;
            EnsembleOutputs.PredictInto(_model.Members, _model.Spec, cells.AsSpan(start * inputs, (end - start) * inputs),
                end - start, null, answers.AsSpan(start * outputs, (end - start) * outputs));
        });
    }

    public void Dispose() => _passThrough.Dispose();
}
