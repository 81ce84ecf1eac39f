namespace DefectApi.Http;

/// <summary>The body kinds that handlers which read their own body tell apart (predictions, outcomes).</summary>
public static class MediaTypes
{
    /// <summary>"type/subtype" of a Content-Type, parameters and spaces left out, without parsing into objects.</summary>
    public static ReadOnlySpan<char> Of(string? contentType)
    {
        var value = contentType.AsSpan();
        int parameters = value.IndexOf(';');
        return (parameters >= 0 ? value[..parameters] : value).Trim();
    }

    /// <summary>text/csv, or application/csv as some exporters send it.</summary>
    public static bool IsCsv(string? contentType) =>
        Of(contentType) is var type
            && (type.Equals("text/csv", StringComparison.OrdinalIgnoreCase)
                || type.Equals("application/csv", StringComparison.OrdinalIgnoreCase));

    public static bool IsJson(string? contentType) => Of(contentType).Equals("application/json", StringComparison.OrdinalIgnoreCase);
}
