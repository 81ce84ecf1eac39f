using System.Security.Cryptography;
using System.Text.Json;
using DefectApi.Data;
using DefectApi.Datasets;
using DefectApi.Registry;
using DefectApi.Tabular;
using DefectApi.Tabular.Targets;
using DefectApi.Tabular.Training;
using DefectApi.Training;

namespace DefectApi.Bundles;

/// <summary>Turns a stored model into a bundle file, and a bundle file back into what the import stores, checking
/// every part on the way in: the file's checksum, the manifest, the artifact's own checksum and that the artifact is a
/// model this service can run (<see cref="ModelArtifact.FromBytes"/>) and is the model the manifest describes.</summary>
internal static class ModelBundles
{
    /// <summary>A bundle that passed every check: the artifact bytes exactly as they were stored where it was exported,
    /// and the same parsed.</summary>
    public sealed record Opened(ModelBundleManifest Manifest, byte[] ArtifactBytes, ModelArtifact Artifact);

    /// <param name="trainingRequestJson">The stored request of the job that trained it, when that job is still stored.</param>
    /// <param name="dataset">The dataset it was trained on, when still stored.</param>
    public static byte[] Export(Model model, string? trainingRequestJson, Dataset? dataset, DateTime now)
    {
        var artifact = ModelArtifact.FromBytes(model.Artifact);
        var manifest = new ModelBundleManifest(
            ModelBundleManifest.FormatName, ModelBundleFormat.Version, now, model.ToSummary(artifact), artifact.PositiveClass,
            artifact.Classes, JsonSerializer.Deserialize<List<EpochHistory>>(model.HistoryJson, TrainingJobMapping.StorageJson) ?? [],
            trainingRequestJson is null ? null
            : JsonSerializer.Deserialize<EffectiveTrainingRequest>(trainingRequestJson, TrainingJobMapping.StorageJson),
            dataset is null ? null : TrainingData(dataset, artifact),
            new BundleArtifact(model.Artifact.Length, Convert.ToHexStringLower(SHA256.HashData(model.Artifact))),
            model.ReadValidation());
        return ModelBundleFormat.Write(JsonSerializer.SerializeToUtf8Bytes(manifest, ModelBundleManifest.Json), model.Artifact);
    }

    /// <summary>The stored profiles of the columns the model reads and of its target: what the training data looked
    /// like, to compare new data with on the importing side.</summary>
    static BundleTrainingData TrainingData(Dataset dataset, ModelArtifact artifact)
    {
        var used = artifact.Inputs.Select(i => i.Name).Append(artifact.Target).ToHashSet(StringComparer.Ordinal);
        var columns = JsonSerializer.Deserialize<List<JsonElement>>(dataset.ColumnsJson) ?? [];
        return new BundleTrainingData(dataset.Id, dataset.Name, dataset.RowCount, dataset.Sha256,
            columns.Where(c => c.ValueKind == JsonValueKind.Object
                && c.TryGetProperty("name", out var name) && used.Contains(name.GetString() ?? "")).ToList());
    }

    /// <summary>Everything the import needs from the file, or <see cref="BundleFormatException"/> naming the first
    /// thing that is wrong with it.</summary>
    public static Opened Open(byte[] file)
    {
        var contents = ModelBundleFormat.Read(file);
        ModelBundleManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelBundleManifest>(contents.Manifest.Span, ModelBundleManifest.Json)
                ?? throw new JsonException("The manifest is null.");
        }
        catch (JsonException e)
        {
            throw Unusable($"its manifest cannot be read ({e.Message})");
        }
        if (manifest.Problems().FirstOrDefault() is { } problem) throw Unusable(problem);
        if (manifest.Artifact.Bytes != contents.Artifact.Length ||
            !manifest.Artifact.Sha256.Equals(Convert.ToHexStringLower(SHA256.HashData(contents.Artifact)),
            StringComparison.OrdinalIgnoreCase))
            throw Unusable("the model in it is not the one its manifest describes (size or SHA-256 differ)");

        ModelArtifact artifact;
        try { artifact = ModelArtifact.FromBytes(contents.Artifact); }
        catch (InvalidDataException e)
        {
            throw new BundleFormatException("The model in the bundle cannot be read",
                $"{e.Message} The bundle's checksum is right, so it was written that way; export the model again with a " +
                "DefectApi version that this one reads.");
        }
        if (manifest.Model.Task != artifact.Task || manifest.Model.Target != artifact.Target)
            throw Unusable($"its manifest describes a {manifest.Model.Task.WireName()} model of '{manifest.Model.Target}', " +
                $"but the model in it is a {artifact.Task.WireName()} model of '{artifact.Target}'");
        return new Opened(manifest, contents.Artifact, artifact);
    }

    static BundleFormatException Unusable(string why) => new("The bundle cannot be imported",
        $"The bundle's checksum is right, but {why}. It was not written by DefectApi's export; export the model again with GET " +
        $"/api/models/{{id}}/bundle.");

    /// <summary>The model row an import stores: the artifact exactly as exported, the history, and as the dataset and
    /// job the ones it was trained from on the exporting installation (their ids say where it came from).</summary>
    public static Model ToModel(this Opened bundle, int version, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(), Name = bundle.Manifest.Model.Name, Version = version, Task = bundle.Artifact.Task,
        Target = bundle.Artifact.Target, DatasetId = bundle.Manifest.Model.DatasetId, JobId = bundle.Manifest.Model.JobId, CreatedAt = now,
        HistoryJson = JsonSerializer.Serialize(bundle.Manifest.History, TrainingJobMapping.StorageJson), Artifact = bundle.ArtifactBytes,
        ValidationJson = bundle.Manifest.Validation is { } validation ? ValidationMapping.ToStorageJson(validation) : null,
    };

    /// <summary>"line3-defects-v4.dabundle": the name with anything a file system might refuse replaced.</summary>
    public static string FileName(Model model)
    {
        var safe = new string(model.Name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray()).Trim('-', '.');
        if (safe.Length > 100) safe = safe[..100];
        return $"{(safe.Length == 0 ? "model" : safe)}-v{model.Version}{ModelBundleFormat.FileExtension}";
    }
}
