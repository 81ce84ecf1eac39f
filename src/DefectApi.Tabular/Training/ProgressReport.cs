using System.Diagnostics;
using DefectApi.NeuralNet.Training;

namespace DefectApi.Tabular.Training;

/// <summary>Collects the epochs of every member into the job's history and progress. Members may train side by side,
/// so progress counts epochs done across the ensemble (it only ever rises) and its ETA covers the whole job; it also
/// names the members in training and each one's epoch, so that a person reads it as "member i of k, epoch e of n".</summary>
internal sealed class ProgressReport(Action<TrainingProgress>? progress, List<EpochHistory> history, int members, int epochsPerMember,
    IReadOnlyList<LeakFinding> leaks)
{
    private readonly Stopwatch _started = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private readonly SortedDictionary<int, int> _training = [];
    private int _done;
    private int _membersDone;

    /// <param name="member">0-based member index</param>
    public void Epoch(int member, EpochReport e)
    {
        lock (_lock)
        {
            int number = member + 1;
            _training[number] = e.Epoch;
            history.Add(new EpochHistory(member * epochsPerMember + e.Epoch, e.TrainLoss, e.ValidationLoss, e.ValidationMetric,
                number, e.Epoch));
            var ensemble = new EnsembleProgress(members, epochsPerMember, _membersDone, new MemberEpoch(number, e.Epoch),
                _training.Select(t => new MemberEpoch(t.Key, t.Value)).ToList());
            progress?.Invoke(new TrainingProgress(++_done, members * epochsPerMember, e.TrainLoss, e.ValidationLoss, e.ValidationMetric,
                _started.Elapsed)
            { Ensemble = ensemble, Leaks = leaks });
        }
    }

    /// <summary>A member ended (its epochs ran out or it stopped early); the next epoch reported counts it as done.</summary>
    public void MemberFinished(int member)
    {
        lock (_lock)
        {
            if (_training.Remove(member + 1)) _membersDone++;
        }
    }
}
