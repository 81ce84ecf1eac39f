namespace DefectApi.Tabular.Csv;

/// <summary>One column of a decoded chunk: either Numbers (NaN = missing) or Codes into Entries (0 = missing), whose
/// numbers are spelled with DecimalSeparator.</summary>
internal sealed record DecodedBlock(double[]? Numbers, int[]? Codes, string[]? Entries, char DecimalSeparator = '.')
{
    /// <summary>The number in a cell: NaN when it is missing or its text is not a number.</summary>
    public double NumberAt(int row)
    {
        if (Numbers is { } numbers) return numbers[row];
        int code = Codes![row];
        return code != 0 && CellText.TryParseNumber(Entries![code - 1], DecimalSeparator, out double v) ? v : double.NaN;
    }
}

internal static class ChunkDecoder
{
    public static (int Rows, DecodedBlock[] Columns) Decode(ReadOnlySpan<byte> chunk)
    {
        var cursor = new ChunkCursor(chunk);
        if ((uint)cursor.ReadInt32() != ChunkFormat.Magic) throw ChunkFormat.Corrupt("wrong magic");
        int rows = cursor.ReadInt32(), columns = cursor.ReadInt32();
        if (rows < 0 || columns < 0 || (long)rows * columns > chunk.Length) throw ChunkFormat.Corrupt("impossible shape");
        var blocks = new DecodedBlock[columns];
        for (int c = 0; c < columns; c++)
        {
            byte kind = cursor.ReadByte();
            if (kind == ChunkFormat.NumericBlock)
            {
                var numbers = new double[rows];
                cursor.ReadDoubles(numbers);
                blocks[c] = new DecodedBlock(numbers, null, null);
            }
            else if (kind is ChunkFormat.TextBlock or ChunkFormat.DecimalCommaTextBlock)
            {
                int count = cursor.ReadInt32();
                if (count < 0 || count > rows) throw ChunkFormat.Corrupt("a dictionary larger than the chunk");
                var entries = new string[count];
                for (int i = 0; i < count; i++) entries[i] = cursor.ReadString();
                int width = cursor.ReadByte();
                if (width is not (1 or 2 or 4)) throw ChunkFormat.Corrupt("an unknown code width");
                var codes = new int[rows];
                cursor.ReadCodes(codes, width, count);
                blocks[c] = new DecodedBlock(null, codes, entries, kind == ChunkFormat.DecimalCommaTextBlock ? ',' : '.');
            }
            else throw ChunkFormat.Corrupt($"an unknown block kind {kind}");
        }
        return (rows, blocks);
    }
}
