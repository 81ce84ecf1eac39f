using System.Text.Json;
using DefectApi.Tabular;

namespace DefectApi.Models;

/// <summary>Reads <c>{ "records": [ { column: value, … } ] }</c> into cells, collecting every fault rather than
/// stopping at the first.</summary>
internal static class PredictionRequestReader
{
    public sealed record Parsed(List<IReadOnlyDictionary<string, CellValue>> Records, Dictionary<string, string[]> Errors);

    public static readonly JsonDocumentOptions Options = new() { MaxDepth = 16 };

    public static Parsed Read(JsonDocument document, int maxErrors = 100)
    {
        var records = new List<IReadOnlyDictionary<string, CellValue>>();
        var errors = new Dictionary<string, string[]>();
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("records", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            errors["records"] = ["The body must be a JSON object with a 'records' array: { \"records\": [ { \"column\": value } ] }."];
            return new Parsed(records, errors);
        }
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                Add(errors, $"records[{index}]", "Each record must be a JSON object of column → value.", maxErrors);
                records.Add(new Dictionary<string, CellValue>());
                index++;
                continue;
            }
            var record = new Dictionary<string, CellValue>(StringComparer.Ordinal);
            try { ReadRecord(element, record, index, errors, maxErrors); }
            catch (InvalidOperationException)
            {
                // System.Text.Json validates UTF-8 inside strings only when they are read.
                Add(errors, $"records[{index}]", "The record contains text that is not valid UTF-8. Send the body encoded as UTF-8.", maxErrors);
            }
            records.Add(record);
            index++;
        }
        if (index == 0) errors["records"] = ["'records' is empty: send at least one record."];
        return new Parsed(records, errors);
    }

    static void ReadRecord(JsonElement element, Dictionary<string, CellValue> record, int index, Dictionary<string, string[]> errors, int maxErrors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            // A JSON object may repeat a key; taking either value silently would score a record the caller did not mean.
            if (!seen.Add(property.Name))
                Add(errors, $"records[{index}].{property.Name}", $"'{property.Name}' appears more than once in this record: send each column once.", maxErrors);
            else if (ToCell(property.Value) is { } value) record[property.Name] = value;
            else Add(errors, $"records[{index}].{property.Name}", InvalidValue, maxErrors);
        }
    }

    public const string InvalidValue = "The value must be a number within ±3.4e38, a string, true/false or null.";

    /// <summary>A JSON value as a cell, or null when it cannot be one (an object, an array, a huge number).</summary>
    public static CellValue? ToCell(JsonElement element) => element.ValueKind switch
    {
        // The engine computes in float32: a number beyond its range cannot be a measurement.
        JsonValueKind.Number => element.TryGetDouble(out var d) && Math.Abs(d) <= float.MaxValue ? CellValue.FromNumber(d) : null,
        JsonValueKind.String => CellValue.FromText(element.GetString()!),
        JsonValueKind.True => CellValue.FromBoolean(true),
        JsonValueKind.False => CellValue.FromBoolean(false),
        JsonValueKind.Null => CellValue.Missing,
        _ => null,
    };

    /// <summary>A cell as the JSON value it came from.</summary>
    public static object? ToJsonValue(CellValue cell) => cell.Kind switch
    {
        CellKind.Number => cell.Number,
        CellKind.Text => cell.Text,
        CellKind.Boolean => cell.Boolean,
        _ => null,
    };

    public static void Add(Dictionary<string, string[]> errors, string key, string message, int maxErrors = 100)
    {
        if (errors.Count >= maxErrors && !errors.ContainsKey(key)) return;
        errors[key] = errors.TryGetValue(key, out var existing) ? [.. existing, message] : [message];
    }
}
