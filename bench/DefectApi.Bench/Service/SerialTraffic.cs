namespace DefectApi.Bench.Service;

/// <summary>The AI4I sample's rows as a plant's MES sends them: a serial number of its own per part in 'Product ID',
/// then the model's inputs. Serial n is the sample's row n modulo its size, so what really happened to a part (the
/// sample's 'Machine failure') is known from its serial alone, and no list of parts is kept.</summary>
internal sealed class SerialTraffic
{
    public const string KeyColumn = "Product ID";
    const string Target = "Machine failure";

    readonly string _header;
    readonly string[] _inputValues;   // each sample row's model inputs, joined with commas, in the header's order
    readonly string[] _actuals;

    SerialTraffic(string header, string[] inputValues, string[] actuals) => (_header, _inputValues, _actuals) = (header,
        inputValues, actuals);

    public static SerialTraffic Load()
    {
        var lines = File.ReadAllLines(AI4IModel.SamplePath());
        var columns = lines[0].TrimStart('\uFEFF').Split(',');
        var inputs = Enumerable.Range(0, columns.Length).Where(c => !AI4IModel.Excluded.Contains(columns[c]) && columns[c] != Target)
            .ToArray();
        int target = Array.IndexOf(columns, Target);
        var rows = lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToArray();
        return new SerialTraffic(
            string.Join(',', [KeyColumn, .. inputs.Select(c => columns[c])]),
            rows.Select(cells => string.Join(',', inputs.Select(c => cells[c]))).ToArray(),
            rows.Select(cells => cells[target]).ToArray());
    }

    public static string Serial(long n) => "P" + n.ToString("D9", CultureInfo.InvariantCulture);

    public string Actual(long serial) => _actuals[serial % _actuals.Length];

    /// <summary>A text/csv predict body of the parts first … first + count − 1.</summary>
    public byte[] Predictions(long first, int count)
    {
        var text = new StringBuilder(count * 64);
        text.Append(_header).Append('\n');
        for (long n = first; n < first + count; n++)
            text.Append(Serial(n)).Append(',').Append(_inputValues[n % _inputValues.Length]).Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>A text/csv outcomes body (?keyColumn=Product ID) of these parts and what happened to them.</summary>
    public byte[] Outcomes(IEnumerable<long> serials)
    {
        var text = new StringBuilder();
        text.Append(KeyColumn).Append(",actual\n");
        foreach (var n in serials) text.Append(Serial(n)).Append(',').Append(Actual(n)).Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
