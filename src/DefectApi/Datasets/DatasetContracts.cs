using DefectApi.Hosting;
using DefectApi.OpenApi;
using System.Text.Json;
using System.Text.Json.Serialization;
using DefectApi.Tabular;
using DefectApi.Tabular.Schema;

namespace DefectApi.Datasets;

public sealed record ValueCountResponse(string Value, long Count);

public sealed record ColumnResponse(string Name, string Type, long Missing, long Distinct, double? Min, double? Max,
    double? Mean, double? Std, IReadOnlyList<ValueCountResponse> TopValues);

public sealed record DatasetResponse(Guid Id, string Name, long RowCount, long SizeBytes, string Sha256, DateTime CreatedAt,
    string Delimiter, string DecimalSeparator, string Encoding, IReadOnlyList<ColumnResponse> Columns);

public sealed record DatasetList(IReadOnlyList<DatasetResponse> Items);

public sealed record DatasetRows(IReadOnlyList<string> Columns, [property: CellValues] IReadOnlyList<object?[]> Rows, long Total, int Offset, int Limit);

public static class DatasetMapping
{
    static readonly JsonSerializerOptions StorageJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public static string ToStorageJson(IReadOnlyList<ColumnProfile> columns) => JsonSerializer.Serialize(columns, StorageJson);

    public static IReadOnlyList<ColumnProfile> ReadColumns(this Dataset dataset) =>
        JsonSerializer.Deserialize<List<ColumnProfile>>(dataset.ColumnsJson, StorageJson) ?? [];

    public static DatasetResponse ToResponse(this Dataset dataset) => new(
        dataset.Id, dataset.Name, dataset.RowCount, dataset.SizeBytes, dataset.Sha256, dataset.CreatedAt,
        dataset.Delimiter, dataset.DecimalSeparator, dataset.Encoding,
        dataset.ReadColumns().Select(ToResponse).ToList());

    static ColumnResponse ToResponse(ColumnProfile c) => new(
        c.Name, TypeName(c.Type), c.Missing, c.Distinct, JsonNumbers.Finite(c.Min), JsonNumbers.Finite(c.Max), JsonNumbers.Finite(c.Mean), JsonNumbers.Finite(c.Std),
        c.TopValues.Select(v => new ValueCountResponse(v.Value, v.Count)).ToList());

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
