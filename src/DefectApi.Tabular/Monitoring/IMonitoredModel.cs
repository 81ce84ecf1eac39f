using DefectApi.Tabular.Targets;

namespace DefectApi.Tabular.Monitoring;

/// <summary>What monitoring reads of a model: its task, classes and threshold, and what its training data looked like.
/// The stored model implements it, so drift and outcome counts need nothing else of the artifact.</summary>
public interface IMonitoredModel
{
    string Target { get; }

    TaskKind Task { get; }

    IReadOnlyList<string>? Classes { get; }

    /// <summary>binary only</summary>
    double? Threshold { get; }

    /// <summary>null for models stored before profiles existed</summary>
    TrainingProfile? Profile { get; }
}
