using System.Text.Json;
using System.Text.Json.Serialization;
using DefectApi.Data;
using DefectApi.Http;
using DefectApi.OpenApi;
using DefectApi.Tabular;
using DefectApi.Tabular.Frames;
using DefectApi.Tabular.Schema;

namespace DefectApi.Datasets;

public sealed record ValueCountResponse(string Value, long Count);

/// <param name="Count">text cells counted as missing (included in the column's missing)</param>
/// <param name="Values">the most common of those texts</param>
public sealed record TreatedAsMissingResponse(long Count, IReadOnlyList<ValueCountResponse> Values);

/// <param name="TreatedAsMissing">null unless rare text in a numeric column (an Excel "#VALUE!") was counted as missing</param>
public sealed record ColumnResponse(string Name, string Type, long Missing, long Distinct, double? Min, double? Max,
    double? Mean, double? Std, IReadOnlyList<ValueCountResponse> TopValues, TreatedAsMissingResponse? TreatedAsMissing);

/// <param name="Report">what the data holds that matters before training; null for datasets uploaded before reports existed</param>
/// <param name="ReportNote">why Report is null; null when there is a report</param>
public sealed record DatasetResponse(Guid Id, string Name, long RowCount, long SizeBytes, string Sha256, DateTime CreatedAt,
    string Delimiter, string DecimalSeparator, string Encoding, IReadOnlyList<ColumnResponse> Columns,
    DataReportResponse? Report = null, string? ReportNote = null);

/// <param name="DuplicateRows">rows whose every cell repeats an earlier row's</param>
/// <param name="IdentifierColumns">a value per row (serials, row numbers): training leaves them out</param>
/// <param name="ConstantColumns">one value at most: training leaves them out</param>
/// <param name="NearDuplicateColumns">pairs of columns that repeat each other, the earlier column first:
/// |correlation| ≥ 0.999, or equal after renaming levels</param>
/// <param name="DuplicateExamples">the first few duplicate rows, by 1-based data row number (the header not counted)</param>
/// <param name="NearDuplicateDetails">each pair of NearDuplicateColumns with how it repeats: its kind and correlation</param>
/// <param name="Notes">limits of the checks (columns left out, and why)</param>
public sealed record DataReportResponse(long DuplicateRows, IReadOnlyList<string> IdentifierColumns, IReadOnlyList<string> ConstantColumns,
    IReadOnlyList<IReadOnlyList<string>> NearDuplicateColumns, IReadOnlyList<DuplicateRowResponse> DuplicateExamples,
    IReadOnlyList<NearDuplicateResponse> NearDuplicateDetails, IReadOnlyList<string> Notes)
{
    public static DataReportResponse From(DataReport report) => new(report.DuplicateRows, report.Identifiers, report.SingleValued,
        report.NearDuplicates.Select(n => (IReadOnlyList<string>)[n.DuplicateOf, n.Column]).ToList(),
        report.DuplicateExamples.Select(d => new DuplicateRowResponse(d.Row, d.SameAsRow)).ToList(),
        report.NearDuplicates.Select(n => new NearDuplicateResponse(n.Column, n.DuplicateOf, n.Kind, n.Correlation)).ToList(),
            report.Notes);
}

public sealed record DuplicateRowResponse(long Row, long SameAsRow);

/// <param name="Kind">correlated (numbers) or relabelled (categories equal after renaming levels one for one)</param>
/// <param name="Correlation">Pearson r for correlated pairs, null for relabelled</param>
public sealed record NearDuplicateResponse(string Column, string DuplicateOf, string Kind, double? Correlation);

/// <summary>A dataset in a list: everything but its column profiles, which GET /api/datasets/{id} gives.</summary>
public sealed record DatasetSummary(Guid Id, string Name, long RowCount, long SizeBytes, string Sha256, DateTime CreatedAt,
    string Delimiter, string DecimalSeparator, string Encoding, int ColumnCount);

/// <param name="Next">the next page's path, null on the last page</param>
public sealed record DatasetList(IReadOnlyList<DatasetSummary> Items, long Total, int Offset, int Limit, string? Next);

