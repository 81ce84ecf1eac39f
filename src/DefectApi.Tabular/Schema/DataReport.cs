namespace DefectApi.Tabular.Schema;

/// <summary>What an upload's data holds that a user should know before training: repeated rows, columns that carry
/// no signal (identifiers, a single value) and columns that repeat another.</summary>
/// <param name="DuplicateRows">rows whose every cell repeats an earlier row's (numbers by value, "1.5" as "1.50"; other cells as
/// text)</param>
/// <param name="DuplicateExamples">the first few, by 1-based data row number (the header is not counted)</param>
/// <param name="Identifiers">columns with a value per row (serials, row numbers), which training leaves out</param>
/// <param name="SingleValued">columns with at most one value, which training leaves out</param>
/// <param name="NearDuplicates">pairs of columns that say the same thing</param>
/// <param name="Notes">limits of the report (columns left out of a check, and why)</param>
public sealed record DataReport(long DuplicateRows, IReadOnlyList<DuplicateRow> DuplicateExamples, IReadOnlyList<string> Identifiers,
    IReadOnlyList<string> SingleValued, IReadOnlyList<NearDuplicateColumns> NearDuplicates, IReadOnlyList<string> Notes);

public sealed record DuplicateRow(long Row, long SameAsRow);

/// <summary>Column repeats DuplicateOf: numbers whose |Pearson correlation| is at least
/// <see cref="DataReportBuilder.NearDuplicateCorrelation"/> ("correlated"), or categories equal after renaming the
/// levels one for one ("relabelled").</summary>
/// <param name="Correlation">for "correlated" pairs; null for "relabelled"</param>
public sealed record NearDuplicateColumns(string Column, string DuplicateOf, string Kind, double? Correlation);
