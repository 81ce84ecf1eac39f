using System.Text.Json;
using System.Text.Json.Serialization;
using DefectApi.NeuralNet.Optimizers;
using DefectApi.NeuralNet.Specs;
using DefectApi.Tabular.Training;

namespace DefectApi.Training;

/// <summary>A training request once it has passed every check: the dataset, the name the model is stored under, and
/// the options the trainer takes, every default filled in. Made once by <see cref="TrainingRequestValidator"/>; the
/// job stores it as JSON and its worker reads that back into this record.</summary>
public sealed record TrainingOrder(Guid DatasetId, string ModelName, TabularTrainingOptions Options)
{
    /// <summary>The job row's spelling: the shape of <see cref="EffectiveTrainingRequest"/>, which jobs have always
    /// stored and answers and bundles show.</summary>
    public string ToStorageJson() => JsonSerializer.Serialize(EffectiveTrainingRequest.From(this), TrainingJobMapping.StorageJson);

    /// <summary>Reads a job row written by this or any earlier version: the trainer's options come straight from its
    /// fields, which carry the options' names. A field the first versions did not write (ensembleSize, leakage,
    /// validation, timeColumn, groupColumn) takes the options' default, as it always has.</summary>
    /// <exception cref="JsonException">a row that is not a training request</exception>
    public static TrainingOrder FromStorageJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var options = root.Deserialize<TabularTrainingOptions>(ReadJson)
            ?? throw new JsonException("The stored training request is null.");
        if (!root.TryGetProperty("datasetId", out var id) || id.ValueKind != JsonValueKind.String || !id.TryGetGuid(out var datasetId)
            || !root.TryGetProperty("modelName", out var name) || name.ValueKind != JsonValueKind.String)
            throw new JsonException("The stored training request names no dataset or model.");
        return new(datasetId, name.GetString()!, options);
    }

    /// <summary>The engine's enums under the API's names (leaky_relu, adamw), which the job row stores.</summary>
    internal static readonly JsonSerializerOptions ReadJson = EngineNames();

    static JsonSerializerOptions EngineNames()
    {
        var options = new JsonSerializerOptions(TrainingJobMapping.StorageJson);
        // Ahead of the storage's own enum converter, which would spell them leakyRelu and adamW.
        options.Converters.Insert(0, new JsonStringEnumConverter<Activation>(JsonNamingPolicy.SnakeCaseLower));
        options.Converters.Insert(1, new JsonStringEnumConverter<OptimizerKind>(new LowerCase()));
        return options;
    }

    sealed class LowerCase : JsonNamingPolicy
    {
        public override string ConvertName(string name) => name.ToLowerInvariant();
    }
}
