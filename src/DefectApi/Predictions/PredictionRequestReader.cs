using System.Text.Json;
using DefectApi.Tabular;
using DefectApi.Tabular.Frames;
using DefectApi.Tabular.Inference;

namespace DefectApi.Predictions;

/// <summary>Reads <c>{ "records": [ { column: value, … } ] }</c> once, front to back (Utf8JsonReader, no document), into
/// the model's record batch, noting every fault rather than stopping at the first.</summary>
internal static class PredictionRequestReader
{
    /// <param name="Batch">the records read (null when the body's shape is wrong: see ShapeError)</param>
    /// <param name="RecordCount">how many records the body holds, also past the limit</param>
    /// <param name="Records">where each record's JSON object lies in the body, for the prediction log</param>
    public sealed record Result(RecordBatch? Batch, string? ShapeError, int RecordCount, IReadOnlyList<Range>? Records = null);

    const int MaxDepth = 16;

    /// <exception cref="JsonException">the body is not JSON</exception>
    public static Result Read(ReadOnlySpan<byte> json, ModelArtifact model, int maxRecords)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        const string Shape = "The body must be a JSON object with a 'records' array: { \"records\": [ { \"column\": value } ] }.";
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return new Result(null, Shape, 0);
        Result? result = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool records = reader.ValueTextEquals("records"u8);
            reader.Read();
            if (!records || result is not null) reader.Skip();
            else if (reader.TokenType != JsonTokenType.StartArray) return new Result(null, Shape, 0);
            else result = ReadRecords(ref reader, model, maxRecords);
        }
        // Past the object only whitespace may follow: reading on makes the reader refuse anything else.
        if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0) reader.Read();
        if (result is null) return new Result(null, Shape, 0);
        return result.RecordCount == 0 ? new Result(null, "'records' is empty: send at least one record.", 0) : result;
    }

    static Result ReadRecords(ref Utf8JsonReader reader, ModelArtifact model, int maxRecords)
    {
        var batch = new RecordBatch(model.Scorer);
        var ranges = new List<Range>();
        int count = 0;
        Span<char> name = stackalloc char[128];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            count++;
            if (count > maxRecords)
            {
                reader.Skip();   // past the limit: only counted, for the 413's message
                continue;
            }
            batch.StartRecord();
            int start = checked((int)reader.TokenStartIndex);
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                batch.AddError([], "Each record must be a JSON object of column → value.");
                reader.Skip();
                ranges.Add(start..checked((int)reader.BytesConsumed));
                continue;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                int length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
                var column = length <= name.Length ? name : new char[length];
                column = column[..reader.CopyString(column)];
                reader.Read();
                ReadValue(ref reader, batch, column);
            }
            ranges.Add(start..checked((int)reader.BytesConsumed));
        }
        return new Result(batch, null, count, ranges);
    }

    static void ReadValue(ref Utf8JsonReader reader, RecordBatch batch, scoped ReadOnlySpan<char> column)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number when reader.TryGetDouble(out double number) && IsMeasurement(number):
                batch.Set(column, CellValue.FromNumber(number));
                break;
            case JsonTokenType.String:
                string text;
                try { text = reader.GetString()!; }
                catch (InvalidOperationException)
                {
                    // System.Text.Json validates UTF-8 inside strings only when they are read.
                    batch.AddError(column, "The value contains text that is not valid UTF-8. Send the body encoded as UTF-8.");
                    return;
                }
                batch.Set(column, CellValue.FromText(text));
                break;
            case JsonTokenType.True or JsonTokenType.False:
                batch.Set(column, CellValue.FromBoolean(reader.TokenType == JsonTokenType.True));
                break;
            case JsonTokenType.Null:
                batch.Set(column, CellValue.Missing);
                break;
            default:
                batch.AddError(column, InvalidValue);
                reader.Skip();
                break;
        }
    }

    /// <summary>The batch's errors keyed as the API names them: records[i].column, or records[i] for a whole record.</summary>
    public static Dictionary<string, string[]> Keyed(IEnumerable<RecordError> errors)
    {
        var keyed = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var e in errors) Add(keyed, e.Column.Length == 0 ? $"records[{e.Record}]" : $"records[{e.Record}].{e.Column}", e.Message);
        return keyed;
    }

    /// <summary>The engine computes in float32: a number beyond its range cannot be a measurement.</summary>
    static bool IsMeasurement(double number) => Math.Abs(number) <= float.MaxValue;

    public const string InvalidValue = "The value must be a number within ±3.4e38, a string, true/false or null.";

    /// <summary>A JSON value as a cell, or null when it cannot be one (an object, an array, a huge number).</summary>
    public static CellValue? ToCell(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => element.TryGetDouble(out var d) && IsMeasurement(d) ? CellValue.FromNumber(d) : null,
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
