namespace DefectApi.Tabular.Csv;

public sealed record CsvReadOptions
{
    /// <summary>null = detect among , ; tab |</summary>
    public char? Delimiter { get; init; }

    /// <summary>null = detect ('.' or ',')</summary>
    public char? DecimalSeparator { get; init; }

    public int ChunkRows { get; init; } = 8192;
    public int MaxColumns { get; init; } = 10_000;

    /// <summary>Build the <see cref="Schema.DataReport"/> (duplicates, identifiers, single-valued and near-duplicate columns) while
    /// ingesting.</summary>
    public bool DataReport { get; init; } = true;
}
