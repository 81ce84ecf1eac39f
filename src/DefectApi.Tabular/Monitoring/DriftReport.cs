namespace DefectApi.Tabular.Monitoring;

/// <summary>One bin of a column's distribution, for a sparkline: its share of training rows and of live records.</summary>
/// <param name="Label">"≤ 298.1", "298.1 – 299.3", "> 310.2", a category, "(other)", "(unseen)" or "(missing)"</param>
public sealed record DriftBin(string Label, double Training, double Live);

/// <summary>How far one input column (or the model's output) has moved from training.</summary>
/// <param name="Name">the input's name, or the output's: "probability", "value" or "label"</param>
/// <param name="Type">numeric | categorical | boolean | datetime, or "output"</param>
/// <param name="Psi">the population stability index (<see cref="DriftStatistics.Psi"/>); null with no live records
/// or for a column that is not checked (datetime)</param>
/// <param name="MissingShare">share of live records with no value; null with no live records</param>
/// <param name="OutOfRangeShare">share of live records outside what training saw: numeric below its minimum or above
/// its maximum, categorical a category training never had; null with no live records or for a datetime column</param>
/// <param name="Status">one of <see cref="DriftStatus"/>'s values</param>
/// <param name="Bins">the bins the PSI sums over, in order; bins empty on both sides ("(other)", "(unseen)",
/// "(missing)") are left out, as they add nothing to the PSI</param>
public sealed record ColumnDrift(string Name, string Type, double? Psi, double? MissingShare, double? OutOfRangeShare, string Status,
    IReadOnlyList<DriftBin> Bins);

/// <summary>Drift of every input and of the output over the records and outputs an accumulator was given.</summary>
/// <param name="Outputs">outputs counted (they may differ: a shadow model answers only some records)</param>
/// <param name="Columns">one per model input, in <see cref="ModelArtifact.Inputs"/> order</param>
public sealed record DriftReport(long Records, long Outputs, IReadOnlyList<ColumnDrift> Columns, ColumnDrift Output);

/// <summary>The rating of a column's PSI. The bands are the customary ones for the population stability index
/// (N. Siddiqi, "Credit Risk Scorecards", Wiley 2006; B. Yurdakul, "Statistical Properties of Population Stability
/// Index", dissertation, Western Michigan University 2018): below 0.1 no meaningful shift, 0.1 to 0.25 a shift worth
/// watching, above 0.25 a significant one.</summary>
public static class DriftStatus
{
    /// <summary>PSI below <see cref="WatchFrom"/>.</summary>
    public const string Ok = "ok";

    /// <summary>PSI from <see cref="WatchFrom"/> up to and including <see cref="AlertAbove"/>.</summary>
    public const string Watch = "watch";

    /// <summary>PSI above <see cref="AlertAbove"/>.</summary>
    public const string Alert = "alert";

    /// <summary>No live records (or outputs) were counted, so there is nothing to compare.</summary>
    public const string NoData = "no data";

    /// <summary>The column has no distribution check (datetime inputs); only its missing share is reported.</summary>
    public const string NotChecked = "not checked";

    /// <summary>The PSI from which a column is worth watching.</summary>
    public const double WatchFrom = 0.1;

    /// <summary>The PSI above which a column has shifted significantly.</summary>
    public const double AlertAbove = 0.25;

    public static string Of(double psi) => psi < WatchFrom ? Ok : psi <= AlertAbove ? Watch : Alert;
}

/// <summary>The population stability index.</summary>
public static class DriftStatistics
{
    /// <summary>The share a bin empty on one side is counted with, so that its term stays finite: a bin with live
    /// share q and no training rows adds (q − 1e-4)·ln(q / 1e-4), about 0.05 for q = 1 % and 3.7 for q = 50 %.</summary>
    public const double EmptyBinShare = 1e-4;

    /// <summary>PSI = Σᵢ (liveᵢ − trainingᵢ) · ln(liveᵢ / trainingᵢ) over the bins (Siddiqi 2006; Yurdakul
    /// 2018), with each share raised to at least <see cref="EmptyBinShare"/> first. It is 0 for identical
    /// shares and symmetric in the two distributions.</summary>
    public static double Psi(ReadOnlySpan<double> training, ReadOnlySpan<double> live)
    {
        if (training.Length != live.Length) throw new ArgumentException("Both distributions need the same bins.", nameof(live));
        double psi = 0;
        for (int i = 0; i < training.Length; i++)
        {
            double t = Math.Max(training[i], EmptyBinShare), l = Math.Max(live[i], EmptyBinShare);
            psi += (l - t) * Math.Log(l / t);
        }
        return psi;
    }
}
