using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace DefectApi.Datasets;

/// <summary>Finds the CSV in an upload request (a multipart <c>file</c> part or a raw text/csv body) and the optional
/// <c>name</c>, <c>delimiter</c> and <c>decimalSeparator</c> fields, streaming the file without buffering it.</summary>
internal static class UploadRequestReader
{
    static readonly string[] CsvMediaTypes = ["text/csv", "application/csv", "text/plain", "text/tab-separated-values"];

    public sealed class Fields
    {
        public string? Name { get; set; }
        public string? FileName { get; set; }
        public string? Delimiter { get; set; }
        public string? DecimalSeparator { get; set; }
    }

    public static bool IsMultipart(HttpRequest request, out string boundary)
    {
        boundary = "";
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) ||
            !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)) return false;
        boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value ?? "";
        return boundary.Length > 0;
    }

    public static bool IsCsv(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type) &&
        CsvMediaTypes.Any(t => type.MediaType.Equals(t, StringComparison.OrdinalIgnoreCase));

    /// <summary>Walks the multipart sections; calls <paramref name="onFile"/> with the file part's body as it streams.
    /// Returns false when there was no file part.</summary>
    public static async Task<bool> ReadMultipartAsync(HttpRequest request, string boundary, Fields fields,
        Func<Stream, Task> onFile, CancellationToken ct)
    {
        var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = null };
        var sawFile = false;
        MultipartSection? section;
        while ((section = await ReadSectionAsync(reader, ct)) is not null)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)) continue;
            var partName = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
            if (disposition.IsFileDisposition() && partName == "file" && !sawFile)
            {
                sawFile = true;
                fields.FileName = HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                try { await onFile(section.Body); }
                catch (IOException e) when (!ct.IsCancellationRequested)
                {
                    throw new BadHttpRequestException($"The multipart body ended before the file part was complete: {e.Message}");
                }
                continue;
            }
            if (!disposition.IsFormDisposition()) continue;
            var value = await ReadSmallFieldAsync(section.Body, ct);
            switch (partName)
            {
                case "name": fields.Name = value; break;
                case "delimiter": fields.Delimiter = value; break;
                case "decimalSeparator": fields.DecimalSeparator = value; break;
            }
        }
        return sawFile;
    }

    static async Task<MultipartSection?> ReadSectionAsync(MultipartReader reader, CancellationToken ct)
    {
        try { return await reader.ReadNextSectionAsync(ct); }
        catch (IOException e) { throw new BadHttpRequestException($"The multipart body is malformed or ended early: {e.Message}"); }
        catch (InvalidDataException e) { throw new BadHttpRequestException($"The multipart body is malformed: {e.Message}"); }
    }

    static async Task<string> ReadSmallFieldAsync(Stream body, CancellationToken ct)
    {
        using var reader = new StreamReader(body);
        var buffer = new char[1025];
        var read = await reader.ReadBlockAsync(buffer.AsMemory(), ct);
        if (read > 1024) throw new BadHttpRequestException("A form field is longer than 1024 characters; only 'file' may be large.");
        return new string(buffer, 0, read).Trim();
    }
}
