using System.Text.Json;
using DefectApi.Data;
using DefectApi.Registry;
using DefectApi.Tabular.Targets;
using DefectApi.Tabular.Training;
using DefectApi.Training;

namespace DefectApi.Bundles;

/// <summary>The JSON in a bundle beside the artifact: what the model is, in words a person (or a script without this
/// service) can read, and what the import needs besides the artifact: the name and the training history.</summary>
/// <param name="Model">The model as it was on the exporting installation: its id, version, dataset and job there.</param>
/// <param name="Options">The training request with every default filled in; null when the job is no longer stored
/// there (a model that was itself imported, say).</param>
/// <param name="TrainingData">The dataset the model was trained on and the profiles of the columns it uses; null when
/// that dataset is no longer stored there.</param>
/// <param name="Validation">How the model's metrics were validated (random, time or group folds); absent from bundles
/// exported before models stated it.</param>
internal sealed record ModelBundleManifest(
    string Format, int FormatVersion, DateTime ExportedAt, ModelSummary Model, string? PositiveClass, IReadOnlyList<string>? Classes,
    IReadOnlyList<EpochHistory> History, EffectiveTrainingRequest? Options, BundleTrainingData? TrainingData, BundleArtifact Artifact,
    ValidationResponse? Validation = null)
{
    public const string FormatName = "defectapi-model-bundle";

    /// <summary>Storage spelling (enums by their API names), and for reading a bundle: a field that must be there and
    /// is missing or null makes the manifest unreadable rather than a null in the import.</summary>
    public static readonly JsonSerializerOptions Json = new(TrainingJobMapping.StorageJson)
    {
        RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true, WriteIndented = true,
    };

    /// <summary>What makes the manifest unusable for an import, in words that say so; empty when it is usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (Format != FormatName) yield return $"its format is '{Format}', not '{FormatName}'";
        var name = Model.Name;
        if (name.Trim().Length == 0 || name.Length > 200 || name.Any(char.IsControl))
            yield return "the model's name must be 1 to 200 characters without control characters";
        if (History.Any(h => h is null)) yield return "its training history has an empty entry";
        // A request may say auto; a trained model never has it.
        if (!Model.Task.IsConcrete()) yield return $"its model's task is '{TrainingJobMapping.WireName(Model.Task)}', which no " +
            "trained model has";
    }
}

/// <param name="Columns">The stored profile (type and statistics) of each column the model reads, and of its target.</param>
internal sealed record BundleTrainingData(Guid Id, string Name, long RowCount, string Sha256, IReadOnlyList<JsonElement> Columns);

/// <param name="Sha256">Lower-case hex SHA-256 of the artifact bytes alone.</param>
internal sealed record BundleArtifact(long Bytes, string Sha256);
