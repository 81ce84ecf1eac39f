using DefectApi.Tabular;
using DefectApi.Tabular.Inference;

namespace DefectApi.Predictions;

/// <summary>Where a deployment's answers go once given: the prediction log, which monitoring implements. Predictions
/// own this interface, so they never import monitoring.</summary>
public interface IPredictionSink
{
    /// <summary>False when answers are not kept (PredictionLog:Enabled): nothing is handed over.</summary>
    bool Enabled { get; }

    /// <summary>Keeps one answered record (its JSON as sent) and returns the prediction's id.</summary>
    Guid Add(string deployment, Guid modelId, ReadOnlySpan<byte> recordJson, LoggedScore answer);

    /// <summary>Keeps the rows of one CSV scoring call as they are answered.</summary>
    ICsvPredictionLog ForCsv(string deployment, Guid modelId);
}
