using System.Diagnostics;
using DefectApi.NeuralNet.Training;

namespace DefectApi.Tabular.Training;

/// <summary>Collects the epochs of every member into the job's history and progress. Members may train side by side,
/// so progress counts epochs done across the ensemble (it only ever rises) and its ETA covers the whole job.</summary>
internal sealed class ProgressReport(Action<TrainingProgress>? progress, List<EpochHistory> history, int totalEpochs)
{
    private readonly Stopwatch _started = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private int _done;

    /// <param name="epoch">the epoch's place in the history: its member's index × epochs + its number</param>
    public void Epoch(int epoch, EpochReport e)
    {
        lock (_lock)
        {
            history.Add(new EpochHistory(epoch, e.TrainLoss, e.ValidationLoss, e.ValidationMetric));
            progress?.Invoke(new TrainingProgress(++_done, totalEpochs, e.TrainLoss, e.ValidationLoss, e.ValidationMetric, _started.Elapsed));
        }
    }
}
