namespace DefectApi.Tabular.Schema;

public enum ColumnType { Numeric, Categorical, Boolean, Datetime, Identifier, Constant }

public sealed record ValueCount(string Value, long Count);

/// <summary>Text cells of a numeric column that were counted as missing (rare non-numbers such as "#VALUE!").</summary>
/// <param name="Count">how many cells; they are included in the column's Missing</param>
/// <param name="Values">the most common of them, with their counts</param>
public sealed record TextTreatedAsMissing(long Count, IReadOnlyList<ValueCount> Values);

/// <param name="TreatedAsMissing">null unless text in a numeric column was counted as missing</param>
public sealed record ColumnProfile(string Name, ColumnType Type, long Missing, long Distinct, double? Min, double? Max,
                                   double? Mean, double? Std, IReadOnlyList<ValueCount> TopValues,
                                   TextTreatedAsMissing? TreatedAsMissing = null)
{
    /// <summary>Kept as numbers in memory: numeric, but also a UDI identifier or a constant 0 (every value a number).</summary>
    internal bool HoldsNumbers => Type == ColumnType.Numeric || Min is not null;
}
