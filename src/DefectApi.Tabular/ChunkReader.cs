using DefectApi.Tabular.Csv;

namespace DefectApi.Tabular;

/// <summary>Decodes one stored chunk for previews (GET /rows): Rows[r][c].</summary>
public static class ChunkReader
{
    public static IReadOnlyList<CellValue[]> ReadRows(byte[] chunk)
    {
        var (rows, columns) = ChunkDecoder.Decode(chunk);
        var result = new CellValue[rows][];
        for (int r = 0; r < rows; r++)
        {
            var row = new CellValue[columns.Length];
            for (int c = 0; c < columns.Length; c++) row[c] = CellAt(columns[c], r);
            result[r] = row;
        }
        return result;
    }

    private static CellValue CellAt(DecodedBlock block, int row)
    {
        if (block.Numbers is { } numbers)
            return double.IsNaN(numbers[row]) ? CellValue.Missing : CellValue.FromNumber(numbers[row]);
        int code = block.Codes![row];
        return code == 0 ? CellValue.Missing : CellValue.FromText(block.Entries![code - 1]);
    }
}
