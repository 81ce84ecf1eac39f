using System.Text.Json;
using System.Text.Json.Serialization;
using DefectApi.Http;
using DefectApi.OpenApi;
using DefectApi.Tabular;
using DefectApi.Tabular.Schema;

namespace DefectApi.Datasets;

public sealed record ValueCountResponse(string Value, long Count);

/// <param name="Count">text cells counted as missing (included in the column's missing)</param>
/// <param name="Values">the most common of those texts</param>
public sealed record TreatedAsMissingResponse(long Count, IReadOnlyList<ValueCountResponse> Values);

/// <param name="TreatedAsMissing">null unless rare text in a numeric column (an Excel "#VALUE!") was counted as missing</param>
public sealed record ColumnResponse(string Name, string Type, long Missing, long Distinct, double? Min, double? Max,
    double? Mean, double? Std, IReadOnlyList<ValueCountResponse> TopValues, TreatedAsMissingResponse? TreatedAsMissing);

public sealed record DatasetResponse(Guid Id, string Name, long RowCount, long SizeBytes, string Sha256, DateTime CreatedAt,
    string Delimiter, string DecimalSeparator, string Encoding, IReadOnlyList<ColumnResponse> Columns);

/// <summary>A dataset in a list: everything but its column profiles, which GET /api/datasets/{id} gives.</summary>
public sealed record DatasetSummary(Guid Id, string Name, long RowCount, long SizeBytes, string Sha256, DateTime CreatedAt,
    string Delimiter, string DecimalSeparator, string Encoding, int ColumnCount);

/// <param name="Next">the next page's path, null on the last page</param>
public sealed record DatasetList(IReadOnlyList<DatasetSummary> Items, long Total, int Offset, int Limit, string? Next);

public sealed record DatasetRows(IReadOnlyList<string> Columns, [property: CellValues] IReadOnlyList<object?[]> Rows, long Total, int Offset, int Limit);

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
        dataset.ReadColumns().Select(ToResponse).ToList());

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
        c.Name, TypeName(c.Type), c.Missing, c.Distinct, JsonNumbers.Finite(c.Min), JsonNumbers.Finite(c.Max), JsonNumbers.Finite(c.Mean), JsonNumbers.Finite(c.Std),
        ToResponse(c.TopValues),
        c.TreatedAsMissing is { } text ? new TreatedAsMissingResponse(text.Count, ToResponse(text.Values)) : null);

    static List<ValueCountResponse> ToResponse(IEnumerable<ValueCount> values) => values.Select(v => new ValueCountResponse(v.Value, v.Count)).ToList();

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
