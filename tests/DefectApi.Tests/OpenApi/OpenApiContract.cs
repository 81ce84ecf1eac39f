using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace DefectApi.Tests.OpenApi;

/// <summary>One answer the service sent, as a client saw it.</summary>
public sealed record Exchange(string Method, string Path, int Status, string? MediaType, string Body)
{
    public override string ToString() => $"{Method} {Path} → {Status} {MediaType}";
}

/// <summary>The served OpenAPI document as a contract: finds the operation, status and content type an answer belongs
/// to and validates its body against that schema (JSON Schema 2020-12, as OpenAPI 3.1 schemas are). Object schemas
/// are closed here (no properties beyond those documented), so an undocumented field fails too.</summary>
public sealed class OpenApiContract
{
    readonly JsonObject _paths;
    readonly JsonObject _components;
    readonly List<(Regex Pattern, string Template)> _templates;
    readonly Dictionary<string, JsonSchema> _schemas = [];

    /// <summary>What each server-sent event's data is, by event name (the operation's description says the same).</summary>
    static readonly Dictionary<string, string> EventSchemas = new()
    {
        ["progress"] = "ProgressResponse",
        ["finished"] = "TrainingJobResponse"
    };

    public OpenApiContract(string document)
    {
        var root = JsonNode.Parse(document)!.AsObject();
        _paths = root["paths"]!.AsObject();
        _components = root["components"]!["schemas"]!.AsObject();
        // Literal segments win over parameters ("/api/models/import" before "/api/models/{id}").
        _templates = _paths.Select(p => p.Key)
            .OrderBy(t => t.Count(c => c == '{'))
            .Select(t => (new Regex("^" + Regex.Replace(Regex.Escape(t), @"\\\{[^/]+?}", "[^/]+") + "$"), t))
            .ToList();
    }

    /// <summary>What is wrong with the answer, or nothing.</summary>
    public IEnumerable<string> Check(Exchange exchange)
    {
        var template = _templates.FirstOrDefault(t => t.Pattern.IsMatch(exchange.Path)).Template;
        if (template is null) { yield return $"{exchange}: the path is not in the document"; yield break; }
        if (_paths[template]![exchange.Method.ToLowerInvariant()] is not JsonObject operation)
        {
            yield return $"{exchange}: {exchange.Method} {template} is not in the document";
            yield break;
        }
        var responses = operation["responses"]!.AsObject();
        var status = exchange.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if ((responses[status] ?? responses["default"]) is not JsonObject response)
        {
            yield return $"{exchange}: status {status} is not documented for {exchange.Method} {template}";
            yield break;
        }
        if (response["content"] is not JsonObject content || content.Count == 0)
        {
            if (exchange.Body.Length > 0) yield return $"{exchange}: the document describes no body, but one was sent";
            yield break;
        }
        if (exchange.MediaType is null || content[exchange.MediaType] is not JsonObject media)
        {
            yield return $"{exchange}: content type {exchange.MediaType ?? "(none)"} is not documented (only " +
                $"{string.Join(", ", content.Select(c => c.Key))})";
            yield break;
        }
        var key = $"{exchange.Method} {template} {status} {exchange.MediaType}";
        foreach (var problem in exchange.MediaType switch
        {
            "application/json" or "application/problem+json" => Validate(key, media["schema"]!, exchange.Body),
            "text/event-stream" => Events(exchange.Body),
            _ => Validate(key, media["schema"]!, JsonSerializer.Serialize(exchange.Body)),
        })
            yield return $"{exchange}: {problem}";
    }

    IEnumerable<string> Events(string stream)
    {
        var sawEvent = false;
        foreach (var block in stream.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = block.Split('\n');
            var name = lines.FirstOrDefault(l => l.StartsWith("event: ", StringComparison.Ordinal))?[7..];
            var data = string.Concat(lines.Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l[6..]));
            if (name is null || !EventSchemas.TryGetValue(name, out var component))
            {
                yield return $"event '{name}' is not " +
                "described"; continue;
            }
            sawEvent = true;
            var schema = new JsonObject { ["$ref"] = "#/components/schemas/" + component };
            foreach (var problem in Validate("event " + component, schema, data)) yield return $"event '{name}': {problem}";
        }
        if (!sawEvent) yield return "the stream carried no event";
    }

    IEnumerable<string> Validate(string key, JsonNode schema, string body)
    {
        if (!_schemas.TryGetValue(key, out var compiled)) _schemas[key] = compiled = Compile(schema);
        JsonElement instance;
        try { instance = JsonDocument.Parse(body).RootElement; }
        catch (JsonException e) { return [$"the body is not JSON: {e.Message}"]; }
        var result = compiled.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return [];
        return (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.SchemaLocation}): {e.Value}"))
            .DefaultIfEmpty("invalid").Prepend(Shorten(body));
    }

    static string Shorten(string body) => "body " + (body.Length > 300 ? body[..300] + "…" : body);

    /// <summary>The schema with every component beside it under $defs, references pointed there.</summary>
    JsonSchema Compile(JsonNode schema)
    {
        var definitions = (JsonObject)_components.DeepClone();
        foreach (var (_, definition) in definitions) Close(definition);
        var wrapped = schema.DeepClone();
        Close(wrapped);
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$defs"] = definitions,
            ["allOf"] = new JsonArray(wrapped),
        };
        var text = root.ToJsonString().Replace("\"#/components/schemas/", "\"#/$defs/", StringComparison.Ordinal);
        return JsonSchema.FromText(text, new BuildOptions(), new Uri($"https://defectapi.test/{Guid.NewGuid():N}"));
    }

    /// <summary>Forbids undocumented properties in every object schema that lists its properties.</summary>
    static void Close(JsonNode? node)
    {
        if (node is not JsonObject schema) return;
        if (schema["properties"] is JsonObject properties)
        {
            if (!schema.ContainsKey("additionalProperties")) schema["additionalProperties"] = false;
            foreach (var (_, property) in properties) Close(property);
        }
        Close(schema["items"]);
        Close(schema["additionalProperties"]);
        foreach (var keyword in new[] { "allOf", "anyOf", "oneOf" })
            if (schema[keyword] is JsonArray list) foreach (var item in list) Close(item);
    }
}
