using DefectApi.Tabular.Frames;

namespace DefectApi.Tabular.Inference;

/// <summary>
/// Records to score, held as cells in the model's input order as a reader meets them (a JSON body, a dictionary):
/// no map per record. A reader starts a record, sets the columns it finds, and notes what it could not read;
/// <see cref="Scorer.Score"/> then checks every record once and answers every error and warning.
/// </summary>
public sealed class RecordBatch
{
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _inputs;
    private readonly int _width;
    private CellValue[] _cells;
    private bool[] _given;
    private readonly List<RecordError> _errors = [];

    public RecordBatch(Scorer model, int capacity = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        _inputs = model.InputIndex.GetAlternateLookup<ReadOnlySpan<char>>();
        _width = model.Inputs.Count;
        _cells = new CellValue[Math.Max(1, capacity) * _width];
        _given = new bool[_cells.Length];
    }

    public int Count { get; private set; }

    /// <summary>What the reader could not read, and the columns given twice.</summary>
    public IReadOnlyList<RecordError> ReadErrors => _errors;

    internal ReadOnlySpan<CellValue> Cells => _cells.AsSpan(0, Count * _width);

    internal bool IsGiven(int record, int input) => _given[record * _width + input];

    /// <summary>Starts the next record; its columns are unset until Set.</summary>
    public void StartRecord()
    {
        if ((Count + 1) * _width > _cells.Length)
        {
            Array.Resize(ref _cells, Math.Max(_cells.Length * 2, (Count + 1) * _width));
            Array.Resize(ref _given, _cells.Length);
        }
        _cells.AsSpan(Count * _width, _width).Clear();
        _given.AsSpan(Count * _width, _width).Clear();
        Count++;
    }

    /// <summary>Sets a column of the current record. A column the model does not use is ignored (callers may send
    /// more, a part's serial say); one given twice is an error, since either value may not be the one meant.</summary>
    public void Set(ReadOnlySpan<char> column, CellValue value)
    {
        if (!_inputs.TryGetValue(column, out int input)) return;
        int at = (Count - 1) * _width + input;
        if (_given[at])
        {
            string name = column.ToString();
            _errors.Add(new RecordError(Count - 1, name, $"'{name}' appears more than once in this record: send each column once."));
            return;
        }
        _cells[at] = value;
        _given[at] = true;
    }

    /// <summary>Notes what could not be read in the current record: a column's value (column named), or the whole
    /// record (column empty). A column so noted is not also reported missing; one the model does not use is passed
    /// over, as its value would be.</summary>
    public void AddError(ReadOnlySpan<char> column, string message)
    {
        if (!column.IsEmpty)
        {
            if (!_inputs.TryGetValue(column, out int input)) return;
            _given[(Count - 1) * _width + input] = true;
        }
        else
        {
            // The record could not be read at all: its columns are not reported missing one by one.
            _given.AsSpan((Count - 1) * _width, _width).Fill(true);
        }
        _errors.Add(new RecordError(Count - 1, column.ToString(), message));
    }

    /// <summary>The records as dictionaries give them (the convenience path for tests and tools).</summary>
    public static RecordBatch From(Scorer model, IReadOnlyList<IReadOnlyDictionary<string, CellValue>> records)
    {
        var batch = new RecordBatch(model, records.Count);
        foreach (var record in records)
        {
            batch.StartRecord();
            if (record is null) continue;
            foreach (var (column, value) in record) batch.Set(column, value);
        }
        return batch;
    }
}
