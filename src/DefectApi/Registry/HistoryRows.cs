using DefectApi.Http;
using DefectApi.Tabular.Training;

namespace DefectApi.Registry;

/// <param name="Epoch">the epoch's place in the whole run, members one after another</param>
/// <param name="Member">1-based ensemble member; null in histories stored before members were recorded</param>
/// <param name="MemberEpoch">the epoch within its member's run: the shared axis on which members compare</param>
/// <param name="Chosen">the epoch whose weights this member keeps in the model</param>
public sealed record HistoryResponse(int Epoch, double? TrainLoss, double? ValidationLoss, double? ValidationMetric,
    int? Member = null, int? MemberEpoch = null, bool Chosen = false);

/// <summary>A model's stored history as the API shows it, each member's kept epoch marked.</summary>
internal static class HistoryRows
{
    public static IReadOnlyList<HistoryResponse> From(IReadOnlyList<EpochHistory> history)
    {
        var chosen = history.Where(h => h.Member is not null).GroupBy(h => h.Member).Select(Kept).OfType<EpochHistory>().ToHashSet();
        return history.Select(h => new HistoryResponse(h.Epoch, JsonNumbers.Finite(h.TrainLoss), JsonNumbers.Finite(h.ValidationLoss),
            JsonNumbers.Finite(h.ValidationMetric), h.Member, h.MemberEpoch, chosen.Contains(h))).ToList();
    }

    /// <summary>The trainer keeps the first epoch of the highest validation metric (AUC, accuracy, R²); with no metric
    /// at all, the engine's own choice stands: the first epoch of least validation loss, or the last without validation.</summary>
    static EpochHistory? Kept(IEnumerable<EpochHistory> member)
    {
        var epochs = member.OrderBy(h => h.MemberEpoch).ToList();
        EpochHistory? best = null;
        foreach (var h in epochs)
            if (h.ValidationMetric is { } m && double.IsFinite(m) && (best is null || m > best.ValidationMetric)) best = h;
        if (best is not null) return best;
        foreach (var h in epochs)
            if (h.ValidationLoss is { } l && double.IsFinite(l) && (best is null || l < best.ValidationLoss)) best = h;
        return best ?? epochs.LastOrDefault();
    }
}