public sealed record DatasetRows(IReadOnlyList<string> Columns, [property: CellValues] IReadOnlyList<object?[]> Rows, long Total,
    int Offset, int Limit);

public static class DatasetMapping
{
    static readonly JsonSerializerOptions StorageJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        // The profiler keeps every figure finite; should one ever not be, storing the dataset must not fail over it.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string ToStorageJson(IReadOnlyList<ColumnProfile> columns) => JsonSerializer.Serialize(columns, StorageJson);

    public static IReadOnlyList<ColumnProfile> ReadColumns(this Dataset dataset) =>
        JsonSerializer.Deserialize<List<ColumnProfile>>(dataset.ColumnsJson, StorageJson) ?? [];

    public static DatasetResponse ToResponse(this Dataset dataset) => new(
        dataset.Id, dataset.Name, dataset.RowCount, dataset.SizeBytes, dataset.Sha256, dataset.CreatedAt,
        dataset.Delimiter, dataset.DecimalSeparator, dataset.Encoding,
        dataset.ReadColumns().Select(ToResponse).ToList(),
        dataset.ReportJson is { } report
            && JsonSerializer.Deserialize<DataReport>(report, StorageJson) is { } stored ? DataReportResponse.From(stored) : null,
        dataset.ReportJson is null ? OldDatasetNote : null);

    const string OldDatasetNote = "This dataset was uploaded before data reports existed: upload the file again to see its " +
        "duplicate rows, identifier, single-valued and near-duplicate columns.";

    /// <summary>Stored as the tabular layer's report, and answered in the contract's names.</summary>
    public static string? ToStorageJson(DataReport? report) => report is null ? null : JsonSerializer.Serialize(report, StorageJson);

    /// <summary>Datasets as list summaries, shaped in the query. The column count is taken in the database so that a
    /// page never reads the profiles (1.9 MB for a 5,000-column dataset): each stored profile holds the key "name"
    /// exactly once, and in JSON text a quote inside a value is always escaped, so counting that key counts columns.
    /// string.Length and Replace translate on every EF Core provider. It relies on the profiles being stored as the
    /// serializer wrote them (a text column, not jsonb, which would re-space them); DatasetListTests hold both providers to it.</summary>
    public static IQueryable<DatasetSummary> ToSummaries(this IQueryable<Dataset> datasets) => datasets.Select(d => new DatasetSummary(
        d.Id, d.Name, d.RowCount, d.SizeBytes, d.Sha256, d.CreatedAt, d.Delimiter, d.DecimalSeparator, d.Encoding,
        (d.ColumnsJson.Length - d.ColumnsJson.Replace(NameKey, "").Length) / NameKey.Length));

    const string NameKey = "\"name\":";

    static ColumnResponse ToResponse(ColumnProfile c) => new(
        c.Name, TypeName(c.Type), c.Missing, c.Distinct, JsonNumbers.Finite(c.Min), JsonNumbers.Finite(c.Max),
            JsonNumbers.Finite(c.Mean), JsonNumbers.Finite(c.Std),
        ToResponse(c.TopValues),
        c.TreatedAsMissing is { } text ? new TreatedAsMissingResponse(text.Count, ToResponse(text.Values)) : null);

    static List<ValueCountResponse> ToResponse(IEnumerable<ValueCount> values) =>
        values.Select(v => new ValueCountResponse(v.Value, v.Count)).ToList();

    public static string TypeName(ColumnType type) => type switch
    {
        ColumnType.Numeric => "numeric",
        ColumnType.Categorical => "categorical",
        ColumnType.Boolean => "boolean",
        ColumnType.Datetime => "datetime",
        ColumnType.Identifier => "identifier",
        _ => "constant",
    };


    /// <summary>A stored cell as JSON: number, text, true/false or null.</summary>
    public static object? ToJsonValue(CellValue cell) => cell.Kind switch
    {
        CellKind.Number => double.IsFinite(cell.Number) ? cell.Number : null,
        CellKind.Text => cell.Text,
        CellKind.Boolean => cell.Boolean,
        _ => null,
    };
}
