using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace DefectApi.Http;

/// <summary>Names the fields of a request body as the caller wrote them. A body that could not be bound (a string
/// where a number belongs, a task that does not exist) becomes an <c>errors</c> entry like any validation failure, and
/// AddValidation()'s keys, which are C# member names ("Adjust[0].Column"), become JSON names ("adjust[0].column").
/// Both walk the endpoint's body type along the path.</summary>
internal static class JsonBodyErrors
{
    const string Unknown = "The value has the wrong type here. See the request's schema in /openapi/v1.json.";

    /// <summary>Field → what it takes, or null when the body is not JSON at all (then no field is to blame).</summary>
    public static (string Field, string Message)? Describe(HttpContext http, JsonException json)
    {
        // A reader error (the text is not JSON) also carries the path where reading stopped: no field is to blame.
        if (json.InnerException is JsonException || json.Path is not { Length: > 2 } path
            || !path.StartsWith("$.", StringComparison.Ordinal))
            return null;
        var options = Options(http);
        var endpoint = http.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? http.GetEndpoint();
        var bodyType = endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        var field = path[2..];
        if (IsDuplicateKey(json)) return (field, $"'{field[(field.LastIndexOf('.') + 1)..]}' appears more than once in its " +
            "object: send each key once.");
        var type = bodyType is null ? null : Walk(options, bodyType, field).Type;
        return (field, Expectation(options, type));
    }

    /// <summary>A key given twice in one object (refused by AllowDuplicateProperties = false). System.Text.Json marks
    /// it by message only ("Duplicate property 'X' encountered…", "Duplicate properties not allowed…").</summary>
    public static bool IsDuplicateKey(JsonException json) => json.Message.StartsWith("Duplicate propert", StringComparison.Ordinal);

    /// <summary>The same errors, keyed by the JSON names of the body's members (keys that name no member, such as a
    /// record's column names, are kept as they are).</summary>
    public static IDictionary<string, string[]> WithJsonNames(HttpContext http, IDictionary<string, string[]> errors)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType is not { } bodyType) return errors;
        var options = Options(http);
        var renamed = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (key, messages) in errors)
        {
            var name = Walk(options, bodyType, key).Path;
            renamed[name] = renamed.TryGetValue(name, out var earlier) ? [.. earlier, .. messages] : messages;
        }
        return renamed;
    }

    static JsonSerializerOptions Options(HttpContext http) =>
        http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

    /// <summary>Follows "a.b[0].c" through objects and lists, matching a segment to a member's JSON name or C# name.
    /// Answers the path in JSON names and the type at its end (null once a segment names no member).</summary>
    static (string Path, Type? Type) Walk(JsonSerializerOptions options, Type root, string path)
    {
        var segments = path.Split('.');
        Type? current = root;
        for (var s = 0; s < segments.Length && current is not null; s++)
        {
            var bracket = segments[s].IndexOf('[');
            var name = bracket < 0 ? segments[s] : segments[s][..bracket];
            var info = options.GetTypeInfo(current);
            var property = info.Kind == JsonTypeInfoKind.Object
                ? info.Properties.FirstOrDefault(p => p.Name == name || (p.AttributeProvider as System.Reflection.MemberInfo)?.Name == name)
                : null;
            if (property is null) return (path, null);
            segments[s] = property.Name + (bracket < 0 ? "" : segments[s][bracket..]);
            current = property.PropertyType;
            for (var i = bracket < 0 ? 0 : segments[s].Count(c => c == '['); i > 0 && current is not null; i--)
                current = options.GetTypeInfo(current).ElementType;
        }
        return (string.Join('.', segments), current);
    }

    static string Expectation(JsonSerializerOptions options, Type? type)
    {
        var t = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        if (t is null) return Unknown;
        if (t.IsEnum)
            return "Use one of: "
                + string.Join(", ", Enum.GetValues(t).Cast<object>().Select(v => JsonSerializer.Serialize(v, t, options).Trim('"'))) + ".";
        if (t == typeof(int) || t == typeof(long)) return "Use a whole number (not in quotes).";
        if (t == typeof(double) || t == typeof(float) || t == typeof(decimal)) return "Use a number (not in quotes).";
        if (t == typeof(bool)) return "Use true or false.";
        if (t == typeof(Guid)) return "Use an id such as 0197a4f2-6c1e-7b55-9d1a-3c1f0e2b7a10.";
        if (t == typeof(string)) return "Use a string.";
        return options.GetTypeInfo(t).Kind switch
        {
            JsonTypeInfoKind.Enumerable => "Use an array.",
            JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "Use a JSON object.",
            _ => Unknown,
        };
    }
}
