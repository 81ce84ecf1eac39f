namespace DefectApi.Tabular.Training;

/// <param name="Epoch">epochs done across the whole ensemble</param>
/// <param name="Epochs">the most the ensemble will train: members × epochs per member</param>
public sealed record TrainingProgress(int Epoch, int Epochs, double TrainLoss, double? ValidationLoss,
                                      double? ValidationMetric, TimeSpan Elapsed)
{
    /// <summary>Where the ensemble stands, in the request's terms (member i of k, epoch e of n).</summary>
    public EnsembleProgress? Ensemble { get; init; }

    /// <summary>Probable leaks found before the first epoch, so that a running job already warns of them.</summary>
    public IReadOnlyList<LeakFinding> Leaks { get; init; } = [];
}

/// <param name="Reported">the member and epoch whose losses this progress carries</param>
/// <param name="Training">the members training at this moment (several train side by side), by member number</param>
public sealed record EnsembleProgress(int Members, int EpochsPerMember, int MembersDone, MemberEpoch Reported,
    IReadOnlyList<MemberEpoch> Training);

/// <param name="Member">1-based, as people count members</param>
public sealed record MemberEpoch(int Member, int Epoch);

/// <param name="Epoch">the epoch's place in the whole run: (member − 1) × epochs per member + MemberEpoch</param>
/// <param name="Member">1-based; null in histories stored before members were recorded</param>
/// <param name="MemberEpoch">the epoch within its member's own run</param>
public sealed record EpochHistory(int Epoch, double TrainLoss, double? ValidationLoss, double? ValidationMetric,
                                  int? Member = null, int? MemberEpoch = null);
