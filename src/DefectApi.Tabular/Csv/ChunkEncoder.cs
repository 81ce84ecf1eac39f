using DefectApi.Tabular.Schema;

namespace DefectApi.Tabular.Csv;

/// <summary>Turns a raw chunk into the stored format and feeds the column profiles on the way: a column block is
/// numeric when every present value in the chunk is a number, otherwise dictionary-encoded text that keeps each
/// cell's original spelling ("1.50" stays "1.50"). The data report, when asked for, reads the same cells.</summary>
internal sealed class ChunkEncoder(ColumnProfiler[] profilers, char decimalSeparator, DataReportBuilder? report = null)
{
    private sealed class Scratch(int rows)
    {
        public readonly double[] Numbers = new double[rows];
        public readonly int[] Codes = new int[rows];
    }

    public byte[] Encode(RawChunk raw)
    {
        var chunk = new ChunkWriter(ChunkFormat.HeaderBytes + raw.Columns * (raw.Rows * 8 + 1));
        chunk.WriteInt32(unchecked((int)ChunkFormat.Magic));
        chunk.WriteInt32(raw.Rows);
        chunk.WriteInt32(raw.Columns);
        var scratch = new Scratch(raw.Rows);
        report?.BeginChunk(raw.Rows);
        for (int c = 0; c < raw.Columns; c++) EncodeColumn(raw, c, chunk, scratch);
        report?.EndChunk(raw.Rows);
        return chunk.ToArray();
    }

    private void EncodeColumn(RawChunk raw, int column, ChunkWriter writer, Scratch scratch)
    {
        var profiler = profilers[column];
        var numbers = scratch.Numbers;
        bool allNumeric = true;
        for (int r = 0; r < raw.Rows; r++)
        {
            var cell = raw.Cell(column, r);
            // Numbers first: most cells are numbers, and no missing marker parses as a finite one ("NaN" does not).
            if (CellText.TryParseNumber(cell, decimalSeparator, out double value))
            {
                numbers[r] = value;
                profiler.AddNumber(value);
            }
            else if (CellText.IsMissing(cell))
            {
                numbers[r] = double.NaN;
                profiler.AddMissing();
                report?.AddText(r, cell);
            }
            else
            {
                numbers[r] = double.NaN;
                profiler.AddText(cell);
                report?.AddText(r, cell);
                allNumeric = false;
            }
        }
        report?.AddNumbers(column, numbers.AsSpan(0, raw.Rows), allNumeric);
        if (allNumeric)
        {
            report?.AddNumericBlock(column);
            writer.WriteByte(ChunkFormat.NumericBlock);
            writer.WriteDoubles(numbers.AsSpan(0, raw.Rows));
        }
        else
        {
            EncodeText(raw, column, writer, scratch.Codes);
        }
    }

    private void EncodeText(RawChunk raw, int column, ChunkWriter writer, int[] codes)
    {
        var entries = new Dictionary<string, int>(StringComparer.Ordinal);
        var lookup = entries.GetAlternateLookup<ReadOnlySpan<char>>();
        var order = new List<string>();
        for (int r = 0; r < raw.Rows; r++)
        {
            var cell = raw.Cell(column, r);
            if (CellText.IsMissing(cell)) { codes[r] = 0; continue; }
            if (!lookup.TryGetValue(cell, out int code))
            {
                var text = cell.ToString();
                order.Add(text);
                code = order.Count;
                entries[text] = code;
            }
            codes[r] = code;
        }
        report?.AddLevels(column, order, codes.AsSpan(0, raw.Rows));
        writer.WriteByte(decimalSeparator == ',' ? ChunkFormat.DecimalCommaTextBlock : ChunkFormat.TextBlock);
        writer.WriteInt32(order.Count);
        foreach (var text in order) writer.WriteString(text);
        int width = ChunkFormat.CodeWidth(order.Count);
        writer.WriteByte((byte)width);
        writer.WriteCodes(codes.AsSpan(0, raw.Rows), width);
    }
}
