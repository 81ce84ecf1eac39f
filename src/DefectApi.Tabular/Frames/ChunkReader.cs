using DefectApi.Tabular.Csv;
using DefectApi.Tabular.Schema;

namespace DefectApi.Tabular.Frames;

/// <summary>Decodes one stored chunk for previews (GET /rows): Rows[r][c].</summary>
public static class ChunkReader
{
    public static IReadOnlyList<CellValue[]> ReadRows(byte[] chunk) => ReadRows(chunk, null);

    /// <param name="schema">with it, the numbers of a numeric column come back as numbers even from a chunk that
    /// also holds a text counted as missing (which is shown as the text it was)</param>
    public static IReadOnlyList<CellValue[]> ReadRows(byte[] chunk, IReadOnlyList<ColumnProfile>? schema)
    {
        var (rows, columns) = ChunkDecoder.Decode(chunk);
        var result = new CellValue[rows][];
        for (int r = 0; r < rows; r++)
        {
            var row = new CellValue[columns.Length];
            for (int c = 0; c < columns.Length; c++) row[c] = CellAt(columns[c], r, schema?[c].HoldsNumbers == true);
            result[r] = row;
        }
        return result;
    }

    private static CellValue CellAt(DecodedBlock block, int row, bool numeric)
    {
        if (block.Numbers is { } numbers)
            return double.IsNaN(numbers[row]) ? CellValue.Missing : CellValue.FromNumber(numbers[row]);
        int code = block.Codes![row];
        if (code == 0) return CellValue.Missing;
        return numeric && block.NumberAt(row) is var number && !double.IsNaN(number)
            ? CellValue.FromNumber(number)
            : CellValue.FromText(block.Entries![code - 1]);
    }
}
